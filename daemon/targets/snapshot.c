/* snapshot: a writable point-in-time view of an origin device, as the
 * kernel's dm-snap. Each chunk reads from the COW device when the store
 * has an exception for it, else from the origin. A write to the snapshot
 * allocates a COW chunk, copies the origin chunk there first unless the
 * write covers the whole chunk, and then goes to the COW. A full store
 * invalidates the snapshot (or, with PO, refuses writes and reports
 * Overflow); then all its I/O fails and the origin carries on.
 *
 * Reads of the origin are tracked per chunk: an origin write that copies
 * that chunk is held until they are done, so they never see new data.
 */
#include <errno.h>

#include "targets/snap.h"

static int snapshot_ctr(struct target *ti, int argc, char **argv)
{
	return snap_binding_ctr(ti, argc, argv, false);
}

static int fail_io(struct io *io, int error)
{
	io_complete(io, error);
	return MAP_SUBMITTED;
}

static void remap_cow(struct snap_binding *b, struct io *io, uint64_t new_chunk)
{
	struct snap *s = b->s;
	uint64_t offset = io->sector & (s->chunk_size - 1);

	io_remap(io, b->cow, (new_chunk << s->chunk_shift) + offset);
}

/* A write to a chunk the store does not hold: allocate and copy, then the
 * write is mapped again and goes to the COW. Called with the lock held;
 * drops it. */
static int write_new_chunk(struct snap_binding *b, struct io *io, uint64_t chunk)
{
	struct snap *s = b->s;
	struct snap_todo todo = {0};
	struct snap_pending *pe = snap_pending_find(s, chunk);
	int error = 0;

	if (!pe)
		pe = snap_pending_new(s, chunk, &error);
	if (!pe) {
		if (error == -ENOSPC && b->overflow_ok)
			s->overflowed = true;
		else
			snap_invalidate(s, &todo);
		pthread_mutex_unlock(&s->o->lock);
		snap_todo_run(&todo);
		return fail_io(io, -EIO);
	}
	bool start = !pe->started;
	pe->started = true;
	if (start && io->nr_sectors == s->chunk_size)
		pe->full_io = io; /* completed when the exception is committed */
	else
		snap_wait_on(pe, io);
	pthread_mutex_unlock(&s->o->lock);
	if (start)
		snap_pending_start(pe);
	return MAP_SUBMITTED;
}

/* The second discard clone of discard_passdown_origin goes to the origin
 * (tracked, so no copy overtakes it); a second write-zeroes clone is
 * dropped. */
static int map_second_clone(struct snap_binding *b, struct io *io)
{
	struct snap *s = b->s;

	if (io->op != IO_DISCARD)
		return fail_io(io, 0);
	pthread_mutex_lock(&s->o->lock);
	int r = snap_track(s, io, snap_chunk_of(s, io->sector));
	pthread_mutex_unlock(&s->o->lock);
	if (r)
		return fail_io(io, r);
	io_remap(io, b->origin, io->sector);
	return MAP_REMAPPED;
}

static int snapshot_map(struct target *ti, struct io *io)
{
	struct snap_binding *b = ti->private;
	struct snap *s = b->s;
	uint64_t chunk = snap_chunk_of(s, io->sector), new_chunk;
	bool write = io->op != IO_READ;

	io->target_private = NULL;
	if (io->op == IO_FLUSH) {
		io_remap(io, b->cow, 0);
		return MAP_REMAPPED;
	}
	if (io->op == IO_DISCARD && !b->discard_zeroes_cow)
		return fail_io(io, -EOPNOTSUPP);
	if (!io_has_data(io) && io->target_io_nr)
		return map_second_clone(b, io);

	pthread_mutex_lock(&s->o->lock);
	if (!s->valid || s->active != b || (write && s->overflowed)) {
		pthread_mutex_unlock(&s->o->lock);
		return fail_io(io, -EIO);
	}
	if (snap_lookup(s, chunk, &new_chunk)) {
		pthread_mutex_unlock(&s->o->lock);
		/* discard_zeroes_cow: a discard of a whole chunk zeroes it. */
		if (io->op == IO_DISCARD && io->nr_sectors == s->chunk_size)
			io->op = IO_WRITE_ZEROES;
		remap_cow(b, io, new_chunk);
		return MAP_REMAPPED;
	}
	if (io->op == IO_DISCARD) { /* nothing in the COW to discard */
		pthread_mutex_unlock(&s->o->lock);
		return fail_io(io, 0);
	}
	if (write)
		return write_new_chunk(b, io, chunk);
	int r = snap_track(s, io, chunk);
	pthread_mutex_unlock(&s->o->lock);
	if (r)
		return fail_io(io, -EIO);
	io_remap(io, b->origin, io->sector);
	return MAP_REMAPPED;
}

static int snapshot_end_io(struct target *ti, struct io *io, int *error)
{
	struct snap_binding *b = ti->private;

	snap_untrack(b->s, io);
	return 0;
}

const struct target_type snapshot_target = {
    .name = "snapshot",
    .version = {1, 16, 0},
    .ctr = snapshot_ctr,
    .dtr = snap_binding_dtr,
    .map = snapshot_map,
    .end_io = snapshot_end_io,
    .preresume = snap_binding_preresume,
    .resume = snap_binding_resume,
    .postsuspend = snap_binding_postsuspend,
    .status = snap_binding_status,
    .iterate_devices = snap_binding_iterate_devices,
};
