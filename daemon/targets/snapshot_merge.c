/* snapshot-merge: replaces the snapshot-origin of an origin while the
 * snapshot's store is copied back into it (snap_merge.c runs the copy).
 * Same arguments as snapshot, persistent stores only.
 *
 * I/O, as the kernel's snapshot_merge_map: a chunk the store still holds
 * reads and writes the COW (writes are tracked so the merge waits for
 * them, and writes to the chunks being merged right now wait for that
 * step); any other chunk is the origin, and writes to it copy into the
 * other snapshots of the origin first, as snapshot-origin does. Flushes go
 * to both devices; discards are ignored once merging.
 */
#include <errno.h>

#include "targets/snap.h"

static int merge_ctr(struct target *ti, int argc, char **argv)
{
	return snap_binding_ctr(ti, argc, argv, true);
}

static int to_origin(struct snap_binding *b, struct io *io)
{
	if (io->op != IO_READ && snap_origin_write(b->s->o, io) == MAP_SUBMITTED)
		return MAP_SUBMITTED;
	io_remap(io, b->origin, io->sector);
	return MAP_REMAPPED;
}

static int merge_map(struct target *ti, struct io *io)
{
	struct snap_binding *b = ti->private;
	struct snap *s = b->s;
	uint64_t chunk = snap_chunk_of(s, io->sector), new_chunk;
	bool write = io->op != IO_READ;

	io->target_private = NULL;
	if (io->op == IO_FLUSH) {
		io_remap(io, io->target_io_nr ? b->cow : b->origin, 0);
		return MAP_REMAPPED;
	}
	if (io->op == IO_DISCARD) {
		io_complete(io, 0);
		return MAP_SUBMITTED;
	}
	pthread_mutex_lock(&s->o->lock);
	/* An invalid merging store is bypassed: everything is the origin. */
	if (!s->valid || !snap_lookup(s, chunk, &new_chunk)) {
		pthread_mutex_unlock(&s->o->lock);
		return to_origin(b, io);
	}
	struct snap_merge_state *m = &s->merge;
	if (write && chunk >= m->first_chunk && chunk - m->first_chunk < m->nr_chunks) {
		io->next = m->queued;
		m->queued = io;
		pthread_mutex_unlock(&s->o->lock);
		return MAP_SUBMITTED;
	}
	int r = write ? snap_track(s, io, chunk) : 0;
	pthread_mutex_unlock(&s->o->lock);
	if (r) {
		io_complete(io, -EIO);
		return MAP_SUBMITTED;
	}
	io_remap(io, b->cow, (new_chunk << s->chunk_shift) + (io->sector & (s->chunk_size - 1)));
	return MAP_REMAPPED;
}

static int merge_end_io(struct target *ti, struct io *io, int *error)
{
	struct snap_binding *b = ti->private;

	snap_untrack(b->s, io);
	return 0;
}

static void merge_presuspend(struct target *ti)
{
	struct snap_binding *b = ti->private;

	snap_merge_stop(b->s);
}

const struct target_type snapshot_merge_target = {
    .name = "snapshot-merge",
    .version = {1, 5, 0},
    .ctr = merge_ctr,
    .dtr = snap_binding_dtr,
    .map = merge_map,
    .end_io = merge_end_io,
    .presuspend = merge_presuspend,
    .preresume = snap_binding_preresume,
    .resume = snap_binding_resume,
    .postsuspend = snap_binding_postsuspend,
    .status = snap_binding_status,
    .iterate_devices = snap_binding_iterate_devices,
};
