/* The engine with real workers over temporary image files: tables, the
 * data path, splitting, stacking, suspend/resume and the error paths. */
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/worker.h"
#include "engine_harness.h"
#include "util/strbuf.h"

static char dir[64];

static char *make_image(const char *name, off_t size)
{
	char *path;

	CHECK(asprintf(&path, "%s/%s", dir, name) > 0);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, size) == 0);
	close(fd);
	return path;
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 9));
}

static void expect_load_error(const char *table, const char *needle)
{
	struct mapped_device *md;

	CHECK(md_create("bad", NULL, false, &md) == 0);
	err_clear();
	int r = md_load(md, table, false, NULL);
	if (r == 0 || !strstr(err_msg(), needle)) {
		fprintf(stderr, "table '%s': expected error with '%s', got %d '%s'\n", table,
			needle, r, err_msg());
		exit(1);
	}
	CHECK(md_remove(md, false) == 0);
	md_put(md);
}

static void test_table_errors(const char *img)
{
	char t[512];

	expect_load_error("", "table is empty");
	snprintf(t, sizeof(t), "0 100 nosuch %s 0", img);
	expect_load_error(t, "line 1: unknown target type 'nosuch'");
	snprintf(t, sizeof(t), "0 100 linear %s 0\n200 100 linear %s 0", img, img);
	expect_load_error(t, "line 2: target at sector 200 leaves a gap");
	snprintf(t, sizeof(t), "0 100 linear %s 0\n50 100 linear %s 0", img, img);
	expect_load_error(t, "line 2: target at sector 50 overlaps");
	snprintf(t, sizeof(t), "10 100 linear %s 0", img);
	expect_load_error(t, "first target must start at sector 0");
	snprintf(t, sizeof(t), "0 1x0 linear %s 0", img);
	expect_load_error(t, "invalid length '1x0'");
	snprintf(t, sizeof(t), "0 100 linear %s 0z", img);
	expect_load_error(t, "linear: argument 2 '0z'");
	expect_load_error("0 100 linear /nonexistent/ulvm.img 0",
			  "'/nonexistent/ulvm.img' not found");
	expect_load_error("0 100 linear nosuchdevice 0", "device 'nosuchdevice' not found");
	snprintf(t, sizeof(t), "0 100000 linear %s 0", img);
	expect_load_error(t, "too small for the target");
	expect_load_error("0 100 linear bad 0", "map onto itself");
}

static void test_linear_data(const char *img)
{
	char t[512];
	const uint32_t nr = 256; /* 128 KiB */
	unsigned char *buf = aligned(nr * 512), *back = aligned(nr * 512);

	snprintf(t, sizeof(t), "0 1000 linear %s 2048\n1000 1048 linear %s 0", img, img);
	struct mapped_device *md = make_dev("lin", t);
	CHECK(md_size(md) == 2048);
	/* Crosses the boundary between the two targets at sector 1000. */
	fill(buf, nr * 512, 1);
	CHECK(do_io(md, IO_WRITE, 900, nr, buf) == 0);
	int fd = open(img, O_RDONLY);
	CHECK(pread(fd, back, 100 * 512, (2048 + 900) * 512) == 100 * 512);
	CHECK(memcmp(back, buf, 100 * 512) == 0);
	CHECK(pread(fd, back, 156 * 512, 0) == 156 * 512);
	CHECK(memcmp(back, buf + 100 * 512, 156 * 512) == 0);
	close(fd);
	memset(back, 0, nr * 512);
	CHECK(do_io(md, IO_READ, 900, nr, back) == 0);
	CHECK(memcmp(back, buf, nr * 512) == 0);
	CHECK(do_io(md, IO_FLUSH, 0, 0, NULL) == 0);
	CHECK(do_io(md, IO_READ, 2000, 100, back) == -EIO); /* beyond the end */
	CHECK(do_io(md, IO_WRITE_ZEROES, 900, 8, NULL) == 0);
	CHECK(do_io(md, IO_READ, 900, 8, back) == 0);
	for (int i = 0; i < 8 * 512; i++)
		CHECK(back[i] == 0);
	CHECK(do_io(md, IO_DISCARD, 0, 64, NULL) == 0);

	/* TABLE form prints the canonical path and loads back. */
	struct strbuf sb = STRBUF_INIT;
	md_put(md);
	CHECK(md_remove(md, false) == 0);
	sb_release(&sb);
	free(buf);
	free(back);
}

static void test_stacking_and_suspend(const char *img)
{
	char t[512];
	unsigned char *buf = aligned(4096), *back = aligned(4096);

	snprintf(t, sizeof(t), "0 2048 linear %s 0", img);
	struct mapped_device *lower = make_dev("lower", t);
	struct mapped_device *upper = make_dev("upper", "0 1024 linear lower 1024");
	struct md_info info;
	md_get_info(lower, &info);
	CHECK(info.open_count == 1 && info.holders == 1);
	CHECK(md_remove(lower, false) == -EBUSY);
	/* A cycle is refused. */
	CHECK(md_load(lower, "0 1024 linear upper 0", false, NULL) == -ELOOP);

	fill(buf, 4096, 2);
	CHECK(do_io(upper, IO_WRITE, 8, 8, buf) == 0);
	CHECK(do_io(lower, IO_READ, 1032, 8, back) == 0);
	CHECK(memcmp(buf, back, 4096) == 0);

	/* I/O waits while suspended and completes after resume. */
	CHECK(md_suspend(upper, false) == 0);
	md_get_info(upper, &info);
	CHECK(info.suspended);
	struct sync_io s;
	io_start(&s, upper, IO_READ, 8, 8, back);
	usleep(100000);
	CHECK(!s.done);
	/* Reload with another mapping: the queued read sees the new table. */
	CHECK(md_load(upper, "0 1024 linear lower 0", false, NULL) == 0);
	CHECK(md_resume(upper) == 0);
	CHECK(io_wait(&s) == 0);
	for (int i = 0; i < 4096; i++) /* lower sector 8 was never written */
		CHECK(back[i] == 0);

	/* Events. */
	md_get_info(upper, &info);
	unsigned ev = info.event_nr;
	md_event(upper);
	CHECK(md_wait_event(upper, ev) == 0);

	CHECK(md_remove(upper, false) == 0);
	md_put(upper);
	CHECK(md_remove(lower, false) == 0);
	md_put(lower);
	free(buf);
	free(back);
}

static void test_read_only_and_names(const char *img)
{
	char t[512];
	struct mapped_device *md;
	unsigned char *buf = aligned(4096);

	CHECK(md_create("a/b", NULL, false, &md) == -EINVAL);
	CHECK(md_create("..", NULL, false, &md) == -EINVAL);
	CHECK(md_create("x\ty", NULL, false, &md) == -EINVAL);
	CHECK(md_create("ro", "uuid-1", true, &md) == 0);
	struct mapped_device *dup;
	CHECK(md_create("ro", NULL, false, &dup) == -EEXIST);
	CHECK(md_create("other", "uuid-1", false, &dup) == -EEXIST);
	CHECK(md_set_uuid(md, "uuid-2") == -EINVAL); /* set once */
	snprintf(t, sizeof(t), "0 8 linear %s 0", img);
	CHECK(md_load(md, t, false, NULL) == 0 && md_resume(md) == 0);
	CHECK(do_io(md, IO_WRITE, 0, 8, buf) == -EROFS);
	CHECK(do_io(md, IO_READ, 0, 8, buf) == 0);
	CHECK(md_rename(md, "ro2") == 0);
	struct mapped_device *found = md_lookup("ro2");
	CHECK(found == md);
	md_put(found);
	CHECK(md_lookup("ro") == NULL);
	CHECK(md_remove(md, false) == 0);
	/* A removed device (still referenced) fails ios at once. */
	CHECK(do_io(md, IO_READ, 0, 8, buf) == -ENODEV);
	md_put(md);
	free(buf);
}

/* Runs every test with its image files under `base`: a disk filesystem
 * takes the io_uring path, tmpfs the inline one (backing.c). */
static void run_all(const char *base)
{
	snprintf(dir, sizeof(dir), "%s/ulvm-test-engine.XXXXXX", base);
	CHECK(mkdtemp(dir) != NULL);
	char *img = make_image("a.img", 4 << 20);

	test_table_errors(img);
	test_linear_data(img);
	char *img2 = make_image("b.img", 4 << 20);
	test_stacking_and_suspend(img2);
	unlink(img2);
	free(img2);
	test_read_only_and_names(img);

	unlink(img);
	free(img);
	rmdir(dir);
}

int main(void)
{
	CHECK(workers_start(2) == 0);
	run_all("/tmp");
	if (access("/dev/shm", W_OK) == 0)
		run_all("/dev/shm");
	workers_stop();
	printf("test_engine: ok\n");
	return 0;
}
