/* striped: spreads a device over several others, one chunk at a time.
 *
 * Chunk k of the target lies on stripe k % #stripes, as chunk k / #stripes
 * of that stripe. The engine splits every io at chunk boundaries
 * (ti->max_io_len), so map never sees an io that spans two chunks and is
 * pure arithmetic. Chunk sizes need not be powers of two, as in the
 * current kernel.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ulvm/target.h"
#include "util/strbuf.h"
#include "util/parse.h"

/* After this many errors on a stripe, stop raising events for it: a dead
 * disk must not flood `dmsetup wait` (the kernel's threshold too). */
#define STRIPED_EVENT_THRESHOLD 15

struct stripe {
	struct target_dev *dev;
	uint64_t start;		 /* sector on dev where this stripe's data starts */
	atomic_uint error_count; /* bumped from any worker's end_io */
};

struct striped {
	uint32_t stripes;
	uint32_t chunk_size; /* sectors */
	uint64_t width;	     /* sectors of the target held by each stripe */
	struct stripe stripe[];
};

/* Where target-relative `sector` lives: which stripe, and the sector
 * within that stripe's area (before adding the stripe's start). */
static void striped_locate(const struct striped *sc, uint64_t sector, uint32_t *stripe,
			   uint64_t *offset)
{
	uint64_t chunk = sector / sc->chunk_size;
	uint64_t in_chunk = sector % sc->chunk_size;

	*stripe = (uint32_t)(chunk % sc->stripes);
	*offset = (chunk / sc->stripes) * sc->chunk_size + in_chunk;
}

static void striped_free(struct target *ti, struct striped *sc, uint32_t opened)
{
	while (opened--)
		target_dev_put(ti, sc->stripe[opened].dev);
	free(sc);
}

/* Opens the <dev> <offset> pair of stripe i; argno is the 1-based number
 * of the <dev> word, for error messages. */
static int striped_get_stripe(struct target *ti, struct stripe *s, char **argv, int argno)
{
	int r;

	if (parse_u64(argv[1], &s->start))
		return target_fail(ti, argno + 1, "invalid stripe device sector");
	r = target_dev_get(ti, argv[0], &s->dev);
	if (r) {
		if (!ti->error_arg)
			ti->error_arg = argno;
		return r;
	}
	atomic_init(&s->error_count, 0);
	return 0;
}

/* Construct: <#stripes> <chunk_size> (<dev_path> <offset>){#stripes}
 *   #stripes    >= 1
 *   chunk_size  sectors, >= 1; the target length must split into #stripes
 *               equal widths and each width into whole chunks */
static int striped_ctr(struct target *ti, int argc, char **argv)
{
	struct striped *sc;
	uint32_t stripes, chunk_size, i;
	int r;

	if (argc < 2)
		return target_fail(ti, 0, "not enough arguments");
	if (parse_u32(argv[0], &stripes) || !stripes)
		return target_fail(ti, 1, "invalid stripe count");
	if (parse_u32(argv[1], &chunk_size) || !chunk_size)
		return target_fail(ti, 2, "invalid chunk size");
	if (ti->len % stripes)
		return target_fail(ti, 1, "target length not divisible by number of stripes");
	if ((ti->len / stripes) % chunk_size)
		return target_fail(ti, 2, "target length not divisible by chunk size");
	if ((uint64_t)argc != 2 + 2 * (uint64_t)stripes)
		return target_fail(ti, 0, "not enough destinations specified");

	sc = calloc(1, sizeof(*sc) + (size_t)stripes * sizeof(sc->stripe[0]));
	if (!sc)
		return target_fail(ti, 0, "out of memory");
	sc->stripes = stripes;
	sc->chunk_size = chunk_size;
	sc->width = ti->len / stripes;
	for (i = 0; i < stripes; i++) {
		r = striped_get_stripe(ti, &sc->stripe[i], argv + 2 + 2 * i, 3 + 2 * (int)i);
		if (r) {
			striped_free(ti, sc, i);
			return r;
		}
	}
	ti->max_io_len = chunk_size;
	ti->num_flush_ios = stripes;
	/* Discards and write-zeroes are split at chunks like data, so one
	 * clone per piece, mapped like a write, is exact. */
	ti->num_discard_ios = 1;
	ti->private = sc;
	return 0;
}

static void striped_dtr(struct target *ti)
{
	struct striped *sc = ti->private;

	striped_free(ti, sc, sc->stripes);
}

static int striped_map(struct target *ti, struct io *io)
{
	struct striped *sc = ti->private;
	uint32_t stripe;
	uint64_t offset;

	if (io->op == IO_FLUSH) {
		/* One flush clone per stripe, numbered by the engine. */
		stripe = io->target_io_nr < sc->stripes ? io->target_io_nr : 0;
		io_remap(io, sc->stripe[stripe].dev, sc->stripe[stripe].start);
		return MAP_REMAPPED;
	}
	striped_locate(sc, io->sector, &stripe, &offset);
	io_remap(io, sc->stripe[stripe].dev, sc->stripe[stripe].start + offset);
	return MAP_REMAPPED;
}

/* Counts a failed io against every stripe on the failing device (several
 * stripes may share one) and raises an event while under the threshold. */
static int striped_end_io(struct target *ti, struct io *io, int *error)
{
	struct striped *sc = ti->private;
	const char *name;
	uint32_t i;

	if (!*error || *error == -EOPNOTSUPP || !io->dev)
		return 0;
	name = target_dev_name(io->dev);
	for (i = 0; i < sc->stripes; i++) {
		struct stripe *s = &sc->stripe[i];

		if (s->dev != io->dev && strcmp(target_dev_name(s->dev), name))
			continue;
		if (atomic_fetch_add(&s->error_count, 1) + 1 < STRIPED_EVENT_THRESHOLD)
			target_event(ti);
	}
	return 0;
}

/* INFO:  <#stripes> <dev>... 1 <A|D per stripe>
 * TABLE: <#stripes> <chunk_size> (<dev> <offset>)... */
static void striped_status(struct target *ti, enum status_type type, unsigned flags,
			   struct strbuf *out)
{
	struct striped *sc = ti->private;
	uint32_t i;

	if (type == STATUS_INFO) {
		sb_printf(out, "%u ", sc->stripes);
		for (i = 0; i < sc->stripes; i++)
			sb_printf(out, "%s ", target_dev_name(sc->stripe[i].dev));
		sb_puts(out, "1 ");
		for (i = 0; i < sc->stripes; i++)
			sb_puts(out, atomic_load(&sc->stripe[i].error_count) ? "D" : "A");
		return;
	}
	sb_printf(out, "%u %u", sc->stripes, sc->chunk_size);
	for (i = 0; i < sc->stripes; i++)
		sb_printf(out, " %s %llu", target_dev_name(sc->stripe[i].dev),
			  (unsigned long long)sc->stripe[i].start);
}

static int striped_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct striped *sc = ti->private;
	uint32_t i;
	int r = 0;

	for (i = 0; i < sc->stripes && !r; i++)
		r = fn(ti, sc->stripe[i].dev, sc->stripe[i].start, sc->width, data);
	return r;
}

const struct target_type striped_target = {
    .name = "striped",
    .version = {1, 6, 0},
    .ctr = striped_ctr,
    .dtr = striped_dtr,
    .map = striped_map,
    .end_io = striped_end_io,
    .status = striped_status,
    .iterate_devices = striped_iterate_devices,
};
