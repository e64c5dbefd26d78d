/* Unit tests for daemon/targets/zero.c and error.c over the fake engine. */
#include "targets/zero.c"
#include "targets/error.c"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "fake_engine.h"

/* Maps one io and checks it completed at once with `error`. */
static void expect_completes(struct target *ti, enum io_op op, void *data, uint32_t n, int error)
{
	struct io *io = fake_io(ti, op, 8, n, data);
	int before = fake.ncompleted;

	assert(ti->type->map(ti, io) == MAP_SUBMITTED);
	assert(fake.ncompleted == before + 1 && fake.completed[before] == io);
	assert(fake.completed_error[before] == error);
	free(io);
}

static void test_zero(void)
{
	struct target ti;
	unsigned char buf[1024];

	assert(fake_ctr(&zero_target, &ti, 100, "x") == -EINVAL);
	assert(!strcmp(ti.error, "no arguments required") && ti.error_arg == 1);
	assert(fake_ctr(&zero_target, &ti, 100, "") == 0 && ti.num_discard_ios == 1);
	memset(buf, 0xa5, sizeof(buf));
	expect_completes(&ti, IO_READ, buf, 2, 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert(buf[i] == 0);
	memset(buf, 0xa5, sizeof(buf));
	expect_completes(&ti, IO_WRITE, buf, 2, 0);
	assert(buf[0] == 0xa5 && buf[1023] == 0xa5); /* the writer's data is untouched */
	expect_completes(&ti, IO_FLUSH, NULL, 0, 0);
	expect_completes(&ti, IO_DISCARD, NULL, 2, 0);
	expect_completes(&ti, IO_WRITE_ZEROES, NULL, 2, 0);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), ""));
	assert(!strcmp(fake_status(&ti, STATUS_TABLE), ""));
	assert(fake_ctr(&zero_target, &ti, 100, fake_status(&ti, STATUS_TABLE)) == 0);
	zero_dtr(&ti);
}

static void test_error(void)
{
	struct target ti;
	unsigned char buf[512];

	assert(fake_ctr(&error_target, &ti, 100, "") == 0 && !ti.private);
	expect_completes(&ti, IO_READ, buf, 1, -EIO);
	expect_completes(&ti, IO_WRITE, buf, 1, -EIO);
	expect_completes(&ti, IO_DISCARD, NULL, 1, -EIO);
	expect_completes(&ti, IO_WRITE_ZEROES, NULL, 1, -EIO);
	expect_completes(&ti, IO_FLUSH, NULL, 0, 0);
	assert(!strcmp(fake_status(&ti, STATUS_INFO), ""));
	assert(!strcmp(fake_status(&ti, STATUS_TABLE), ""));
	error_dtr(&ti);

	/* Wildcard: whatever another target took is accepted. */
	assert(fake_ctr(&error_target, &ti, 100, "3 8 a 0 b 0 c 0") == 0 && !ti.private);
	error_dtr(&ti);
	/* Two arguments name a device, held until dtr. */
	assert(fake_ctr(&error_target, &ti, 100, "disk 2048") == 0 && fake.devs_open == 1);
	expect_completes(&ti, IO_READ, buf, 1, -EIO);
	error_dtr(&ti);
	assert(fake.devs_open == 0);
	assert(fake_ctr(&error_target, &ti, 100, "disk 2048x") == -EINVAL);
	assert(!strcmp(ti.error, "invalid device sector") && ti.error_arg == 2);
	assert(fake_ctr(&error_target, &ti, 100, "missing 0") == -ENOENT && ti.error_arg == 1);
	assert(fake.devs_open == 0);
}

int main(void)
{
	fake_reset();
	test_zero();
	test_error();
	printf("test_zero_error: ok\n");
	return 0;
}
