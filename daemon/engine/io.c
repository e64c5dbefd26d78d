/* The data path: the suspend gate, splitting ios at target boundaries,
 * handing clones to targets and sending remapped clones on.
 *
 * The gate: a submitter increments md->in_flight, then checks
 * md->suspended (both sequentially consistent). md_suspend() sets
 * suspended, then waits for in_flight to reach 0. So either the suspender
 * sees the io in flight and waits for it, or the submitter sees the flag
 * and queues the io (under io_lock, rechecking the flag, so a concurrent
 * resume cannot miss it). While in_flight > 0 the live table cannot be
 * swapped, which is why workers read md->live without a lock.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/worker.h"
#include "util/log.h"

/* Per-thread cache of io structs: clones are made and freed on the same
 * worker, so no lock is needed. */
#define IO_CACHE_MAX 4096
static _Thread_local struct io *io_cache;
static _Thread_local unsigned io_cache_len;

struct io *io_alloc(void)
{
	struct io *io = io_cache;

	if (io) {
		io_cache = io->next;
		io_cache_len--;
		memset(io, 0, sizeof(*io));
	} else {
		io = calloc(1, sizeof(*io));
		if (!io)
			abort(); /* an io cannot fail to exist: no error path to report it */
	}
	io->worker = worker_current();
	return io;
}

void io_free(struct io *io)
{
	if (io_cache_len >= IO_CACHE_MAX) {
		free(io);
		return;
	}
	io->next = io_cache;
	io_cache = io;
	io_cache_len++;
}

void io_cache_release(void)
{
	while (io_cache) {
		struct io *next = io_cache->next;
		free(io_cache);
		io_cache = next;
	}
	io_cache_len = 0;
}

static void md_io_done(struct mapped_device *md)
{
	if (atomic_fetch_sub(&md->in_flight, 1) == 1 && atomic_load(&md->suspended)) {
		pthread_mutex_lock(&md->io_lock);
		pthread_cond_broadcast(&md->io_cond);
		pthread_mutex_unlock(&md->io_lock);
	}
}

/* The parent io (as submitted to md) is finished once its last clone is. */
static void parent_put(struct io *parent)
{
	if (--parent->pending)
		return;
	struct mapped_device *md = parent->engine_private;
	io_end_fn end = parent->end_io;
	int error = parent->error;

	md_io_done(md);
	md_put(md);
	end(parent, error);
}

static void clone_end(struct io *clone, int error)
{
	struct target *ti = clone->target;
	struct io *parent = clone->parent;

	if (ti->type->end_io && ti->type->end_io(ti, clone, &error) == MAP_SUBMITTED)
		return;
	if (error && !parent->error)
		parent->error = error;
	io_free(clone);
	parent_put(parent);
}

void io_complete(struct io *io, int error)
{
	clone_end(io, error);
}

void io_remap(struct io *io, struct target_dev *dev, uint64_t sector)
{
	io->dev = dev;
	io->sector = sector;
}

void io_submit_dev(struct target_dev *dev, struct io *io)
{
	io->dev = dev;
	if (!io->worker)
		io->worker = worker_current();
	if (dev->backing)
		backing_submit(dev->backing, io);
	else
		md_submit(dev->md, io);
}

static void clone_map(struct target *ti, struct io *parent, enum io_op op, uint64_t sector,
		      uint32_t nr_sectors, void *data, uint32_t io_nr)
{
	struct io *clone = io_alloc();

	clone->op = op;
	clone->flags = parent->flags;
	clone->sector = sector - ti->begin;
	clone->nr_sectors = nr_sectors;
	clone->data = data;
	clone->end_io = clone_end;
	clone->parent = parent;
	clone->target = ti;
	clone->target_io_nr = io_nr;
	clone->start_ns = parent->start_ns;
	parent->pending++;

	if (op != IO_READ && op != IO_WRITE && op != IO_FLUSH && ti->num_discard_ios == 0) {
		clone_end(clone, -EOPNOTSUPP);
		return;
	}
	if (ti->type->map(ti, clone) == MAP_REMAPPED)
		io_submit_dev(clone->dev, clone);
}

static uint32_t piece_len(const struct target *ti, uint64_t sector, uint64_t left)
{
	uint64_t end = ti->begin + ti->len;
	uint64_t len = end - sector;

	if (ti->max_io_len) {
		uint64_t off = sector - ti->begin;
		uint64_t to_boundary = ti->max_io_len - off % ti->max_io_len;
		if (to_boundary < len)
			len = to_boundary;
	}
	if (left < len)
		len = left;
	return (uint32_t)len;
}

/* Splits `io` over the live table's targets. Called with in_flight held. */
static void io_map_table(struct table *t, struct io *io)
{
	io->pending = 1; /* our own reference until every clone is issued */
	io->error = 0;
	if (io->op == IO_FLUSH) {
		for (unsigned i = 0; i < t->count; i++) {
			struct target *ti = &t->targets[i];
			for (unsigned n = 0; n < ti->num_flush_ios; n++)
				clone_map(ti, io, IO_FLUSH, ti->begin, 0, NULL, n);
		}
	} else {
		uint64_t sector = io->sector;
		uint64_t left = io->nr_sectors;
		char *data = io->data;
		while (left) {
			struct target *ti = table_find(t, sector);
			uint32_t len = piece_len(ti, sector, left);
			unsigned copies = io_has_data(io) ? 1 : ti->num_discard_ios;
			for (unsigned n = 0; n < (copies ? copies : 1); n++)
				clone_map(ti, io, io->op, sector, len, data, n);
			sector += len;
			left -= len;
			if (data)
				data += (size_t)len << SECTOR_SHIFT;
		}
	}
	parent_put(io);
}

static void dispatch_fail(struct mapped_device *md, struct io *io, int error)
{
	md_io_done(md);
	md_put(md);
	io->end_io(io, error);
}

void io_dispatch(struct mapped_device *md, struct io *io)
{
	struct table *t;

	atomic_fetch_add(&md->in_flight, 1);
	/* A removed device stays suspended: its ios must fail, not queue.
	 * `removed` is set under io_lock, so the check there is final. */
	if (atomic_load(&md->removed)) {
		dispatch_fail(md, io, -ENODEV);
		return;
	}
	if (atomic_load(&md->suspended)) {
		pthread_mutex_lock(&md->io_lock);
		if (atomic_load(&md->removed)) {
			pthread_mutex_unlock(&md->io_lock);
			dispatch_fail(md, io, -ENODEV);
			return;
		}
		if (atomic_load(&md->suspended)) {
			io->next = NULL;
			if (md->deferred_tail)
				md->deferred_tail->next = io;
			else
				md->deferred_head = io;
			md->deferred_tail = io;
			pthread_mutex_unlock(&md->io_lock);
			md_io_done(md);
			return;
		}
		pthread_mutex_unlock(&md->io_lock);
	}
	t = md->live;
	if (!t || io->sector + io->nr_sectors > t->size) {
		dispatch_fail(md, io, -EIO);
		return;
	}
	if (t->read_only && io->op != IO_READ && io->op != IO_FLUSH) {
		dispatch_fail(md, io, -EROFS);
		return;
	}
	io_map_table(t, io);
}

void md_submit(struct mapped_device *md, struct io *io)
{
	if (!io->worker)
		io->worker = worker_current();
	md_get(md); /* dropped when the io completes */
	io->engine_private = md;
	io_dispatch(md, io);
}

static void redispatch(void *arg)
{
	struct io *io = arg;

	io_dispatch(io->engine_private, io);
}

static void fail_deferred(void *arg)
{
	struct io *io = arg;
	struct mapped_device *md = io->engine_private;

	md_put(md);
	io->end_io(io, -ENODEV);
}

void io_release_deferred(struct mapped_device *md, struct io *list, int error)
{
	while (list) {
		struct io *next = list->next;
		list->next = NULL;
		worker_post(list->worker, error ? fail_deferred : redispatch, list);
		list = next;
	}
}
