/* error: every read, write, discard and write-zeroes fails with -EIO, which
 * is how LVM fills the holes of a volume whose device is missing. */
#include <errno.h>
#include <stdlib.h>

#include "ulvm/target.h"
#include "util/strbuf.h"
#include "util/parse.h"

/* The optional device, only held so that `deps` and iterate_devices see
 * what the failing range stands for (as in the kernel). */
struct error_dev {
	struct target_dev *dev;
	uint64_t start;
};

/* Construct: [<dev_path> <offset>]
 * Any other arguments are accepted and ignored, as the kernel's error
 * target is a wildcard that may replace any target in a table. */
static int error_ctr(struct target *ti, int argc, char **argv)
{
	struct error_dev *ec;
	int r;

	ti->num_discard_ios = 1; /* fail discards too, rather than refuse them */
	if (argc != 2)
		return 0;
	ec = calloc(1, sizeof(*ec));
	if (!ec)
		return target_fail(ti, 0, "out of memory");
	if (parse_u64(argv[1], &ec->start)) {
		free(ec);
		return target_fail(ti, 2, "invalid device sector");
	}
	r = target_dev_get(ti, argv[0], &ec->dev);
	if (r) {
		free(ec);
		if (!ti->error_arg)
			ti->error_arg = 1;
		return r;
	}
	ti->private = ec;
	return 0;
}

static void error_dtr(struct target *ti)
{
	struct error_dev *ec = ti->private;

	if (ec) {
		target_dev_put(ti, ec->dev);
		free(ec);
	}
}

/* A flush has nothing to lose on a device that never stored anything; the
 * kernel never even sends one here, so it succeeds. */
static int error_map(struct target *ti, struct io *io)
{
	io_complete(io, io->op == IO_FLUSH ? 0 : -EIO);
	return MAP_SUBMITTED;
}

/* Both forms are empty, as in the kernel (the optional device is not
 * re-emitted; the reloaded target fails exactly the same). */
static void error_status(struct target *ti, enum status_type type, unsigned flags,
			 struct strbuf *out)
{
}

static int error_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct error_dev *ec = ti->private;

	return ec ? fn(ti, ec->dev, ec->start, ti->len, data) : 0;
}

const struct target_type error_target = {
    .name = "error",
    .version = {1, 7, 0},
    .ctr = error_ctr,
    .dtr = error_dtr,
    .map = error_map,
    .status = error_status,
    .iterate_devices = error_iterate_devices,
};
