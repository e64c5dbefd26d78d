/* Exception store format and bookkeeping (see snap_store.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "targets/snap_store.h"
#include "util/le.h"

void snap_header_encode(void *buf, const struct snap_header *h)
{
	unsigned char *p = buf;

	put_le32(p, h->magic);
	put_le32(p + 4, h->valid);
	put_le32(p + 8, h->version);
	put_le32(p + 12, h->chunk_size);
}

void snap_header_decode(const void *buf, struct snap_header *h)
{
	const unsigned char *p = buf;

	h->magic = get_le32(p);
	h->valid = get_le32(p + 4);
	h->version = get_le32(p + 8);
	h->chunk_size = get_le32(p + 12);
}

void snap_exception_get(const void *area, uint32_t index, uint64_t *old_chunk, uint64_t *new_chunk)
{
	const unsigned char *p = (const unsigned char *)area + (size_t)index * SNAP_EXCEPTION_BYTES;

	*old_chunk = get_le64(p);
	*new_chunk = get_le64(p + 8);
}

void snap_exception_put(void *area, uint32_t index, uint64_t old_chunk, uint64_t new_chunk)
{
	unsigned char *p = (unsigned char *)area + (size_t)index * SNAP_EXCEPTION_BYTES;

	put_le64(p, old_chunk);
	put_le64(p + 8, new_chunk);
}

const char *snap_chunk_size_check(uint32_t chunk_size)
{
	if (!chunk_size)
		return NULL;
	if (chunk_size & (chunk_size - 1))
		return "chunk size is not a power of 2";
	if (chunk_size > (INT_MAX >> 9))
		return "chunk size is too high";
	return NULL;
}

int snap_pstore_init(struct snap_pstore *ps, uint32_t chunk_size)
{
	size_t bytes = (size_t)chunk_size << 9;

	memset(ps, 0, sizeof(*ps));
	ps->chunk_size = chunk_size;
	ps->epa = (uint32_t)(bytes / SNAP_EXCEPTION_BYTES);
	ps->next_free = 2; /* header and the first area */
	if (posix_memalign((void **)&ps->area, 4096, bytes))
		return -ENOMEM;
	memset(ps->area, 0, bytes);
	return 0;
}

void snap_pstore_release(struct snap_pstore *ps)
{
	free(ps->area);
	ps->area = NULL;
}

uint64_t snap_pstore_area_chunk(const struct snap_pstore *ps, uint64_t area)
{
	return 1 + ((uint64_t)ps->epa + 1) * area;
}

int snap_pstore_load_area(struct snap_pstore *ps, int (*add)(void *ctx, uint64_t old, uint64_t new),
			  void *ctx)
{
	for (uint32_t i = 0; i < ps->epa; i++) {
		uint64_t old_chunk, new_chunk;
		snap_exception_get(ps->area, i, &old_chunk, &new_chunk);
		if (!new_chunk) {
			ps->current_committed = i;
			return 0;
		}
		if (ps->next_free <= new_chunk)
			ps->next_free = new_chunk + 1;
		int r = add(ctx, old_chunk, new_chunk);
		if (r)
			return r;
	}
	ps->current_committed = ps->epa;
	return 1;
}

void snap_pstore_skip_metadata(struct snap_pstore *ps)
{
	if (ps->next_free % ((uint64_t)ps->epa + 1) == 1)
		ps->next_free++;
}

int snap_pstore_prepare(struct snap_pstore *ps, uint64_t cow_sectors, uint64_t *new_chunk)
{
	if (cow_sectors < (ps->next_free + 1) * ps->chunk_size)
		return -ENOSPC;
	*new_chunk = ps->next_free++;
	snap_pstore_skip_metadata(ps);
	return 0;
}

bool snap_pstore_add(struct snap_pstore *ps, uint64_t old_chunk, uint64_t new_chunk)
{
	snap_exception_put(ps->area, ps->current_committed++, old_chunk, new_chunk);
	return snap_pstore_area_full(ps);
}

bool snap_pstore_area_full(const struct snap_pstore *ps)
{
	return ps->current_committed == ps->epa;
}

void snap_pstore_advance(struct snap_pstore *ps)
{
	ps->current_committed = 0;
	ps->current_area++;
	memset(ps->area, 0, (size_t)ps->chunk_size << 9);
}

bool snap_pstore_merge_prev_area(struct snap_pstore *ps)
{
	if (ps->current_committed || !ps->current_area)
		return false;
	ps->current_area--;
	return true;
}

void snap_pstore_merge_area_loaded(struct snap_pstore *ps)
{
	ps->current_committed = ps->epa;
}

uint32_t snap_pstore_prepare_merge(const struct snap_pstore *ps, uint32_t max, uint64_t *last_old,
				   uint64_t *last_new)
{
	uint32_t n, top = ps->current_committed;

	if (!top)
		return 0;
	snap_exception_get(ps->area, top - 1, last_old, last_new);
	for (n = 1; n < top && n < max; n++) {
		uint64_t o, w;
		snap_exception_get(ps->area, top - 1 - n, &o, &w);
		if (o != *last_old - n || w != *last_new - n)
			break;
	}
	return n;
}

void snap_pstore_clear_last(struct snap_pstore *ps, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		snap_exception_put(ps->area, ps->current_committed - 1 - i, 0, 0);
}

void snap_pstore_commit_merge(struct snap_pstore *ps, uint32_t nr)
{
	ps->current_committed -= nr;
	/* As the kernel does: once merging, next_free is what it would be had
	 * every exception been committed in order (only usage reads it). */
	ps->next_free = snap_pstore_area_chunk(ps, ps->current_area) + ps->current_committed + 1;
}

void snap_pstore_usage(const struct snap_pstore *ps, uint64_t *allocated, uint64_t *metadata)
{
	*allocated = ps->next_free * ps->chunk_size;
	*metadata = (ps->current_area + 2) * ps->chunk_size;
}
