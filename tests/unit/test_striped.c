/* Unit tests for daemon/targets/striped.c over the fake engine. */
#include "targets/striped.c"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "fake_engine.h"

/* ctr on `args` must fail with `why` about argument `argno`. */
static void expect_ctr_error(uint64_t len, const char *args, int argno, const char *why)
{
	fake_expect_ctr_error(&striped_target, len, args, argno, why);
}

static void test_errors(void)
{
	expect_ctr_error(64, "", 0, "not enough arguments");
	expect_ctr_error(64, "2", 0, "not enough arguments");
	expect_ctr_error(64, "0 8 a 0", 1, "invalid stripe count");
	expect_ctr_error(64, "x 8 a 0", 1, "invalid stripe count");
	expect_ctr_error(64, "2x 8 a 0 b 0", 1, "invalid stripe count");
	expect_ctr_error(64, "-1 8 a 0", 1, "invalid stripe count");
	expect_ctr_error(64, "4294967296 8 a 0", 1, "invalid stripe count");
	expect_ctr_error(64, "2 0 a 0 b 0", 2, "invalid chunk size");
	expect_ctr_error(64, "2 8k a 0 b 0", 2, "invalid chunk size");
	expect_ctr_error(65, "2 8 a 0 b 0", 1, "target length not divisible by number of stripes");
	expect_ctr_error(48, "2 16 a 0 b 0", 2, "target length not divisible by chunk size");
	expect_ctr_error(64, "2 8 a 0", 0, "not enough destinations specified");
	expect_ctr_error(64, "2 8 a 0 b 0 c 0", 0, "not enough destinations specified");
	expect_ctr_error(64, "2 8 a 0 b", 0, "not enough destinations specified");
	expect_ctr_error(64, "2 8 a 0 b 1x", 6, "invalid stripe device sector");
	expect_ctr_error(64, "2 8 a zero b 0", 4, "invalid stripe device sector");
	expect_ctr_error(64, "2 8 a 0 missing-b 0", 5, "device not found");
	expect_ctr_error(64, "2 8 missing-a 0 b 0", 3, "device not found");
	/* Huge stripe counts must not overflow the argument count check. */
	expect_ctr_error(0, "2147483648 8 a 0", 0, "not enough destinations specified");
}

/* Checks every sector against a layout built the slow way: deal the
 * chunks round robin and count how far each stripe has filled. */
static void check_layout(uint32_t stripes, uint32_t chunk, uint64_t chunks_per_stripe)
{
	char args[512] = "", *p = args;
	uint64_t len = (uint64_t)stripes * chunk * chunks_per_stripe;
	uint64_t filled[16] = {0}, starts[16];
	struct target ti;
	uint32_t s;

	p += sprintf(p, "%u %u", stripes, chunk);
	for (s = 0; s < stripes; s++) {
		starts[s] = 1000 * s + 7;
		p += sprintf(p, " dev%u %llu", s, (unsigned long long)starts[s]);
	}
	assert(fake_ctr(&striped_target, &ti, len, args) == 0);
	assert(ti.max_io_len == chunk && ti.num_flush_ios == stripes);
	for (uint64_t c = 0; c < len / chunk; c++) {
		s = (uint32_t)(c % stripes);
		for (uint32_t i = 0; i < chunk; i++) {
			struct io *io = fake_io(&ti, IO_READ, c * chunk + i, 1, NULL);
			char want[16];

			assert(striped_map(&ti, io) == MAP_REMAPPED);
			sprintf(want, "dev%u", s);
			assert(!strcmp(target_dev_name(io->dev), want));
			assert(io->sector == starts[s] + filled[s] + i);
			free(io);
		}
		/* A whole-chunk io maps to one contiguous run. */
		struct io *io = fake_io(&ti, IO_WRITE, c * chunk, chunk, NULL);
		assert(striped_map(&ti, io) == MAP_REMAPPED);
		assert(io->sector == starts[s] + filled[s]);
		free(io);
		filled[s] += chunk;
	}
	for (s = 0; s < stripes; s++)
		assert(filled[s] == (uint64_t)chunk * chunks_per_stripe);
	striped_dtr(&ti);
	assert(fake.devs_open == 0);
}

static void test_mapping(void)
{
	check_layout(1, 8, 5);
	check_layout(2, 128, 3);
	check_layout(3, 8, 4);
	check_layout(4, 1, 9);
	check_layout(5, 3, 7); /* non-power-of-two chunk and count */
	check_layout(7, 24, 2);
}

static void test_flush_and_discard(void)
{
	struct target ti;

	assert(fake_ctr(&striped_target, &ti, 96, "3 16 a 0 b 10 c 20") == 0);
	assert(ti.num_discard_ios == 1);
	for (uint32_t n = 0; n < 3; n++) {
		struct io *io = fake_io(&ti, IO_FLUSH, 0, 0, NULL);
		const char *want[] = {"a", "b", "c"};

		io->target_io_nr = n;
		assert(striped_map(&ti, io) == MAP_REMAPPED);
		assert(!strcmp(target_dev_name(io->dev), want[n]));
		free(io);
	}
	/* A discard of chunk 4 (stripe b, its second chunk). */
	struct io *io = fake_io(&ti, IO_DISCARD, 64, 16, NULL);
	assert(striped_map(&ti, io) == MAP_REMAPPED);
	assert(!strcmp(target_dev_name(io->dev), "b") && io->sector == 10 + 16);
	free(io);
	striped_dtr(&ti);
}

/* Maps a read of target `sector` and completes it with `error`. */
static void fail_at(struct target *ti, uint64_t sector, int error)
{
	struct io *io = fake_io(ti, IO_READ, sector, 1, NULL);
	int err = error;

	assert(striped_map(ti, io) == MAP_REMAPPED);
	assert(striped_end_io(ti, io, &err) == 0 && err == error);
	free(io);
}

static void test_status(void)
{
	struct target ti;

	assert(fake_ctr(&striped_target, &ti, 96, "3 16 a 0 b 10 c 20") == 0);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), "3 a b c 1 AAA"));
	assert(!strcmp(fake_status(&ti, STATUS_TABLE), "3 16 a 0 b 10 c 20"));
	fail_at(&ti, 0, 0);
	fail_at(&ti, 16, -EOPNOTSUPP);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), "3 a b c 1 AAA") && fake.events == 0);
	fail_at(&ti, 17, -EIO);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), "3 a b c 1 ADA") && fake.events == 1);
	for (int i = 0; i < 30; i++)
		fail_at(&ti, 33, -EIO);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), "3 a b c 1 ADD"));
	assert(fake.events == 1 + STRIPED_EVENT_THRESHOLD - 1);

	fake_expect_reload(&ti);
	striped_dtr(&ti);

	/* Two stripes on one device: an error marks both, as the kernel
	 * matches stripes by device. */
	assert(fake_ctr(&striped_target, &ti, 64, "2 8 same 0 same 1000") == 0);
	fail_at(&ti, 8, -EIO);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), "2 same same 1 DD"));
	striped_dtr(&ti);
	assert(fake.devs_open == 0);
}

static int count_dev(struct target *t, struct target_dev *d, uint64_t start, uint64_t len,
		     void *data)
{
	assert(len == 32);
	++*(int *)data;
	return 0;
}

static void test_iterate(void)
{
	struct target ti;
	int calls = 0;

	assert(fake_ctr(&striped_target, &ti, 96, "3 16 a 0 b 10 c 20") == 0);
	assert(striped_iterate_devices(&ti, count_dev, &calls) == 0 && calls == 3);
	striped_dtr(&ti);
}

int main(void)
{
	fake_reset();
	test_errors();
	test_mapping();
	test_flush_and_discard();
	test_status();
	test_iterate();
	printf("test_striped: ok\n");
	return 0;
}
