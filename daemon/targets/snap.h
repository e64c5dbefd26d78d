/* Shared state of the snapshot targets (snapshot-origin, snapshot,
 * snapshot-merge), as the kernel's dm-snap.c keeps it.
 *
 * Objects:
 *   struct snap_origin   one per origin device identity (the same image
 *                        file or the same mapped device), found through a
 *                        global registry. Its mutex protects everything in
 *                        it and in every snapshot on it, so an origin write
 *                        can look at all of them at once.
 *   struct snap          one exception store (one COW device): the completed
 *                        and pending exceptions, the store position, valid /
 *                        overflow / merge flags. A table reload makes a new
 *                        target over the same COW: it shares the snap (the
 *                        kernel's "handover"), which is why the snap is not
 *                        the target's private data.
 *   struct snap_binding  a snapshot or snapshot-merge target: its devices
 *                        and table arguments. At most two bind one snap: the
 *                        live one and a newly loaded one; the one resumed last
 *                        is `active` and its devices carry new I/O.
 *   struct snap_pending  a chunk being copied from the origin to the COW
 *                        (or written whole by a snapshot write), with the
 *                        ios waiting for it.
 *
 * Threads: map/end_io and every copy step run on workers; each copy runs
 * on the worker that started it. Ios that wait are re-mapped on their own
 * worker (worker_post) once what they waited for is done. Control hooks
 * (ctr, dtr, resume, status) take the registry lock and/or the origin lock;
 * dtr waits until no copy uses the target's devices any more.
 */
#ifndef ULVM_SNAP_H
#define ULVM_SNAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "targets/snap_map.h"
#include "targets/snap_store.h"
#include "ulvm/target.h"

struct worker;
struct snap;
struct snap_binding;

struct snap_origin {
	const void *key;      /* snap_dev_key() of the origin device */
	pthread_mutex_t lock; /* everything below and in every snap on it */
	struct snap *snaps;   /* largest chunk size first, as the kernel sorts */
	struct snap *merging; /* at most one snapshot merges into an origin */
	unsigned refs;	      /* targets using it; under the registry lock */
	struct snap_origin *next;
};

/* Progress of the merge of a snap into its origin (snap_merge.c). */
struct snap_merge_state {
	struct worker *worker; /* runs every merge step */
	bool running;	       /* a step chain is under way */
	bool parked;	       /* waiting for a kick (copies, store, drain) */
	bool shutdown;	       /* asked to stop at the next step */
	bool wait_drain;       /* waiting for tracked writes in the range */
	pthread_cond_t stopped;
	uint64_t first_chunk; /* origin chunks being merged now */
	uint32_t nr_chunks;
	uint64_t new_chunk; /* their first COW chunk */
	struct io *queued;  /* writes to those chunks, re-mapped after */
	void *buf;
	uint32_t buf_sectors;
	uint32_t copy_sectors;
	struct snap_binding *b; /* whose devices the step uses */
};

struct snap {
	struct snap_origin *o;
	const void *cow_key;
	struct snap *next; /* in o->snaps */
	struct snap_binding *bind[2];
	struct snap_binding *active; /* NULL until a binding is resumed */

	bool persistent;
	uint32_t chunk_size; /* sectors, a power of two */
	unsigned chunk_shift;
	bool valid;	 /* false: all I/O fails, status Invalid */
	bool overflowed; /* PO store full from a snapshot write */
	bool merge_failed;
	bool merging;		    /* a snapshot-merge binding is active */
	bool hdr_busy;		    /* the invalidating header write is in flight */
	struct snap_binding *hdr_b; /* whose COW it goes to */

	struct snap_map complete; /* origin chunk -> COW chunk */
	struct snap_map pending;  /* origin chunk -> struct snap_pending * */
	struct snap_map tracked;  /* chunk -> ios the copy or merge waits for */

	struct snap_pstore ps;	 /* persistent */
	uint64_t transient_next; /* transient: next free sector */

	/* Exceptions are committed in the order they were allocated. */
	struct snap_pending *order_head, *order_tail;
	struct snap_pending *ready_head, *ready_tail; /* copied, in order */
	struct snap_pending *writing;		      /* in the metadata write in flight */
	bool meta_busy;
	bool meta_full; /* that write filled its area */
	struct snap_binding *meta_b;
	void *zero_chunk; /* for zeroing the next area */

	struct snap_merge_state merge;
};

struct snap_binding {
	struct snap *s;
	struct target *ti;
	struct target_dev *origin, *cow;
	bool merge;	  /* a snapshot-merge target */
	bool overflow_ok; /* store "PO": report Overflow, stay valid */
	bool discard_zeroes_cow;
	bool discard_passdown_origin;
	bool suspended;
	bool resumed;
	unsigned inflight; /* async steps using origin/cow; under o->lock */
	pthread_cond_t idle;
};

/* The private data of a snapshot-origin target. */
struct snap_origin_target {
	struct snap_origin *o;
	struct target_dev *dev;
};

struct snap_pending {
	uint64_t old_chunk, new_chunk;
	struct snap *s;
	struct snap_binding *b; /* devices of the copy */
	struct io *waiters;	/* clones to re-map once done (io->next) */
	struct io *full_io;	/* a snapshot write covering the chunk: the copy */
	struct snap_pending *next_order, *next_ready;
	void *buf;
	struct snap_pending *next_start; /* found under the lock, started after */
	uint32_t count;			 /* sectors copied (the origin may end mid-chunk) */
	int error;
	bool started, copied, committed, merge_waits;
};

/* Work found under the origin lock and done after dropping it. */
struct snap_todo {
	struct io *remap;	 /* clones to map again */
	struct io *complete_ok;	 /* clones to complete with 0 */
	struct io *complete_err; /* clones to complete with -EIO */
	struct snap *meta;	 /* start this snap's metadata write */
	struct snap *hdr;	 /* write this snap's header (invalid) */
	struct target *event;	 /* target_event() on this */
};

/* An async step using b's devices ended; o->lock held. */
static inline void snap_binding_unuse(struct snap_binding *b)
{
	if (--b->inflight == 0)
		pthread_cond_broadcast(&b->idle);
}

/* ---- snap_registry.c ---- */
const void *snap_dev_key(const struct target_dev *dev);
/* Finds or makes the origin entry for dev; snap_origin_put drops it. */
int snap_origin_get(const struct target_dev *dev, struct snap_origin **out);
void snap_origin_put(struct snap_origin *o);
/* ctr of snapshot and snapshot-merge; dtr of both. */
int snap_binding_ctr(struct target *ti, int argc, char **argv, bool merge);
void snap_binding_dtr(struct target *ti);
int snap_binding_preresume(struct target *ti);
void snap_binding_resume(struct target *ti);
void snap_binding_postsuspend(struct target *ti);
void snap_binding_status(struct target *ti, enum status_type type, unsigned flags,
			 struct strbuf *out);
int snap_binding_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data);
/* Smallest chunk size of the snapshots of o, 0 without any; o->lock held. */
uint32_t snap_origin_min_chunk(const struct snap_origin *o);

/* ---- snap_load.c: reading a store when its first target is made ---- */
int snap_load(struct snap *s, struct snap_binding *b, uint32_t chunk_size, const char **why);
/* Synchronous chunk I/O from a control thread (through a worker). */
int snap_sync_io(struct target_dev *dev, enum io_op op, unsigned flags, uint64_t sector,
		 uint32_t nr_sectors, void *buf);
void *snap_alloc_buf(size_t bytes);

/* ---- snap_core.c (all with s->o->lock held unless said) ---- */
static inline uint64_t snap_chunk_of(const struct snap *s, uint64_t sector)
{
	return sector >> s->chunk_shift;
}
/* The COW chunk for origin chunk, or false. */
bool snap_lookup(const struct snap *s, uint64_t chunk, uint64_t *new_chunk);
struct snap_pending *snap_pending_find(const struct snap *s, uint64_t chunk);
/* Allocates a COW chunk and a pending record for chunk (not started).
 * NULL when the store is full (-ENOSPC in *error) or memory is short. */
struct snap_pending *snap_pending_new(struct snap *s, uint64_t chunk, int *error);
/* Starts the copy of pe on the current worker; call without the lock. */
void snap_pending_start(struct snap_pending *pe);
/* Marks s invalid (status Invalid, I/O fails); the todo clears the
 * on-disk valid flag and sends the event. */
void snap_invalidate(struct snap *s, struct snap_todo *todo);
/* A copy, metadata write or merge step ended: the next steps. */
void snap_commit_kick(struct snap *s, struct snap_todo *todo);
/* The exception of pe is durable (or failed): insert it, release waiters. */
void snap_complete_pending(struct snap *s, struct snap_pending *pe, struct snap_todo *todo);
void snap_finish_pending(struct snap *s, struct snap_pending *pe, bool ok, struct snap_todo *todo);
/* Does the todo; lock not held; any thread. */
void snap_todo_run(struct snap_todo *todo);
/* Tracks an io in flight on chunk; its end_io calls snap_untrack. */
int snap_track(struct snap *s, struct io *io, uint64_t chunk);
/* end_io side: drops the tracking of io if it was tracked; lock not held. */
void snap_untrack(struct snap *s, struct io *io);
/* Queues a clone to be mapped again (on its worker) after pe is done. */
void snap_wait_on(struct snap_pending *pe, struct io *io);
/* Re-maps clones on their workers (lock not held). */
void snap_remap_list(struct io *list);
/* Completes a clone on its worker with 0 or -EIO (lock not held). */
void snap_complete_later(struct io *io, int error);

/* ---- snapshot_origin.c ---- */
/* An origin write (or a merge target's write to an unmapped chunk):
 * starts the copies the write needs in every active snapshot of o. Returns
 * MAP_REMAPPED when the write may go to the origin now, MAP_SUBMITTED when
 * it was queued and will be mapped again. Lock not held. */
int snap_origin_write(struct snap_origin *o, struct io *io);
/* For a merge: makes sure no other snapshot of o still needs the old data
 * of [sector, sector+len); returns true when copies must be waited for
 * (then the merge is kicked when one ends). o->lock held. */
bool snap_origin_extent(struct snap_origin *o, struct snap *merging, uint64_t sector, uint64_t len,
			struct snap_pending **start, struct snap_todo *todo);
/* Starts each pending of a next_start list (lock not held). */
void snap_pending_start_list(struct snap_pending *list);

/* ---- snap_merge.c ---- */
void snap_merge_start(struct snap *s);
void snap_merge_stop(struct snap *s);
/* Kicks the merge from a pending copy or a drained io (lock held). */
void snap_merge_kick(struct snap *s);
int snap_merge_map(struct target *ti, struct io *io);

/* Tags in io->target_private for end_io. */
#define SNAP_TAG_TRACKED 1u

#endif
