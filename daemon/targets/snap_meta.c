/* Metadata writes of the persistent store, on a worker and asynchronous:
 *
 *   commit:     [area full: zero the next area] -> flush the COW -> write
 *               the area with FUA -> complete the exceptions it holds
 *   invalidate: rewrite the header (chunk 0) with valid = 0
 *
 * and snap_todo_run(), which does what the locked code left to do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"
#include "targets/snap.h"
#include "util/log.h"

static void remap_now(void *arg)
{
	struct io *io = arg;
	struct target *ti = io->target;

	io->target_private = NULL;
	if (ti->type->map(ti, io) == MAP_REMAPPED)
		io_submit_dev(io->dev, io);
}

static void complete_ok(void *arg)
{
	io_complete(arg, 0);
}

static void complete_eio(void *arg)
{
	io_complete(arg, -EIO);
}

static void post_each(struct io *list, void (*fn)(void *))
{
	while (list) {
		struct io *next = list->next;
		list->next = NULL;
		worker_post(list->worker, fn, list);
		list = next;
	}
}

void snap_remap_list(struct io *list)
{
	post_each(list, remap_now);
}

void snap_complete_later(struct io *io, int error)
{
	io->next = NULL;
	post_each(io, error ? complete_eio : complete_ok);
}

/* ---- commit ---- */

static void meta_done(struct snap *s, int error)
{
	struct snap_todo todo = {0};
	struct snap_pending *pe;

	pthread_mutex_lock(&s->o->lock);
	s->meta_busy = false;
	snap_binding_unuse(s->meta_b);
	if (error) {
		log_error("snapshot: metadata write failed: %s", strerror(-error));
		snap_invalidate(s, &todo);
	} else if (s->meta_full) {
		snap_pstore_advance(&s->ps);
	}
	while ((pe = s->writing)) {
		s->writing = pe->next_ready;
		snap_complete_pending(s, pe, &todo);
	}
	snap_commit_kick(s, &todo);
	if (s->merging && !s->order_head && !s->ready_head)
		snap_merge_kick(s);
	pthread_mutex_unlock(&s->o->lock);
	snap_todo_run(&todo);
}

static void meta_area_done(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	meta_done(s, error);
}

static void meta_submit(struct snap *s, enum io_op op, unsigned flags, uint64_t chunk, void *buf,
			io_end_fn end)
{
	struct io *io = io_alloc();

	io->op = op;
	io->flags = flags;
	io->sector = chunk << s->chunk_shift;
	io->nr_sectors = buf ? s->chunk_size : 0;
	io->data = buf;
	io->end_io = end;
	io->private = s;
	io_submit_dev(s->meta_b->cow, io);
}

/* The data chunks this area describes are written; the flush makes them
 * stable before the area that points at them. */
static void meta_flush_done(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	if (error) {
		meta_done(s, error);
		return;
	}
	meta_submit(s, IO_WRITE, IO_FUA, snap_pstore_area_chunk(&s->ps, s->ps.current_area),
		    s->ps.area, meta_area_done);
}

static void meta_zero_done(struct io *io, int error)
{
	struct snap *s = io->private;

	io_free(io);
	if (error) {
		meta_done(s, error);
		return;
	}
	meta_submit(s, IO_FLUSH, 0, 0, NULL, meta_flush_done);
}

static void meta_start(void *arg)
{
	struct snap *s = arg;

	if (!s->meta_full) {
		meta_submit(s, IO_FLUSH, 0, 0, NULL, meta_flush_done);
		return;
	}
	/* The next area must exist and be zero before this one is full on
	 * disk, or a reader would run past the end of the table. */
	uint64_t next = snap_pstore_area_chunk(&s->ps, s->ps.current_area + 1);
	if ((next + 1) << s->chunk_shift > target_dev_size(s->meta_b->cow)) {
		meta_done(s, -ENOSPC);
		return;
	}
	meta_submit(s, IO_WRITE, 0, next, s->zero_chunk, meta_zero_done);
}

/* ---- invalidation ---- */

struct hdr_write {
	struct snap *s;
	struct snap_binding *b;
	void *buf;
};

static void hdr_done(struct io *io, int error)
{
	struct hdr_write *h = io->private;

	if (error)
		log_error("snapshot: cannot clear the valid flag on '%s': %s",
			  target_dev_name(h->b->cow), strerror(-error));
	io_free(io);
	pthread_mutex_lock(&h->s->o->lock);
	h->s->hdr_busy = false;
	snap_binding_unuse(h->b);
	pthread_mutex_unlock(&h->s->o->lock);
	free(h->buf);
	free(h);
}

static void hdr_start(void *arg)
{
	struct hdr_write *h = arg;
	struct snap *s = h->s;
	struct snap_header hdr = {SNAP_MAGIC, 0, SNAP_DISK_VERSION, s->chunk_size};
	struct io *io = io_alloc();

	memset(h->buf, 0, (size_t)s->chunk_size << SECTOR_SHIFT);
	snap_header_encode(h->buf, &hdr);
	io->op = IO_WRITE;
	io->flags = IO_FUA;
	io->nr_sectors = s->chunk_size;
	io->data = h->buf;
	io->end_io = hdr_done;
	io->private = h;
	io_submit_dev(h->b->cow, io);
}

static void hdr_write(struct snap *s)
{
	struct hdr_write *h = calloc(1, sizeof(*h));

	if (h)
		h->buf = snap_alloc_buf((size_t)s->chunk_size << SECTOR_SHIFT);
	if (!h || !h->buf) {
		/* The store stays invalid in memory; only the disk flag is lost. */
		log_error("snapshot: out of memory clearing the valid flag");
		pthread_mutex_lock(&s->o->lock);
		s->hdr_busy = false;
		snap_binding_unuse(s->hdr_b);
		pthread_mutex_unlock(&s->o->lock);
		free(h);
		return;
	}
	h->s = s;
	h->b = s->hdr_b; /* set with the lock held by snap_invalidate */
	struct worker *w = worker_current();
	worker_post(w ? w : worker_pick(), hdr_start, h);
}

void snap_todo_run(struct snap_todo *todo)
{
	if (todo->meta) {
		struct worker *w = worker_current();
		worker_post(w ? w : worker_pick(), meta_start, todo->meta);
	}
	if (todo->hdr)
		hdr_write(todo->hdr);
	if (todo->event)
		target_event(todo->event);
	snap_remap_list(todo->remap);
	post_each(todo->complete_ok, complete_ok);
	post_each(todo->complete_err, complete_eio);
}
