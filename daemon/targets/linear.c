/* linear: maps a range of the device onto a contiguous range of another.
 * The model every other target follows. */
#include <stdlib.h>

#include "ulvm/target.h"
#include "util/strbuf.h"
#include "util/parse.h"

struct linear {
	struct target_dev *dev;
	uint64_t start; /* sector on dev where this target's sector 0 lies */
};

/* Construct: <dev_path> <offset> */
static int linear_ctr(struct target *ti, int argc, char **argv)
{
	struct linear *lc;
	int r;

	if (argc != 2)
		return target_fail(ti, 0, "invalid argument count (expected <dev> <offset>)");
	lc = calloc(1, sizeof(*lc));
	if (!lc)
		return target_fail(ti, 0, "out of memory");
	if (parse_u64(argv[1], &lc->start)) {
		free(lc);
		return target_fail(ti, 2, "invalid device sector");
	}
	r = target_dev_get(ti, argv[0], &lc->dev);
	if (r) {
		free(lc);
		return r;
	}
	ti->private = lc;
	return 0;
}

static void linear_dtr(struct target *ti)
{
	struct linear *lc = ti->private;

	target_dev_put(ti, lc->dev);
	free(lc);
}

static int linear_map(struct target *ti, struct io *io)
{
	struct linear *lc = ti->private;

	io_remap(io, lc->dev, lc->start + io->sector);
	return MAP_REMAPPED;
}

static void linear_status(struct target *ti, enum status_type type, unsigned flags,
			  struct strbuf *out)
{
	struct linear *lc = ti->private;

	if (type == STATUS_TABLE)
		sb_printf(out, "%s %llu", target_dev_name(lc->dev), (unsigned long long)lc->start);
}

static int linear_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct linear *lc = ti->private;

	return fn(ti, lc->dev, lc->start, ti->len, data);
}

const struct target_type linear_target = {
    .name = "linear",
    .version = {1, 4, 0},
    .ctr = linear_ctr,
    .dtr = linear_dtr,
    .map = linear_map,
    .status = linear_status,
    .iterate_devices = linear_iterate_devices,
};
