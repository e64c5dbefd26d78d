/* The snapshot exception store without I/O: the kernel's on-disk format
 * (header, area entries), chunk arithmetic (area placement, allocation
 * skipping metadata chunks, ENOSPC), a store written area by area into a
 * memory "disk" and read back as after a reopen, the merge bookkeeping,
 * and the chunk hash map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/snap_map.c"
#include "targets/snap_store.c"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static void test_format(void)
{
	unsigned char buf[32] = {0};
	const unsigned char want[16] = {0x53, 0x6e, 0x41, 0x70, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0};
	struct snap_header h = {SNAP_MAGIC, 1, SNAP_DISK_VERSION, 8}, back;

	snap_header_encode(buf, &h);
	CHECK(memcmp(buf, want, 16) == 0); /* "SnAp", valid, version, chunk */
	snap_header_decode(buf, &back);
	CHECK(back.magic == SNAP_MAGIC && back.valid == 1 && back.version == 1 &&
	      back.chunk_size == 8);

	uint64_t o, n;
	snap_exception_put(buf, 1, 0x0102030405060708ull, 42);
	CHECK(buf[16] == 0x08 && buf[23] == 0x01 && buf[24] == 42 && buf[31] == 0);
	snap_exception_get(buf, 1, &o, &n);
	CHECK(o == 0x0102030405060708ull && n == 42);

	CHECK(!snap_chunk_size_check(0) && !snap_chunk_size_check(8));
	CHECK(!snap_chunk_size_check(1u << 21));
	CHECK(snap_chunk_size_check(12) && snap_chunk_size_check(1u << 22));
	CHECK(snap_chunk_shift(8) == 3 && snap_chunk_shift(1024) == 10);
}

static void test_allocation(void)
{
	struct snap_pstore ps;
	uint64_t c, alloc, meta;

	CHECK(snap_pstore_init(&ps, 8) == 0);
	CHECK(ps.epa == 256 && ps.next_free == 2);
	CHECK(snap_pstore_area_chunk(&ps, 0) == 1 && snap_pstore_area_chunk(&ps, 1) == 258);
	for (uint64_t i = 0; i < 256; i++) {
		CHECK(snap_pstore_prepare(&ps, UINT64_MAX / 2, &c) == 0);
		CHECK(c == 2 + i);
	}
	/* Chunk 258 is metadata area 1: skipped. */
	CHECK(snap_pstore_prepare(&ps, UINT64_MAX / 2, &c) == 0 && c == 259);
	snap_pstore_usage(&ps, &alloc, &meta);
	CHECK(alloc == 260 * 8 && meta == 16);

	/* A COW of 12 chunks: header, area, 10 data chunks, then ENOSPC. */
	snap_pstore_release(&ps);
	CHECK(snap_pstore_init(&ps, 8) == 0);
	for (int i = 0; i < 10; i++)
		CHECK(snap_pstore_prepare(&ps, 96, &c) == 0);
	CHECK(c == 11);
	CHECK(snap_pstore_prepare(&ps, 96, &c) == -ENOSPC);
	snap_pstore_usage(&ps, &alloc, &meta);
	CHECK(alloc == 96 && meta == 16);
	snap_pstore_release(&ps);
}

struct collected {
	uint64_t old[2000], new[2000];
	unsigned n;
};

static int collect(void *ctx, uint64_t old_chunk, uint64_t new_chunk)
{
	struct collected *c = ctx;

	c->old[c->n] = old_chunk;
	c->new[c->n++] = new_chunk;
	return 0;
}

/* Writes 600 exceptions with chunk 1 (epa 32), committing areas to a
 * memory disk as the daemon does, then reads them back from it. */
static void test_round_trip(void)
{
	const uint32_t cs = 1, chunk_bytes = 512;
	const unsigned count = 600;
	unsigned char *disk = calloc(2000, chunk_bytes);
	struct snap_pstore w, r;
	struct collected *got = calloc(1, sizeof(*got));
	uint64_t c;

	CHECK(disk && got && snap_pstore_init(&w, cs) == 0 && w.epa == 32);
	for (unsigned i = 0; i < count; i++) {
		CHECK(snap_pstore_prepare(&w, 2000, &c) == 0);
		uint64_t old_chunk = (i * 7919u) % 100000;
		if (snap_pstore_add(&w, old_chunk, c)) {
			/* Full: the next area is zeroed first, then this one. */
			memset(disk + snap_pstore_area_chunk(&w, w.current_area + 1) * chunk_bytes,
			       0, chunk_bytes);
			memcpy(disk + snap_pstore_area_chunk(&w, w.current_area) * chunk_bytes,
			       w.area, chunk_bytes);
			snap_pstore_advance(&w);
		}
	}
	memcpy(disk + snap_pstore_area_chunk(&w, w.current_area) * chunk_bytes, w.area,
	       chunk_bytes);

	CHECK(snap_pstore_init(&r, cs) == 0);
	for (r.current_area = 0;; r.current_area++) {
		memcpy(r.area, disk + snap_pstore_area_chunk(&r, r.current_area) * chunk_bytes,
		       chunk_bytes);
		int res = snap_pstore_load_area(&r, collect, got);
		CHECK(res >= 0);
		if (!res)
			break;
	}
	snap_pstore_skip_metadata(&r);
	CHECK(got->n == count);
	CHECK(r.next_free == w.next_free && r.current_area == w.current_area &&
	      r.current_committed == w.current_committed);
	CHECK(got->old[599] == (599 * 7919u) % 100000);
	for (unsigned i = 1; i < count; i++)
		CHECK(got->new[i] > got->new[i - 1] && got->new[i] % 33 != 1);
	snap_pstore_release(&w);
	snap_pstore_release(&r);
	free(disk);
	free(got);
}

static void test_merge(void)
{
	struct snap_pstore ps;
	uint64_t o, n;

	CHECK(snap_pstore_init(&ps, 8) == 0);
	snap_pstore_add(&ps, 10, 2);
	snap_pstore_add(&ps, 11, 3);
	snap_pstore_add(&ps, 12, 4);
	snap_pstore_add(&ps, 20, 5);
	ps.next_free = 6;
	CHECK(snap_pstore_prepare_merge(&ps, 100, &o, &n) == 1 && o == 20 && n == 5);
	snap_pstore_clear_last(&ps, 1);
	snap_pstore_commit_merge(&ps, 1);
	CHECK(ps.current_committed == 3 && ps.next_free == 5);
	CHECK(snap_pstore_prepare_merge(&ps, 100, &o, &n) == 3 && o == 12 && n == 4);
	CHECK(snap_pstore_prepare_merge(&ps, 2, &o, &n) == 2);
	snap_pstore_clear_last(&ps, 3);
	snap_exception_get(ps.area, 0, &o, &n);
	CHECK(o == 0 && n == 0); /* the end marker is back at entry 0 */
	snap_pstore_commit_merge(&ps, 3);
	CHECK(!snap_pstore_prepare_merge(&ps, 100, &o, &n) && !snap_pstore_merge_prev_area(&ps));
	uint64_t alloc, meta;
	snap_pstore_usage(&ps, &alloc, &meta);
	CHECK(alloc == meta); /* what LVM polls for */
	ps.current_area = 1;
	CHECK(snap_pstore_merge_prev_area(&ps) && ps.current_area == 0);
	snap_pstore_merge_area_loaded(&ps);
	CHECK(ps.current_committed == ps.epa);
	snap_pstore_release(&ps);
}

static void test_map(void)
{
	struct snap_map m = SNAP_MAP_INIT;
	const uint64_t n = 100000;
	uint64_t v;

	for (uint64_t i = 0; i < n; i++)
		CHECK(snap_map_put(&m, i * 3, i) == 0);
	CHECK(m.count == n);
	for (uint64_t i = 0; i < n; i += 2)
		CHECK(snap_map_del(&m, i * 3));
	CHECK(!snap_map_del(&m, 0) && m.count == n / 2);
	for (uint64_t i = 0; i < n; i++) {
		bool found = snap_map_get(&m, i * 3, &v);
		CHECK(found == (i % 2 == 1) && (!found || v == i));
		CHECK(!snap_map_get(&m, i * 3 + 1, NULL));
	}
	CHECK(snap_map_put(&m, 3, 77) == 0 && snap_map_get(&m, 3, &v) && v == 77);
	snap_map_release(&m);
	CHECK(snap_map_add(&m, 5, 1, &v) == 0 && v == 1);
	CHECK(snap_map_add(&m, 5, 1, &v) == 0 && v == 2);
	CHECK(snap_map_add(&m, 5, -2, &v) == 0 && v == 0 && !snap_map_get(&m, 5, NULL));
	snap_map_release(&m);
}

int main(void)
{
	test_format();
	test_allocation();
	test_round_trip();
	test_merge();
	test_map();
	printf("test_snap_store: ok\n");
	return 0;
}
