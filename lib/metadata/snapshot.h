/* Classic (COW) snapshots in the LVM model, as LVM2 keeps them
 * (formats.md §3.7): the user's snapshot LV is the COW store, a hidden
 * LV "snapshotN" holds one "snapshot" segment tying origin and store.
 *
 * In memory the visibility is LVM2's "snapshot fiction" already applied:
 * the COW LV is visible (hidden while merging) and snapshotN never is;
 * lv_status_to_write() turns that back into the flags LVM2 stores. */
#ifndef ULVM_METADATA_SNAPSHOT_H
#define ULVM_METADATA_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "metadata/metadata.h"

extern const struct segtype segtype_snapshot;

/* LVM2's default and limits for chunk_size, in sectors. */
#define SNAPSHOT_CHUNK_DEFAULT 8u
#define SNAPSHOT_CHUNK_MIN     8u
#define SNAPSHOT_CHUNK_MAX     1024u

/* True for an internal "snapshotN" LV. */
bool lv_is_snapshot(const struct lv *lv);
/* The snapshot segment whose COW store is `lv`, or NULL. */
struct lv_seg *lv_cow_seg(const struct lv *lv);
/* True when some snapshot names `lv` as its origin. */
bool lv_is_origin(const struct lv *lv);
/* The origin's snapshot segments, in VG order: calls fn for each. */
unsigned lv_origin_snapshots(const struct lv *origin, struct lv_seg **segs, unsigned max);
/* The snapshot segment of `origin` being merged into it, or NULL. */
struct lv_seg *lv_merging_seg(const struct lv *origin);

/* The status word to store for `lv` (the fiction undone). */
uint64_t lv_status_to_write(const struct lv *lv);

/* Makes `cow` a snapshot of `origin`: adds a hidden "snapshotN" LV with
 * the segment. Returns the segment, or NULL with a message. */
struct lv_seg *lv_snapshot_attach(struct vg *vg, struct lv *origin, struct lv *cow,
				  uint32_t chunk_size);
/* Drops the snapshotN LV of `seg`; the COW LV stays, as a plain LV. */
void lv_snapshot_detach(struct vg *vg, struct lv_seg *seg);
/* Marks `seg` merging (merging_store; the COW is hidden) or not. */
void lv_snapshot_set_merging(struct lv_seg *seg, bool merging);

/* LVM2's largest useful COW for `origin_sectors` at `chunk` sectors
 * (formats.md §5.4), in sectors. */
uint64_t snapshot_cow_max_sectors(uint64_t origin_sectors, uint32_t chunk);

#endif
