/* flakey: a linear mapping that misbehaves periodically, for testing.
 *
 * From construction the device is up for <up> seconds, then down for
 * <down> seconds, and so on. While down it does what the features say, as
 * the current kernel's dm-flakey: without features every io fails; with
 * error_reads reads fail; drop_writes completes writes without storing
 * them; error_writes fails them; corrupt_bio_byte and random_*_corrupt
 * change one byte of reads (after they complete) or of writes (in a copy,
 * so the caller's buffer is never touched). Flushes, discards and
 * write-zeroes count as writes, as their kernel bios do.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ulvm/target.h"
#include "engine/worker.h"
#include "util/strbuf.h"
#include "util/parse.h"

#define FLAKEY_PROBABILITY_BASE 1000000000u
#define FLAKEY_MAX_FEATURE_ARGS 11
#define NSEC_PER_SEC		1000000000ull

/* corrupt_bio_byte's <flags> is matched against a kernel-style bi_opf
 * built from the io: the op (0 read, 1 write) and REQ_FUA. Other kernel
 * request flags never occur here, so a mask naming them never matches. */
#define FLAKEY_REQ_OP_WRITE 1u
#define FLAKEY_REQ_FUA	    (1u << 17)

/* Marks, in io->target_private, a read that was mapped while down: its
 * completion may have to be corrupted. */
static char flakey_down_read;

struct flakey {
	struct target_dev *dev;
	uint64_t start;	      /* sector on dev of the target's sector 0 */
	uint64_t start_ns;    /* construction time: the cycle starts here */
	uint32_t up_interval; /* seconds */
	uint32_t down_interval;
	bool error_reads, drop_writes, error_writes;
	uint32_t corrupt_bio_byte; /* 1-based; 0 = feature off */
	bool corrupt_write;	   /* corrupt_bio_byte direction w (else r) */
	uint32_t corrupt_bio_value;
	uint32_t corrupt_bio_flags;
	uint32_t random_read_corrupt; /* probability in 1e-9; 0 = off */
	uint32_t random_write_corrupt;
};

/* A cursor over the feature words: argv[0..argc), argno of argv[0]. */
struct flakey_args {
	char **argv;
	int argc;
	int argno;
};

static const char *flakey_shift(struct flakey_args *as)
{
	if (!as->argc)
		return NULL;
	as->argc--;
	as->argno++;
	return *as->argv++;
}

/* Reads the next word as a number in [min, max]; fails naming it. */
static int flakey_read_u32(struct target *ti, struct flakey_args *as, uint32_t min, uint32_t max,
			   uint32_t *out, const char *why)
{
	int argno = as->argno;
	const char *word = flakey_shift(as);

	if (!word || parse_u32(word, out) || *out < min || *out > max)
		return target_fail(ti, argno, why);
	return 0;
}

/* corrupt_bio_byte <Nth_byte> <r|w> <value> <flags> (the name already read) */
static int flakey_parse_corrupt(struct target *ti, struct flakey *fc, struct flakey_args *as)
{
	const char *dir;
	int argno;

	if (fc->corrupt_bio_byte)
		return target_fail(ti, as->argno - 1, "feature corrupt_bio_byte duplicated");
	if (as->argc < 4)
		return target_fail(ti, as->argno - 1,
				   "feature corrupt_bio_byte requires 4 parameters");
	if (flakey_read_u32(ti, as, 1, UINT32_MAX, &fc->corrupt_bio_byte,
			    "invalid corrupt bio byte"))
		return -EINVAL;
	argno = as->argno;
	dir = flakey_shift(as);
	if (!strcasecmp(dir, "w"))
		fc->corrupt_write = true;
	else if (strcasecmp(dir, "r"))
		return target_fail(ti, argno, "invalid corrupt bio direction (r or w)");
	if (flakey_read_u32(ti, as, 0, 255, &fc->corrupt_bio_value,
			    "invalid corrupt value to write into bio byte (0-255)"))
		return -EINVAL;
	return flakey_read_u32(ti, as, 0, UINT32_MAX, &fc->corrupt_bio_flags,
			       "invalid corrupt bio flags mask");
}

/* random_read_corrupt|random_write_corrupt <probability> (the name already
 * read). ti->error keeps the pointer, so the messages are literals. */
static int flakey_parse_random(struct target *ti, struct flakey_args *as, uint32_t *probability,
			       const char *duplicated, const char *missing)
{
	if (*probability)
		return target_fail(ti, as->argno - 1, duplicated);
	if (!as->argc)
		return target_fail(ti, as->argno - 1, missing);
	return flakey_read_u32(ti, as, 0, FLAKEY_PROBABILITY_BASE, probability,
			       "invalid random corrupt argument");
}

/* One feature word (already shifted, at argno) and its parameters. */
static int flakey_parse_feature(struct target *ti, struct flakey *fc, struct flakey_args *as,
				const char *name, int argno)
{
	if (!strcasecmp(name, "error_reads")) {
		if (fc->error_reads)
			return target_fail(ti, argno, "feature error_reads duplicated");
		fc->error_reads = true;
	} else if (!strcasecmp(name, "drop_writes")) {
		if (fc->drop_writes)
			return target_fail(ti, argno, "feature drop_writes duplicated");
		if (fc->error_writes)
			return target_fail(
			    ti, argno, "feature drop_writes conflicts with feature error_writes");
		fc->drop_writes = true;
	} else if (!strcasecmp(name, "error_writes")) {
		if (fc->error_writes)
			return target_fail(ti, argno, "feature error_writes duplicated");
		if (fc->drop_writes)
			return target_fail(
			    ti, argno, "feature error_writes conflicts with feature drop_writes");
		fc->error_writes = true;
	} else if (!strcasecmp(name, "corrupt_bio_byte")) {
		return flakey_parse_corrupt(ti, fc, as);
	} else if (!strcasecmp(name, "random_read_corrupt")) {
		return flakey_parse_random(ti, as, &fc->random_read_corrupt,
					   "feature random_read_corrupt duplicated",
					   "feature random_read_corrupt requires a parameter");
	} else if (!strcasecmp(name, "random_write_corrupt")) {
		return flakey_parse_random(ti, as, &fc->random_write_corrupt,
					   "feature random_write_corrupt duplicated",
					   "feature random_write_corrupt requires a parameter");
	} else {
		return target_fail(ti, argno, "unrecognised flakey feature requested");
	}
	return 0;
}

/* Rejects feature sets that contradict each other; with no failure mode
 * at all, every io fails while down (the kernel's default). */
static int flakey_check_features(struct target *ti, struct flakey *fc)
{
	bool corrupt_w = (fc->corrupt_bio_byte && fc->corrupt_write) || fc->random_write_corrupt;
	bool corrupt_r = (fc->corrupt_bio_byte && !fc->corrupt_write) || fc->random_read_corrupt;

	if (fc->drop_writes && corrupt_w)
		return target_fail(ti, 5,
				   "drop_writes is incompatible with random_write_corrupt or "
				   "corrupt_bio_byte with the WRITE flag set");
	if (fc->error_writes && corrupt_w)
		return target_fail(ti, 5,
				   "error_writes is incompatible with random_write_corrupt or "
				   "corrupt_bio_byte with the WRITE flag set");
	if (fc->error_reads && corrupt_r)
		return target_fail(ti, 5,
				   "error_reads is incompatible with random_read_corrupt or "
				   "corrupt_bio_byte with the READ flag set");
	if (!fc->error_reads && !fc->drop_writes && !fc->error_writes && !fc->corrupt_bio_byte &&
	    !fc->random_read_corrupt && !fc->random_write_corrupt) {
		fc->error_reads = true;
		fc->error_writes = true;
	}
	return 0;
}

/* [<#feature_args> <feature_args>...], argv[0] being argument number 5. */
static int flakey_parse_features(struct target *ti, struct flakey *fc, int argc, char **argv)
{
	struct flakey_args as = {argv, argc, 5};
	uint32_t count = 0;

	if (argc && flakey_read_u32(ti, &as, 0, FLAKEY_MAX_FEATURE_ARGS, &count,
				    "invalid number of feature args"))
		return -EINVAL;
	if (count > (uint32_t)as.argc)
		return target_fail(ti, 5, "invalid number of feature args");
	/* Words after the counted group would be silently ignored by the
	 * kernel; refuse them so a typo does not go unnoticed. */
	if (count < (uint32_t)as.argc)
		return target_fail(ti, as.argno + (int)count, "too many arguments");
	while (as.argc) {
		int argno = as.argno;
		const char *name = flakey_shift(&as);
		int r = flakey_parse_feature(ti, fc, &as, name, argno);

		if (r)
			return r;
	}
	return flakey_check_features(ti, fc);
}

/* Construct: <dev_path> <offset> <up_secs> <down_secs>
 *            [<#feature_args> <feature_args>...]
 * Features: error_reads | drop_writes | error_writes (not with drop_writes)
 *           | corrupt_bio_byte <Nth_byte (1-based)> <r|w> <value 0-255> <flags>
 *           | random_read_corrupt <p> | random_write_corrupt <p>
 *   p is a probability in units of 1e-9 (0 ... 1000000000). */
static int flakey_ctr(struct target *ti, int argc, char **argv)
{
	struct flakey *fc;
	int r = -EINVAL;

	if (argc < 4)
		return target_fail(ti, 0, "invalid argument count");
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return target_fail(ti, 0, "out of memory");
	fc->start_ns = now_ns();
	if (parse_u64(argv[1], &fc->start)) {
		target_fail(ti, 2, "invalid device sector");
		goto bad;
	}
	if (parse_u32(argv[2], &fc->up_interval)) {
		target_fail(ti, 3, "invalid up interval");
		goto bad;
	}
	if (parse_u32(argv[3], &fc->down_interval)) {
		target_fail(ti, 4, "invalid down interval");
		goto bad;
	}
	if (!fc->up_interval && !fc->down_interval) {
		target_fail(ti, 4, "total (up + down) interval is zero");
		goto bad;
	}
	if ((uint32_t)(fc->up_interval + fc->down_interval) < fc->up_interval) {
		target_fail(ti, 4, "interval overflow");
		goto bad;
	}
	r = flakey_parse_features(ti, fc, argc - 4, argv + 4);
	if (r)
		goto bad;
	r = target_dev_get(ti, argv[0], &fc->dev);
	if (r) {
		if (!ti->error_arg)
			ti->error_arg = 1;
		goto bad;
	}
	ti->num_flush_ios = 1;
	ti->num_discard_ios = 1;
	ti->private = fc;
	return 0;
bad:
	free(fc);
	return r;
}

static void flakey_dtr(struct target *ti)
{
	struct flakey *fc = ti->private;

	target_dev_put(ti, fc->dev);
	free(fc);
}

static bool flakey_is_down(const struct flakey *fc)
{
	uint64_t secs = (now_ns() - fc->start_ns) / NSEC_PER_SEC;

	return secs % ((uint64_t)fc->up_interval + fc->down_interval) >= fc->up_interval;
}

/* xorshift64*: per thread, so workers never share or lock it. Test noise,
 * not cryptography. */
static uint64_t flakey_random(void)
{
	static _Thread_local uint64_t state;

	if (!state)
		state = now_ns() ^ (uintptr_t)&state ^ 0x9e3779b97f4a7c15ull;
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dull;
}

static bool flakey_roll(uint32_t probability)
{
	return probability && flakey_random() % FLAKEY_PROBABILITY_BASE < probability;
}

static bool flakey_flags_match(const struct flakey *fc, const struct io *io)
{
	uint32_t opf = 0;

	if (io->op != IO_READ)
		opf |= FLAKEY_REQ_OP_WRITE;
	if (io->flags & IO_FUA)
		opf |= FLAKEY_REQ_FUA;
	return (opf & fc->corrupt_bio_flags) == fc->corrupt_bio_flags;
}

/* Sets byte `offset` of the io's data, if the io is that long. */
static void flakey_corrupt(unsigned char *data, uint64_t bytes, uint64_t offset,
			   unsigned char value)
{
	if (offset < bytes)
		data[offset] = value;
}

/* Applies the fixed and/or random corruption chosen for this io to `data`. */
static void flakey_corrupt_data(const struct flakey *fc, unsigned char *data, uint64_t bytes,
				bool fixed, bool random)
{
	if (fixed)
		flakey_corrupt(data, bytes, fc->corrupt_bio_byte - 1,
			       (unsigned char)fc->corrupt_bio_value);
	if (random && bytes)
		flakey_corrupt(data, bytes, flakey_random() % bytes,
			       (unsigned char)flakey_random());
}

/* The corrupted copy of a write finished: free it and finish the clone. */
static void flakey_copy_done(struct io *child, int error)
{
	struct io *io = child->private;

	free(child->data);
	io_free(child);
	io_complete(io, error);
}

/* Sends a corrupted copy of a write, leaving the caller's buffer as it
 * was. Returns false when memory is short: the write then goes out intact,
 * as the kernel does when it cannot clone. */
static bool flakey_write_corrupted(struct flakey *fc, struct io *io, bool fixed, bool random)
{
	uint64_t bytes = io_bytes(io);
	void *copy = NULL;
	struct io *child;

	/* Aligned like any data buffer: the backing file may use O_DIRECT. */
	if (posix_memalign(&copy, 4096, bytes ? bytes : 1))
		return false;
	child = io_alloc();
	if (!child) {
		free(copy);
		return false;
	}
	memcpy(copy, io->data, bytes);
	flakey_corrupt_data(fc, copy, bytes, fixed, random);
	child->op = io->op;
	child->flags = io->flags;
	child->sector = fc->start + io->sector;
	child->nr_sectors = io->nr_sectors;
	child->data = copy;
	child->end_io = flakey_copy_done;
	child->private = io;
	io_submit_dev(fc->dev, child);
	return true;
}

/* A write-like io (write, flush, discard, write-zeroes) while down. Returns
 * true when it was completed or sent here. */
static bool flakey_map_down_write(struct flakey *fc, struct io *io)
{
	bool fixed, random;

	if (fc->drop_writes) {
		io_complete(io, 0);
		return true;
	}
	if (fc->error_writes) {
		io_complete(io, -EIO);
		return true;
	}
	if (io->op != IO_WRITE)
		return false;
	fixed = fc->corrupt_bio_byte && fc->corrupt_write && flakey_flags_match(fc, io);
	random = flakey_roll(fc->random_write_corrupt);
	return (fixed || random) && flakey_write_corrupted(fc, io, fixed, random);
}

static int flakey_map(struct target *ti, struct io *io)
{
	struct flakey *fc = ti->private;

	io->target_private = NULL;
	if (flakey_is_down(fc)) {
		if (io->op == IO_READ) {
			if (fc->error_reads) {
				io_complete(io, -EIO);
				return MAP_SUBMITTED;
			}
			/* end_io decides whether to corrupt what it read. */
			io->target_private = &flakey_down_read;
		} else if (flakey_map_down_write(fc, io)) {
			return MAP_SUBMITTED;
		}
	}
	io_remap(io, fc->dev, fc->start + io->sector);
	return MAP_REMAPPED;
}

/* Corrupts reads that were mapped while down and succeeded. */
static int flakey_end_io(struct target *ti, struct io *io, int *error)
{
	struct flakey *fc = ti->private;
	bool fixed, random;

	if (*error || io->target_private != &flakey_down_read || io->op != IO_READ)
		return 0;
	fixed = fc->corrupt_bio_byte && !fc->corrupt_write && flakey_flags_match(fc, io);
	random = flakey_roll(fc->random_read_corrupt);
	flakey_corrupt_data(fc, io->data, io_bytes(io), fixed, random);
	return 0;
}

/* INFO:  empty
 * TABLE: <dev> <offset> <up> <down> <#feature_args> [error_reads]
 *        [drop_writes|error_writes] [corrupt_bio_byte <N> <r|w> <value> <flags>]
 *        [random_read_corrupt <p>] [random_write_corrupt <p>]
 * The feature count is always printed, even when the features are only
 * the default (error_reads error_writes), as the kernel does. */
static void flakey_status(struct target *ti, enum status_type type, unsigned flags,
			  struct strbuf *out)
{
	struct flakey *fc = ti->private;
	unsigned count;

	if (type == STATUS_INFO)
		return;
	sb_printf(out, "%s %llu %u %u", target_dev_name(fc->dev), (unsigned long long)fc->start,
		  fc->up_interval, fc->down_interval);
	count = fc->error_reads + fc->drop_writes + fc->error_writes +
		(fc->corrupt_bio_byte ? 5 : 0) + (fc->random_read_corrupt ? 2 : 0) +
		(fc->random_write_corrupt ? 2 : 0);
	sb_printf(out, " %u", count);
	if (fc->error_reads)
		sb_puts(out, " error_reads");
	if (fc->drop_writes)
		sb_puts(out, " drop_writes");
	else if (fc->error_writes)
		sb_puts(out, " error_writes");
	if (fc->corrupt_bio_byte)
		sb_printf(out, " corrupt_bio_byte %u %c %u %u", fc->corrupt_bio_byte,
			  fc->corrupt_write ? 'w' : 'r', fc->corrupt_bio_value,
			  fc->corrupt_bio_flags);
	if (fc->random_read_corrupt)
		sb_printf(out, " random_read_corrupt %u", fc->random_read_corrupt);
	if (fc->random_write_corrupt)
		sb_printf(out, " random_write_corrupt %u", fc->random_write_corrupt);
}

static int flakey_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct flakey *fc = ti->private;

	return fn(ti, fc->dev, fc->start, ti->len, data);
}

const struct target_type flakey_target = {
    .name = "flakey",
    .version = {1, 5, 0},
    .ctr = flakey_ctr,
    .dtr = flakey_dtr,
    .map = flakey_map,
    .end_io = flakey_end_io,
    .status = flakey_status,
    .iterate_devices = flakey_iterate_devices,
};
