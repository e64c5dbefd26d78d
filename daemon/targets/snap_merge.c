/* Merging a snapshot back into its origin (snapshot-merge), as the
 * kernel's snapshot_merge_next_chunks: a chain of steps on one worker.
 * Each step takes the run of consecutive exceptions at the end of the
 * store's table (at most MERGE_MAX_SECTORS), makes every other snapshot of
 * the origin copy the old origin data it still needs, waits for writes in
 * flight to those COW chunks, then
 *
 *   read COW chunks -> write origin -> flush origin -> clear the entries in
 *   the metadata area (flush + FUA) -> drop the exceptions -> next step
 *
 * Progress is the table itself: a restarted daemon reads the shorter table
 * and goes on. Writes to the chunks of the step in progress wait for it.
 * A step that must wait parks the chain; snap_merge_kick() resumes it.
 * When nothing is left the target sends an event (status then shows
 * allocated == metadata, which is what LVM polls for).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"
#include "targets/snap.h"
#include "util/log.h"

#define MERGE_MAX_SECTORS 2048u /* 1 MiB per step */

static void merge_step(void *arg);

/* Lock held. Ends the chain: writes that waited for the step go again. */
static void merge_end(struct snap *s, struct snap_todo *todo)
{
	struct snap_merge_state *m = &s->merge;

	m->running = false;
	m->parked = false;
	m->wait_drain = false;
	m->nr_chunks = 0;
	struct io **tail = &todo->remap;
	while (*tail)
		tail = &(*tail)->next;
	*tail = m->queued;
	m->queued = NULL;
	pthread_cond_broadcast(&m->stopped);
}

void snap_merge_kick(struct snap *s)
{
	struct snap_merge_state *m = &s->merge;

	if (!m->running || !m->parked)
		return;
	m->parked = false;
	m->wait_drain = false;
	worker_post(m->worker, merge_step, s);
}

void snap_merge_start(struct snap *s)
{
	struct snap_merge_state *m = &s->merge;
	bool post = false;

	if (!m->buf) {
		m->buf_sectors =
		    s->chunk_size > MERGE_MAX_SECTORS ? s->chunk_size : MERGE_MAX_SECTORS;
		m->buf = snap_alloc_buf((size_t)m->buf_sectors << SECTOR_SHIFT);
	}
	pthread_mutex_lock(&s->o->lock);
	if (!m->buf) {
		log_error("snapshot-merge: out of memory");
		s->merge_failed = true;
	} else if (!m->running) {
		m->running = true;
		m->shutdown = false;
		m->worker = worker_pick();
		post = true;
	}
	pthread_mutex_unlock(&s->o->lock);
	if (post)
		worker_post(m->worker, merge_step, s);
}

void snap_merge_stop(struct snap *s)
{
	struct snap_merge_state *m = &s->merge;
	struct snap_todo todo = {0};

	pthread_mutex_lock(&s->o->lock);
	if (m->running && m->parked)
		merge_end(s, &todo); /* nothing in flight: stop at once */
	m->shutdown = true;
	while (m->running)
		pthread_cond_wait(&m->stopped, &s->o->lock);
	m->shutdown = false;
	pthread_mutex_unlock(&s->o->lock);
	snap_todo_run(&todo);
}

/* An I/O step failed: the merge stops, its waiting writes fail. */
static void merge_fail(struct snap *s, const char *what, int error)
{
	struct snap_todo todo = {0};

	log_error("snapshot-merge: %s failed (%s): merge stopped", what, strerror(-error));
	pthread_mutex_lock(&s->o->lock);
	s->merge_failed = true;
	snap_binding_unuse(s->merge.b);
	struct io *queued = s->merge.queued;
	s->merge.queued = NULL;
	merge_end(s, &todo);
	todo.complete_err = queued;
	pthread_mutex_unlock(&s->o->lock);
	snap_todo_run(&todo);
}

static void merge_submit(struct snap *s, struct target_dev *dev, enum io_op op, unsigned flags,
			 uint64_t sector, uint32_t nr, void *buf, io_end_fn end)
{
	struct io *io = io_alloc();

	io->op = op;
	io->flags = flags;
	io->sector = sector;
	io->nr_sectors = nr;
	io->data = buf;
	io->end_io = end;
	io->private = s;
	io_submit_dev(dev, io);
}

static void area_written(struct io *io, int error)
{
	struct snap *s = io->private;
	struct snap_merge_state *m = &s->merge;
	struct snap_todo todo = {0};

	io_free(io);
	if (error) {
		merge_fail(s, "metadata write", error);
		return;
	}
	pthread_mutex_lock(&s->o->lock);
	snap_pstore_commit_merge(&s->ps, m->nr_chunks);
	for (uint32_t i = 0; i < m->nr_chunks; i++)
		snap_map_del(&s->complete, m->first_chunk + i);
	m->nr_chunks = 0;
	todo.remap = m->queued;
	m->queued = NULL;
	snap_binding_unuse(m->b);
	pthread_mutex_unlock(&s->o->lock);
	snap_todo_run(&todo);
	merge_step(s);
}

static void cow_flushed(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	if (error) {
		merge_fail(s, "COW flush", error);
		return;
	}
	uint64_t area = snap_pstore_area_chunk(&s->ps, s->ps.current_area);
	merge_submit(s, s->merge.b->cow, IO_WRITE, IO_FUA, area << s->chunk_shift, s->chunk_size,
		     s->ps.area, area_written);
}

/* The origin holds the chunks for good: clear their entries. */
static void origin_flushed(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	if (error) {
		merge_fail(s, "origin flush", error);
		return;
	}
	pthread_mutex_lock(&s->o->lock);
	snap_pstore_clear_last(&s->ps, s->merge.nr_chunks);
	pthread_mutex_unlock(&s->o->lock);
	merge_submit(s, s->merge.b->cow, IO_FLUSH, 0, 0, 0, NULL, cow_flushed);
}

static void origin_written(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	if (error) {
		merge_fail(s, "origin write", error);
		return;
	}
	merge_submit(s, s->merge.b->origin, IO_FLUSH, 0, 0, 0, NULL, origin_flushed);
}

static void cow_read(struct io *io, int error)
{
	struct snap *s = io->private;
	struct snap_merge_state *m = &s->merge;

	io_free(io);
	if (error) {
		merge_fail(s, "COW read", error);
		return;
	}
	merge_submit(s, m->b->origin, IO_WRITE, 0, m->first_chunk << s->chunk_shift,
		     m->copy_sectors, m->buf, origin_written);
}

static void prev_area_read(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	if (error) {
		merge_fail(s, "metadata read", error);
		return;
	}
	pthread_mutex_lock(&s->o->lock);
	snap_pstore_merge_area_loaded(&s->ps);
	snap_binding_unuse(s->merge.b);
	pthread_mutex_unlock(&s->o->lock);
	merge_step(s);
}

/* Lock held. Parks the chain while copies or commits of this store are
 * still under way (they started before the merge did). */
static bool store_busy(struct snap *s)
{
	return s->order_head || s->ready_head || s->meta_busy;
}

/* Lock held. True when a write to one of the chunks is still in flight. */
static bool range_busy(struct snap *s, uint64_t first, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		if (snap_map_get(&s->tracked, first + i, NULL))
			return true;
	return false;
}

enum merge_next { MERGE_STOP, MERGE_PARK, MERGE_AREA, MERGE_COPY };

/* Lock held. Decides the next move and prepares it. */
static enum merge_next merge_plan(struct snap *s, struct snap_pending **start,
				  struct snap_todo *todo)
{
	struct snap_merge_state *m = &s->merge;
	uint64_t last_old, last_new;

	if (m->shutdown || !s->valid || !s->merging || !s->active)
		return MERGE_STOP;
	if (store_busy(s))
		return MERGE_PARK;
	m->b = s->active;
	if (snap_pstore_merge_prev_area(&s->ps))
		return MERGE_AREA;
	uint32_t max = MERGE_MAX_SECTORS >> s->chunk_shift;
	uint32_t n = snap_pstore_prepare_merge(&s->ps, max ? max : 1, &last_old, &last_new);
	if (!n) {
		todo->event = m->b->ti; /* merged: tell the waiters */
		return MERGE_STOP;
	}
	uint64_t first = last_old + 1 - n, sector = first << s->chunk_shift;
	uint64_t len = (uint64_t)n << s->chunk_shift;
	if (snap_origin_extent(s->o, s, sector, len, start, todo))
		return MERGE_PARK;
	m->first_chunk = first;
	m->nr_chunks = n;
	m->new_chunk = last_new + 1 - n;
	if (range_busy(s, first, n)) {
		m->wait_drain = true;
		return MERGE_PARK;
	}
	uint64_t origin = target_dev_size(m->b->origin);
	m->copy_sectors = (uint32_t)(sector + len <= origin ? len : origin - sector);
	return MERGE_COPY;
}

static void merge_step(void *arg)
{
	struct snap *s = arg;
	struct snap_merge_state *m = &s->merge;
	struct snap_pending *start = NULL;
	struct snap_todo todo = {0};

	pthread_mutex_lock(&s->o->lock);
	enum merge_next next = merge_plan(s, &start, &todo);
	if (next == MERGE_STOP)
		merge_end(s, &todo);
	else if (next == MERGE_PARK)
		m->parked = true;
	else
		m->b->inflight++;
	pthread_mutex_unlock(&s->o->lock);
	snap_pending_start_list(start);
	snap_todo_run(&todo);
	if (next == MERGE_AREA) {
		uint64_t area = snap_pstore_area_chunk(&s->ps, s->ps.current_area);
		merge_submit(s, m->b->cow, IO_READ, 0, area << s->chunk_shift, s->chunk_size,
			     s->ps.area, prev_area_read);
	} else if (next == MERGE_COPY) {
		merge_submit(s, m->b->cow, IO_READ, 0, m->new_chunk << s->chunk_shift,
			     m->copy_sectors, m->buf, cow_read);
	}
}
