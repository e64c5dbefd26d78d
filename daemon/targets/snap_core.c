/* The life of an exception: a pending record per chunk being copied, the
 * copy itself (origin chunk -> COW chunk, on one worker, never blocking),
 * the commit in allocation order (for a persistent store: the metadata
 * area written with a flush before it and FUA, the next area zeroed first
 * when this one is full), then release of the ios that waited. Also the
 * invalidation of a store and the tracking of ios a copy must not overtake.
 *
 * Every function here that takes `struct snap *` runs with s->o->lock held
 * and leaves I/O and thread hand-offs in a struct snap_todo, done by
 * snap_todo_run() after the lock is dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"
#include "targets/snap.h"
#include "util/log.h"

bool snap_lookup(const struct snap *s, uint64_t chunk, uint64_t *new_chunk)
{
	return snap_map_get(&s->complete, chunk, new_chunk);
}

struct snap_pending *snap_pending_find(const struct snap *s, uint64_t chunk)
{
	uint64_t v;

	return snap_map_get(&s->pending, chunk, &v) ? (struct snap_pending *)(uintptr_t)v : NULL;
}

/* Hands out a COW chunk: the persistent store skips its metadata chunks,
 * the transient one counts sectors from 0 (kernel dm-snap-transient). */
static int store_prepare(struct snap *s, struct snap_binding *b, uint64_t *new_chunk)
{
	uint64_t cow = target_dev_size(b->cow);

	if (s->persistent)
		return snap_pstore_prepare(&s->ps, cow, new_chunk);
	if (cow < s->transient_next + s->chunk_size)
		return -ENOSPC;
	*new_chunk = s->transient_next >> s->chunk_shift;
	s->transient_next += s->chunk_size;
	return 0;
}

struct snap_pending *snap_pending_new(struct snap *s, uint64_t chunk, int *error)
{
	struct snap_binding *b = s->active;
	struct snap_pending *pe = calloc(1, sizeof(*pe));

	if (!pe || snap_map_put(&s->pending, chunk, (uintptr_t)pe)) {
		free(pe);
		*error = -ENOMEM;
		return NULL;
	}
	*error = store_prepare(s, b, &pe->new_chunk);
	if (*error) {
		snap_map_del(&s->pending, chunk);
		free(pe);
		return NULL;
	}
	pe->old_chunk = chunk;
	pe->s = s;
	pe->b = b;
	b->inflight++;
	if (s->order_tail)
		s->order_tail->next_order = pe;
	else
		s->order_head = pe;
	s->order_tail = pe;
	return pe;
}

void snap_wait_on(struct snap_pending *pe, struct io *io)
{
	io->next = pe->waiters;
	pe->waiters = io;
}

static void list_append(struct io **list, struct io *chain)
{
	while (*list)
		list = &(*list)->next;
	*list = chain;
}

void snap_finish_pending(struct snap *s, struct snap_pending *pe, bool ok, struct snap_todo *todo)
{
	snap_map_del(&s->pending, pe->old_chunk);
	/* Waiters map again: they find the exception, or the invalid store. */
	list_append(&todo->remap, pe->waiters);
	if (pe->full_io) {
		struct io **l = ok ? &todo->complete_ok : &todo->complete_err;
		pe->full_io->next = NULL;
		list_append(l, pe->full_io);
	}
	if (pe->merge_waits && s->o->merging)
		snap_merge_kick(s->o->merging);
	if (s->merging)
		snap_merge_kick(s); /* its own copies from before the merge */
	snap_binding_unuse(pe->b);
	free(pe->buf);
	free(pe);
}

/* The exception is durable: reads now go to the COW. Origin writes keep
 * waiting while reads of the old origin data are still in flight. */
void snap_complete_pending(struct snap *s, struct snap_pending *pe, struct snap_todo *todo)
{
	if (!s->valid || pe->error) {
		snap_finish_pending(s, pe, false, todo);
		return;
	}
	if (snap_map_put(&s->complete, pe->old_chunk, pe->new_chunk)) {
		snap_invalidate(s, todo);
		snap_finish_pending(s, pe, false, todo);
		return;
	}
	if (snap_map_get(&s->tracked, pe->old_chunk, NULL)) {
		pe->committed = true; /* snap_untrack finishes it */
		return;
	}
	snap_finish_pending(s, pe, true, todo);
}

void snap_commit_kick(struct snap *s, struct snap_todo *todo)
{
	struct snap_pending *pe, *batch = NULL, **tail = &batch;

	if (s->meta_busy || !s->ready_head)
		return;
	if (!s->valid || !s->persistent) {
		while ((pe = s->ready_head)) {
			s->ready_head = pe->next_ready;
			snap_complete_pending(s, pe, todo);
		}
		s->ready_tail = NULL;
		return;
	}
	/* Entries go into the area buffer only while no write of it is in
	 * flight, so the buffer a write sends never changes under it. */
	bool full = false;
	while (!full && (pe = s->ready_head)) {
		s->ready_head = pe->next_ready;
		pe->next_ready = NULL;
		*tail = pe;
		tail = &pe->next_ready;
		full = snap_pstore_add(&s->ps, pe->old_chunk, pe->new_chunk);
	}
	if (!s->ready_head)
		s->ready_tail = NULL;
	s->writing = batch;
	s->meta_busy = true;
	s->meta_full = full;
	s->meta_b = s->active;
	s->meta_b->inflight++;
	todo->meta = s;
}

void snap_invalidate(struct snap *s, struct snap_todo *todo)
{
	if (!s->valid)
		return;
	s->valid = false;
	log_error("snapshot: invalidating the snapshot on COW '%s'",
		  s->active ? target_dev_name(s->active->cow) : "?");
	if (s->active) {
		todo->event = s->active->ti;
		if (s->persistent && !s->hdr_busy) {
			s->hdr_busy = true;
			s->hdr_b = s->active;
			s->active->inflight++;
			todo->hdr = s;
		}
	}
}

/* ---- the copy, on the worker that started it ---- */

static void copy_done(struct snap_pending *pe, int error)
{
	struct snap *s = pe->s;
	struct snap_todo todo = {0};

	pthread_mutex_lock(&s->o->lock);
	pe->copied = true;
	pe->error = error;
	if (error)
		snap_invalidate(s, &todo);
	/* Commit in allocation order, as the kernel does, so that the table
	 * on disk is always a prefix of what was handed out. */
	while ((pe = s->order_head) && pe->copied) {
		s->order_head = pe->next_order;
		if (!s->order_head)
			s->order_tail = NULL;
		if (s->ready_tail)
			s->ready_tail->next_ready = pe;
		else
			s->ready_head = pe;
		s->ready_tail = pe;
	}
	snap_commit_kick(s, &todo);
	pthread_mutex_unlock(&s->o->lock);
	snap_todo_run(&todo);
}

static void copy_write_done(struct io *io, int error)
{
	struct snap_pending *pe = io->private;

	io_free(io);
	copy_done(pe, error);
}

static void copy_read_done(struct io *io, int error)
{
	struct snap_pending *pe = io->private;

	if (error) {
		io_free(io);
		copy_done(pe, error);
		return;
	}
	struct io *w = io_alloc();
	w->op = IO_WRITE;
	w->sector = pe->new_chunk << pe->s->chunk_shift;
	w->nr_sectors = pe->count;
	w->data = pe->buf;
	w->end_io = copy_write_done;
	w->private = pe;
	io_free(io);
	io_submit_dev(pe->b->cow, w);
}

void snap_pending_start(struct snap_pending *pe)
{
	struct snap *s = pe->s;
	struct io *io = io_alloc();

	io->private = pe;
	if (pe->full_io) {
		/* The write covers the chunk: it is the copy. */
		io->op = pe->full_io->op;
		io->flags = pe->full_io->flags;
		io->sector = pe->new_chunk << s->chunk_shift;
		io->nr_sectors = pe->full_io->nr_sectors;
		io->data = pe->full_io->data;
		io->end_io = copy_write_done;
		io_submit_dev(pe->b->cow, io);
		return;
	}
	uint64_t start = pe->old_chunk << s->chunk_shift;
	uint64_t origin = target_dev_size(pe->b->origin);
	pe->count = start < origin ? (uint32_t)(origin - start < s->chunk_size ? origin - start
									       : s->chunk_size)
				   : 0;
	pe->buf = pe->count ? snap_alloc_buf((size_t)pe->count << SECTOR_SHIFT) : NULL;
	if (!pe->buf) {
		io_free(io);
		copy_done(pe, pe->count ? -ENOMEM : 0);
		return;
	}
	io->op = IO_READ;
	io->sector = start;
	io->nr_sectors = pe->count;
	io->data = pe->buf;
	io->end_io = copy_read_done;
	io_submit_dev(pe->b->origin, io);
}

/* ---- tracking ---- */

int snap_track(struct snap *s, struct io *io, uint64_t chunk)
{
	if (snap_map_add(&s->tracked, chunk, 1, NULL))
		return -ENOMEM;
	io->target_private = (void *)(uintptr_t)(chunk << 2 | SNAP_TAG_TRACKED);
	return 0;
}

void snap_untrack(struct snap *s, struct io *io)
{
	uintptr_t tag = (uintptr_t)io->target_private;
	struct snap_todo todo = {0};
	uint64_t left;

	if (!(tag & SNAP_TAG_TRACKED))
		return;
	io->target_private = NULL;
	uint64_t chunk = tag >> 2;
	pthread_mutex_lock(&s->o->lock);
	snap_map_add(&s->tracked, chunk, -1, &left);
	if (!left) {
		struct snap_pending *pe = snap_pending_find(s, chunk);
		if (pe && pe->committed)
			snap_finish_pending(s, pe, true, &todo);
		if (s->merge.wait_drain)
			snap_merge_kick(s);
	}
	pthread_mutex_unlock(&s->o->lock);
	snap_todo_run(&todo);
}
