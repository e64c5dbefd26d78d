/* The snapshot targets on the real engine with real workers: concurrent
 * origin writes into one chunk copy it once, a write covering a whole
 * chunk is its own copy, the persistent format on disk is the kernel's
 * and reads back after a reopen, transient stores, and a merge. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/worker.h"
#include "engine_harness.h"
#include "util/error.h"
#include "util/le.h"
#include "util/strbuf.h"

static char dir[] = "/tmp/ulvm-test-snapshot.XXXXXX";

static char *make_image(const char *name, off_t size, bool random)
{
	char *path;
	int fd;

	CHECK(asprintf(&path, "%s/%s", dir, name) > 0);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, size) == 0);
	if (random) {
		unsigned char *buf = malloc(size);
		for (off_t i = 0; i < size; i++)
			buf[i] = (unsigned char)(i * 2654435761u >> 13);
		CHECK(pwrite(fd, buf, size, 0) == size);
		free(buf);
	}
	close(fd);
	return path;
}

static void remove_dev(struct mapped_device *md)
{
	CHECK(md_remove(md, false) == 0);
	md_put(md);
}

static void status_cb(void *data, uint64_t start, uint64_t len, const char *type,
		      const char *params)
{
	snprintf(data, 128, "%s", params);
}

static void status_of(struct mapped_device *md, char *out)
{
	CHECK(md_table_foreach(md, false, true, 0, status_cb, out) == 0);
}

/* Reads sectors of a device and compares with a file range. */
static void expect_content(struct mapped_device *md, uint64_t sector, uint32_t nr, const char *file,
			   uint64_t file_sector)
{
	unsigned char *a = aligned(nr * 512), *b = aligned(nr * 512);
	int fd = open(file, O_RDONLY);

	CHECK(do_io(md, IO_READ, sector, nr, a) == 0);
	CHECK(pread(fd, b, nr * 512, file_sector * 512) == nr * 512);
	CHECK(memcmp(a, b, nr * 512) == 0);
	close(fd);
	free(a);
	free(b);
}

static void test_concurrent_and_reopen(void)
{
	char *base = make_image("base.img", 4 << 20, true);
	char *copy = make_image("copy.img", 4 << 20, true);
	char *cow = make_image("cow.img", 1 << 20, false);
	char t[512], st[128];
	unsigned char *buf = aligned(64 * 512);

	snprintf(t, sizeof(t), "0 8192 linear %s 0", base);
	struct mapped_device *b = make_dev("base", t);
	struct mapped_device *o = make_dev("origin", "0 8192 snapshot-origin base");
	snprintf(t, sizeof(t), "0 8192 snapshot base %s P 8", cow);
	struct mapped_device *s = make_dev("snap", t);

	/* 16 single-sector writes into chunk 5 (sectors 40..47 and the next
	 * chunk's), all in flight at once on several workers. */
	struct sync_io ios[16];
	memset(buf, 0xab, 64 * 512);
	for (int i = 0; i < 16; i++)
		io_start(&ios[i], o, IO_WRITE, 40 + i, 1, buf);
	for (int i = 0; i < 16; i++)
		CHECK(io_wait(&ios[i]) == 0);
	status_of(s, st);
	CHECK(strcmp(st, "32/2048 16") == 0); /* two copies: chunks 5 and 6 */
	expect_content(s, 0, 128, copy, 0);

	/* A snapshot write of exactly one chunk needs no copy. */
	memset(buf, 0xcd, 8 * 512);
	CHECK(do_io(s, IO_WRITE, 80, 8, buf) == 0);
	/* A partial one does. */
	CHECK(do_io(s, IO_WRITE, 100, 2, buf) == 0);
	status_of(s, st);
	CHECK(strcmp(st, "48/2048 16") == 0);
	unsigned char *back = aligned(16 * 512);
	CHECK(do_io(s, IO_READ, 96, 16, back) == 0);
	CHECK(back[4 * 512] == 0xcd && back[6 * 512 - 1] == 0xcd && back[0] != 0xcd);
	expect_content(o, 96, 16, copy, 96);

	/* The kernel's format on disk: header, then area 0 in commit order. */
	unsigned char disk[4096 * 2];
	int fd = open(cow, O_RDONLY);
	CHECK(pread(fd, disk, sizeof(disk), 0) == (ssize_t)sizeof(disk));
	close(fd);
	CHECK(get_le32(disk) == 0x70416E53 && get_le32(disk + 4) == 1 && get_le32(disk + 12) == 8);
	CHECK(get_le64(disk + 4096 + 8) == 2 && get_le64(disk + 4096 + 24) == 3);
	CHECK(get_le64(disk + 4096 + 64 + 8) == 0); /* end marker after 4 entries */

	/* Reopen: the same exceptions. */
	remove_dev(s);
	s = make_dev("snap", t);
	status_of(s, st);
	CHECK(strcmp(st, "48/2048 16") == 0);
	CHECK(do_io(s, IO_READ, 96, 16, buf) == 0);
	CHECK(memcmp(buf, back, 16 * 512) == 0);
	expect_content(s, 0, 64, copy, 0);
	free(back);

	/* Merge it back: the origin becomes the snapshot. */
	unsigned char *want = aligned(128 * 512), *got = aligned(128 * 512);
	CHECK(do_io(s, IO_READ, 0, 128, want) == 0);
	remove_dev(s);
	CHECK(md_suspend(o, false) == 0);
	snprintf(t, sizeof(t), "0 8192 snapshot-merge base %s P 8", cow);
	CHECK(md_load(o, t, false, NULL) == 0);
	CHECK(md_resume(o) == 0);
	for (int i = 0; i < 200; i++) {
		status_of(o, st);
		if (!strcmp(st, "16/2048 16"))
			break;
		usleep(10000);
	}
	CHECK(strcmp(st, "16/2048 16") == 0);
	CHECK(do_io(o, IO_READ, 0, 128, got) == 0);
	CHECK(memcmp(want, got, 128 * 512) == 0);

	remove_dev(o);
	remove_dev(b);
	unlink(base);
	unlink(copy);
	unlink(cow);
	free(base);
	free(copy);
	free(cow);
	free(buf);
	free(want);
	free(got);
}

static void test_transient(void)
{
	char *base = make_image("tbase.img", 1 << 20, true);
	char *cow = make_image("tcow.img", 64 << 10, false);
	char t[512], st[128];
	unsigned char *buf = aligned(4096);

	snprintf(t, sizeof(t), "0 2048 snapshot-origin %s", base);
	struct mapped_device *o = make_dev("torigin", t);
	snprintf(t, sizeof(t), "0 2048 snapshot %s %s N 16", base, cow);
	struct mapped_device *s = make_dev("tsnap", t);
	status_of(s, st);
	CHECK(strcmp(st, "0/128 0") == 0);
	CHECK(do_io(s, IO_READ, 0, 8, buf) == 0);
	memset(buf, 1, 4096);
	CHECK(do_io(o, IO_WRITE, 0, 8, buf) == 0);
	status_of(s, st);
	CHECK(strcmp(st, "16/128 0") == 0);
	CHECK(do_io(s, IO_READ, 0, 8, buf) == 0);
	CHECK(buf[0] != 1);
	/* Fill: 8 chunks of 16 sectors, then invalid. */
	for (int i = 1; i < 9; i++)
		CHECK(do_io(o, IO_WRITE, i * 16, 8, buf) == 0);
	status_of(s, st);
	CHECK(strcmp(st, "Invalid") == 0);
	CHECK(do_io(s, IO_READ, 0, 8, buf) == -EIO);
	remove_dev(s);
	remove_dev(o);
	unlink(base);
	unlink(cow);
	free(base);
	free(cow);
	free(buf);
}

/* Removing a snapshot while an origin write is still copying a chunk into
 * its store (the COW device is slow): the removal waits for the copy and
 * its metadata commit, the origin write completes, nothing touches the
 * freed store (lvremove of a snapshot of a mounted origin). */
static void test_remove_during_copy(void)
{
	char *base = make_image("rbase.img", 1 << 20, true);
	char *cow = make_image("rcow.img", 256 << 10, false);
	char t[512];
	unsigned char *buf = aligned(4096);
	struct sync_io w;

	snprintf(t, sizeof(t), "0 2048 linear %s 0", base);
	struct mapped_device *b = make_dev("rbase", t);
	snprintf(t, sizeof(t), "0 512 delay %s 0 0 %s 0 200", cow, cow);
	struct mapped_device *c = make_dev("rcow", t);
	struct mapped_device *o = make_dev("rorigin", "0 2048 snapshot-origin rbase");
	struct mapped_device *s = make_dev("rsnap", "0 2048 snapshot rbase rcow P 8");

	memset(buf, 7, 4096);
	io_start(&w, o, IO_WRITE, 16, 1, buf);
	usleep(50000); /* the copy's write to the COW is under way */
	remove_dev(s);
	CHECK(io_wait(&w) == 0);
	CHECK(do_io(o, IO_READ, 16, 1, buf) == 0 && buf[0] == 7);
	remove_dev(o);
	remove_dev(c);
	remove_dev(b);
	unlink(base);
	unlink(cow);
	free(base);
	free(cow);
	free(buf);
}

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	CHECK(workers_start(3) == 0);
	test_concurrent_and_reopen();
	test_transient();
	test_remove_during_copy();
	workers_stop();
	rmdir(dir);
	printf("test_snapshot: ok\n");
	return 0;
}
