/* Unit tests for daemon/targets/flakey.c over the fake engine. */
#include "targets/flakey.c"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "fake_engine.h"

#define SEC 1000000000ull

static void expect_ctr_error(const char *args, int argno, const char *why)
{
	fake_expect_ctr_error(&flakey_target, 100, args, argno, why);
}

static void test_errors(void)
{
	const char *nfeat = "invalid number of feature args";

	expect_ctr_error("d 0 1", 0, "invalid argument count");
	expect_ctr_error("d x 1 1", 2, "invalid device sector");
	expect_ctr_error("d 0 1s 1", 3, "invalid up interval");
	expect_ctr_error("d 0 1 -1", 4, "invalid down interval");
	expect_ctr_error("d 0 0 0", 4, "total (up + down) interval is zero");
	expect_ctr_error("d 0 4294967295 1", 4, "interval overflow");
	expect_ctr_error("d 0 1 1 12 a b c d e f g h i j k l", 5, nfeat);
	expect_ctr_error("d 0 1 1 2 drop_writes", 5, nfeat);
	expect_ctr_error("d 0 1 1 x", 5, nfeat);
	expect_ctr_error("d 0 1 1 1 drop_writes junk", 7, "too many arguments");
	expect_ctr_error("d 0 1 1 1 bogus", 6, "unrecognised flakey feature requested");
	expect_ctr_error("d 0 1 1 2 error_reads error_reads", 7, "feature error_reads duplicated");
	expect_ctr_error("d 0 1 1 2 drop_writes drop_writes", 7, "feature drop_writes duplicated");
	expect_ctr_error("d 0 1 1 2 error_writes error_writes", 7,
			 "feature error_writes duplicated");
	expect_ctr_error("d 0 1 1 2 error_writes drop_writes", 7,
			 "feature drop_writes conflicts with feature error_writes");
	expect_ctr_error("d 0 1 1 2 drop_writes error_writes", 7,
			 "feature error_writes conflicts with feature drop_writes");
	expect_ctr_error("d 0 1 1 4 corrupt_bio_byte 1 r 0", 6,
			 "feature corrupt_bio_byte requires 4 parameters");
	expect_ctr_error("d 0 1 1 5 corrupt_bio_byte 0 r 0 0", 7, "invalid corrupt bio byte");
	expect_ctr_error("d 0 1 1 5 corrupt_bio_byte 1 x 0 0", 8,
			 "invalid corrupt bio direction (r or w)");
	expect_ctr_error("d 0 1 1 5 corrupt_bio_byte 1 r 256 0", 9,
			 "invalid corrupt value to write into bio byte (0-255)");
	expect_ctr_error("d 0 1 1 5 corrupt_bio_byte 1 r 0 1x", 10,
			 "invalid corrupt bio flags mask");
	expect_ctr_error("d 0 1 1 10 corrupt_bio_byte 1 r 0 0 corrupt_bio_byte 1 r 0 0", 11,
			 "feature corrupt_bio_byte duplicated");
	expect_ctr_error("d 0 1 1 1 random_read_corrupt", 6,
			 "feature random_read_corrupt requires a parameter");
	expect_ctr_error("d 0 1 1 2 random_write_corrupt 1000000001", 7,
			 "invalid random corrupt argument");
	expect_ctr_error("d 0 1 1 4 random_read_corrupt 1 random_read_corrupt 2", 8,
			 "feature random_read_corrupt duplicated");
	expect_ctr_error(
	    "d 0 1 1 6 drop_writes corrupt_bio_byte 1 w 0 0", 5,
	    "drop_writes is incompatible with random_write_corrupt or corrupt_bio_byte "
	    "with the WRITE flag set");
	expect_ctr_error("d 0 1 1 3 error_writes random_write_corrupt 5", 5,
			 "error_writes is incompatible with random_write_corrupt or "
			 "corrupt_bio_byte with the WRITE flag set");
	expect_ctr_error("d 0 1 1 6 error_reads corrupt_bio_byte 1 r 0 0", 5,
			 "error_reads is incompatible with random_read_corrupt or corrupt_bio_byte "
			 "with the READ flag set");
	expect_ctr_error("missing 0 1 1", 1, "device not found");
}

/* ctr on `args` must print `table`, which must load back to itself. */
static void test_table(const char *args, const char *table)
{
	struct target ti;
	const char *got;

	assert(fake_ctr(&flakey_target, &ti, 100, args) == 0);
	got = fake_status(&ti, STATUS_TABLE);
	if (strcmp(got, table)) {
		fprintf(stderr, "'%s' printed '%s', want '%s'\n", args, got, table);
		assert(0);
	}
	assert(!strcmp(fake_status(&ti, STATUS_INFO), ""));
	fake_expect_reload(&ti);
	flakey_dtr(&ti);
	assert(fake.devs_open == 0);
}

static void test_tables(void)
{
	test_table("d 0 1 1", "d 0 1 1 2 error_reads error_writes");
	test_table("d 0 1 1 0", "d 0 1 1 2 error_reads error_writes");
	test_table("d 8 5 3 1 DROP_WRITES", "d 8 5 3 1 drop_writes");
	test_table("d 0 0 10 1 error_reads", "d 0 0 10 1 error_reads");
	test_table("d 0 1 1 2 error_writes error_reads", "d 0 1 1 2 error_reads error_writes");
	test_table("d 0 1 1 5 corrupt_bio_byte 32 R 1 0", "d 0 1 1 5 corrupt_bio_byte 32 r 1 0");
	test_table("d 0 1 1 8 random_read_corrupt 500 drop_writes corrupt_bio_byte 32 r 1 0",
		   "d 0 1 1 8 drop_writes corrupt_bio_byte 32 r 1 0 random_read_corrupt 500");
	test_table("d 0 1 1 8 error_reads corrupt_bio_byte 224 w 0 32 random_write_corrupt "
		   "1000000000",
		   "d 0 1 1 8 error_reads corrupt_bio_byte 224 w 0 32 random_write_corrupt "
		   "1000000000");
	/* A zero probability is the feature off, as in the kernel. */
	test_table("d 0 1 1 2 random_read_corrupt 0", "d 0 1 1 2 error_reads error_writes");
}

/* Maps an io and reports: 'R' remapped, 'C' completed ok, 'E' completed
 * -EIO, 'S' sent as a copy. */
static char map_kind(struct target *ti, struct io *io)
{
	int completed = fake.ncompleted, submitted = fake.nsubmitted;
	int r = flakey_map(ti, io);

	if (r == MAP_REMAPPED) {
		assert(fake.ncompleted == completed && fake.nsubmitted == submitted);
		assert(io->sector == ((struct flakey *)ti->private)->start + 4);
		return 'R';
	}
	if (fake.nsubmitted > submitted)
		return 'S';
	assert(fake.ncompleted == completed + 1 && fake.completed[completed] == io);
	return fake.completed_error[completed] ? 'E' : 'C';
}

/* Kinds for read, write, flush, discard, in that order, at fake.now. */
static void expect_kinds(struct target *ti, const char *want)
{
	static char buf[4096];
	enum io_op ops[] = {IO_READ, IO_WRITE, IO_FLUSH, IO_DISCARD};
	char got[5] = "";

	for (int i = 0; i < 4; i++) {
		int data = ops[i] == IO_READ || ops[i] == IO_WRITE;
		struct io *io =
		    fake_io(ti, ops[i], 4, ops[i] == IO_FLUSH ? 0 : 8, data ? buf : NULL);

		got[i] = map_kind(ti, io);
		free(io);
	}
	if (strcmp(got, want)) {
		fprintf(stderr, "got %s want %s\n", got, want);
		assert(0);
	}
}

static void test_cycle(void)
{
	struct target ti;
	uint64_t t0 = fake.now;

	/* up 2 s, down 3 s: up [0,2) down [2,5) up [5,7) ... */
	assert(fake_ctr(&flakey_target, &ti, 100, "d 100 2 3") == 0);
	expect_kinds(&ti, "RRRR");
	fake.now = t0 + 2 * SEC - 1;
	expect_kinds(&ti, "RRRR");
	fake.now = t0 + 2 * SEC;
	expect_kinds(&ti, "EEEE");
	fake.now = t0 + 5 * SEC - 1;
	expect_kinds(&ti, "EEEE");
	fake.now = t0 + 5 * SEC;
	expect_kinds(&ti, "RRRR");
	fake.now = t0 + 12 * SEC;
	expect_kinds(&ti, "EEEE");
	flakey_dtr(&ti);

	fake.now = t0;
	assert(fake_ctr(&flakey_target, &ti, 100, "d 100 0 1 1 drop_writes") == 0);
	expect_kinds(&ti, "RCCC");
	flakey_dtr(&ti);
	assert(fake_ctr(&flakey_target, &ti, 100, "d 100 0 1 1 error_writes") == 0);
	expect_kinds(&ti, "REEE");
	flakey_dtr(&ti);
	assert(fake_ctr(&flakey_target, &ti, 100, "d 100 0 1 1 error_reads") == 0);
	expect_kinds(&ti, "ERRR");
	flakey_dtr(&ti);
	assert(fake.devs_open == 0);
}

/* A read mapped while down and completed with `error`: returns its data. */
static void read_through(struct target *ti, unsigned char *buf, int error)
{
	struct io *io = fake_io(ti, IO_READ, 4, 2, buf);
	int err = error;

	memset(buf, 0x11, 1024);
	assert(map_kind(ti, io) == 'R');
	assert(flakey_end_io(ti, io, &err) == 0 && err == error);
	free(io);
}

static int count_changed(const unsigned char *buf, size_t n, unsigned char was)
{
	int changed = 0;

	for (size_t i = 0; i < n; i++)
		changed += buf[i] != was;
	return changed;
}

static void test_corrupt_reads(void)
{
	struct target ti;
	unsigned char buf[1024];

	assert(fake_ctr(&flakey_target, &ti, 100, "d 0 0 1 5 corrupt_bio_byte 32 r 170 0") == 0);
	read_through(&ti, buf, 0);
	assert(buf[31] == 170 && count_changed(buf, sizeof(buf), 0x11) == 1);
	read_through(&ti, buf, -EIO); /* failed reads are left alone */
	assert(count_changed(buf, sizeof(buf), 0x11) == 0);
	flakey_dtr(&ti);

	/* Nth byte past the end of the io: nothing changes. */
	assert(fake_ctr(&flakey_target, &ti, 100, "d 0 0 1 5 corrupt_bio_byte 1025 r 170 0") == 0);
	read_through(&ti, buf, 0);
	assert(count_changed(buf, sizeof(buf), 0x11) == 0);
	flakey_dtr(&ti);

	/* While up, reads are never corrupted. */
	assert(fake_ctr(&flakey_target, &ti, 100, "d 0 1 1 5 corrupt_bio_byte 1 r 170 0") == 0);
	struct io *io = fake_io(&ti, IO_READ, 4, 2, buf);
	int err = 0;
	memset(buf, 0x11, sizeof(buf));
	assert(flakey_map(&ti, io) == MAP_REMAPPED);
	assert(flakey_end_io(&ti, io, &err) == 0 && count_changed(buf, sizeof(buf), 0x11) == 0);
	free(io);
	flakey_dtr(&ti);

	/* random_read_corrupt at probability 1: at most one byte changes
	 * (the random value may equal the old one). */
	assert(fake_ctr(&flakey_target, &ti, 100, "d 0 0 1 2 random_read_corrupt 1000000000") == 0);
	int changed = 0;
	for (int i = 0; i < 50; i++) {
		read_through(&ti, buf, 0);
		assert(count_changed(buf, sizeof(buf), 0x11) <= 1);
		changed += count_changed(buf, sizeof(buf), 0x11);
	}
	assert(changed > 40);
	flakey_dtr(&ti);
}

/* A write while down whose corruption goes into a copy. */
static void test_corrupt_writes(void)
{
	struct target ti;
	unsigned char buf[1024];

	fake_reset();
	assert(fake_ctr(&flakey_target, &ti, 100, "d 50 0 1 5 corrupt_bio_byte 2 w 7 131072") == 0);
	memset(buf, 0x22, sizeof(buf));
	struct io *io = fake_io(&ti, IO_WRITE, 4, 2, buf);
	assert(map_kind(&ti, io) == 'R'); /* no FUA: flags do not match */
	io->sector = 4;
	io->flags = IO_FUA;
	assert(map_kind(&ti, io) == 'S');
	struct io *child = fake.submitted[0];
	unsigned char *copy = child->data;
	assert(copy != buf && child->sector == 54 && child->nr_sectors == 2);
	assert(child->flags == IO_FUA && !strcmp(fake.submitted_dev[0]->name, "d"));
	assert(copy[1] == 7 && count_changed(copy, sizeof(buf), 0x22) == 1);
	assert(count_changed(buf, sizeof(buf), 0x22) == 0); /* caller's data intact */
	child->end_io(child, -ENOSPC);
	assert(fake.ncompleted == 1 && fake.completed[0] == io &&
	       fake.completed_error[0] == -ENOSPC);
	assert(fake.ios_alive == 0);
	free(io);
	flakey_dtr(&ti);

	assert(fake_ctr(&flakey_target, &ti, 100, "d 0 0 1 2 random_write_corrupt 1000000000") ==
	       0);
	io = fake_io(&ti, IO_WRITE, 4, 2, buf);
	assert(map_kind(&ti, io) == 'S');
	assert(count_changed(fake.submitted[1]->data, sizeof(buf), 0x22) <= 1);
	fake.submitted[1]->end_io(fake.submitted[1], 0);
	assert(fake.completed_error[1] == 0 && fake.ios_alive == 0);
	free(io);
	flakey_dtr(&ti);
	assert(fake.devs_open == 0);
}

int main(void)
{
	fake_reset();
	test_errors();
	test_tables();
	test_cycle();
	test_corrupt_reads();
	test_corrupt_writes();
	printf("test_flakey: ok\n");
	return 0;
}
