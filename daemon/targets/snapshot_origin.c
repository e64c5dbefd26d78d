/* snapshot-origin: the origin of one or more snapshots, as the kernel's
 * dm-snap origin target. Reads pass through; a write first has the old
 * contents of each chunk it touches copied into every active snapshot of
 * the same origin device that does not hold that chunk yet, then goes on.
 * Concurrent writes to one chunk share one copy (the pending record); a
 * write queued on a copy is mapped again once it is committed, and then
 * waits for the next snapshot's copy if there is one.
 *
 * The snapshots are separate mapped devices; they find this origin through
 * the registry in snap_registry.c, keyed by the origin device.
 */
#include <errno.h>
#include <stdlib.h>

#include "targets/snap.h"
#include "util/strbuf.h"

void snap_pending_start_list(struct snap_pending *list)
{
	while (list) {
		struct snap_pending *next = list->next_start;
		list->next_start = NULL;
		snap_pending_start(list);
		list = next;
	}
}

/* Makes sure chunk of s is copied or being copied; returns the pending
 * record to wait for, or NULL when the chunk is already in s (or s just
 * became invalid: the origin goes on without it). */
static struct snap_pending *need_chunk(struct snap *s, uint64_t chunk, struct snap_pending **start,
				       struct snap_todo *todo)
{
	/* Pending first: a committed copy stays pending until the snapshot
	 * reads of the old data are done. */
	struct snap_pending *pe = snap_pending_find(s, chunk);
	int error;

	if (pe || snap_lookup(s, chunk, NULL))
		return pe;
	pe = snap_pending_new(s, chunk, &error);
	if (!pe) {
		snap_invalidate(s, todo);
		return NULL;
	}
	pe->started = true;
	pe->next_start = *start;
	*start = pe;
	return pe;
}

/* Snapshots taking copies from origin writes: not merging (a merging
 * store is as good as deleted), valid, and resumed once. */
static bool takes_copies(const struct snap *s, uint64_t sector)
{
	return !s->merging && s->valid && s->active && sector < s->active->ti->len;
}

int snap_origin_write(struct snap_origin *o, struct io *io)
{
	struct snap_pending *start = NULL;
	struct snap_todo todo = {0};
	bool queued = false;

	pthread_mutex_lock(&o->lock);
	for (struct snap *s = o->snaps; s; s = s->next) {
		if (!takes_copies(s, io->sector))
			continue;
		uint64_t first = snap_chunk_of(s, io->sector);
		uint64_t last =
		    snap_chunk_of(s, io->sector + (io->nr_sectors ? io->nr_sectors - 1 : 0));
		for (uint64_t c = first; c <= last && s->valid; c++) {
			struct snap_pending *pe = need_chunk(s, c, &start, &todo);
			if (pe && !queued) {
				snap_wait_on(pe, io);
				queued = true;
			}
		}
	}
	pthread_mutex_unlock(&o->lock);
	snap_pending_start_list(start);
	snap_todo_run(&todo);
	return queued ? MAP_SUBMITTED : MAP_REMAPPED;
}

bool snap_origin_extent(struct snap_origin *o, struct snap *merging, uint64_t sector, uint64_t len,
			struct snap_pending **start, struct snap_todo *todo)
{
	bool wait = false;

	for (struct snap *s = o->snaps; s; s = s->next) {
		if (s == merging || !takes_copies(s, sector))
			continue;
		uint64_t first = snap_chunk_of(s, sector),
			 last = snap_chunk_of(s, sector + len - 1);
		for (uint64_t c = first; c <= last && s->valid; c++) {
			struct snap_pending *pe = need_chunk(s, c, start, todo);
			if (pe) {
				pe->merge_waits = true;
				wait = true;
			}
		}
	}
	return wait;
}

/* Construct: <origin_dev> */
static int origin_ctr(struct target *ti, int argc, char **argv)
{
	struct snap_origin_target *ot;
	int r;

	if (argc != 1)
		return target_fail(ti, 0, "origin: incorrect number of arguments");
	ot = calloc(1, sizeof(*ot));
	if (!ot)
		return target_fail(ti, 0, "out of memory");
	r = target_dev_get(ti, argv[0], &ot->dev);
	if (!r) {
		r = snap_origin_get(ot->dev, &ot->o);
		if (r)
			target_dev_put(ti, ot->dev);
	}
	if (r) {
		free(ot);
		return r;
	}
	ti->private = ot;
	ti->num_flush_ios = 1;
	return 0;
}

static void origin_dtr(struct target *ti)
{
	struct snap_origin_target *ot = ti->private;

	snap_origin_put(ot->o);
	target_dev_put(ti, ot->dev);
	free(ot);
}

static int origin_map(struct target *ti, struct io *io)
{
	struct snap_origin_target *ot = ti->private;

	if (io->op != IO_READ && io->op != IO_FLUSH &&
	    snap_origin_write(ot->o, io) == MAP_SUBMITTED)
		return MAP_SUBMITTED;
	io_remap(io, ot->dev, io->sector);
	return MAP_REMAPPED;
}

/* Splits writes at the smallest chunk size of the snapshots, so that a
 * write usually needs one copy per snapshot (kernel: split_boundary). */
static void origin_resume(struct target *ti)
{
	struct snap_origin_target *ot = ti->private;

	pthread_mutex_lock(&ot->o->lock);
	ti->max_io_len = snap_origin_min_chunk(ot->o);
	pthread_mutex_unlock(&ot->o->lock);
}

/* INFO: empty.  TABLE: <origin_dev> */
static void origin_status(struct target *ti, enum status_type type, unsigned flags,
			  struct strbuf *out)
{
	struct snap_origin_target *ot = ti->private;

	if (type == STATUS_TABLE)
		sb_puts(out, target_dev_name(ot->dev));
}

static int origin_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct snap_origin_target *ot = ti->private;

	return fn(ti, ot->dev, 0, ti->len, data);
}

const struct target_type snapshot_origin_target = {
    .name = "snapshot-origin",
    .version = {1, 9, 0},
    .ctr = origin_ctr,
    .dtr = origin_dtr,
    .map = origin_map,
    .resume = origin_resume,
    .status = origin_status,
    .iterate_devices = origin_iterate_devices,
};
