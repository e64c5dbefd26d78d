/* COW snapshots in the LVM commands (issue #6): the device stack LVM2
 * builds for an origin and its snapshots, their status, and the snapshot
 * paths of lvcreate, lvremove and lvconvert. */
#ifndef ULVM_TOOLS_LVM_SNAPSHOT_H
#define ULVM_TOOLS_LVM_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "lvm.h"
#include "metadata/snapshot.h"

/* True when `lv` takes part in a snapshot (origin or COW store). */
bool lvm_snap_involved(const struct lv *lv);

/* Activates `lv` (origin or COW) with its whole set, as LVM2 does:
 *   VG-ORIGIN-real   the origin's own mapping          uuid LVM-<vg><origin>-real
 *   VG-SNAP-cow      each COW store's mapping          uuid LVM-<vg><snap>-cow
 *   VG-SNAP          snapshot VG-ORIGIN-real VG-SNAP-cow P <chunk>  uuid LVM-<vg><snap>
 *   VG-ORIGIN        snapshot-origin VG-ORIGIN-real    uuid LVM-<vg><origin>
 * A merging snapshot's store is VG-ORIGIN-cow and the origin is
 * snapshot-merge over it; a background `lvconvert --merge` then waits
 * for the merge and finishes it. An active origin is suspended (its
 * filesystem frozen) while its table changes. 0 or -errno (printed). */
int lvm_snap_activate(struct lvm_ctx *ctx, const struct lv *lv);
/* An origin: removes the whole set; a COW: only that snapshot's devices.
 * Refuses an open device ("in use"). 0 or -errno (printed). */
int lvm_snap_deactivate(struct lvm_ctx *ctx, const struct lv *lv);
/* After the last snapshot of an active origin went: the origin back to
 * its own table, -real removed. */
int lvm_snap_origin_refresh(struct lvm_ctx *ctx, const struct lv *origin);

/* The device status of snapshot `cow` (its VG-SNAP device, or the origin
 * while merging): sectors allocated/total/metadata, or invalid. Returns 0,
 * -ENODEV when not active, or -errno. */
struct lvm_snap_status {
	uint64_t allocated, total, metadata;
	bool invalid, merge_failed;
};
int lvm_snap_status(struct lvm_ctx *ctx, const struct lv *cow, struct lvm_snap_status *st);
/* The same for mapped device `name`; the device `cow` reports through. */
int lvm_snap_status_of(struct lvm_ctx *ctx, const char *name, struct lvm_snap_status *st);
const char *lvm_snap_status_dev(struct lvm_ctx *ctx, const struct lv *cow);
/* LVM2's percentage full: (allocated - metadata)/(total - metadata)...
 * as its dm_percent; 0..100. */
double lvm_snap_percent(const struct lvm_snap_status *st);

/* After lvcreate -s committed `seg`: zeroes the new store's header and,
 * when the origin is active, builds the snapshot into its live stack. */
int lvm_snap_start(struct lvm_ctx *ctx, const struct lv_seg *seg);
/* lvconvert --merge of `seg` (already marked merging) on an active,
 * closed origin: loads snapshot-merge. */
int lvm_snap_merge_start(struct lvm_ctx *ctx, const struct lv_seg *seg);
/* The LV's own mapped device VG-LV is open / exists. */
bool lvm_snap_dev_open(struct lvm_ctx *ctx, const struct lv *lv);
bool lvm_snap_dev_active(struct lvm_ctx *ctx, const struct lv *lv);

/* lvresize: refuses what LVM2 refuses (an active origin with snapshots,
 * a merging store); 0 or -ENOTSUP (printed). */
int lvm_snap_resize_check(struct lvm_ctx *ctx, const struct lv *lv);
/* After a snapshot's store changed size: reloads its VG-SNAP-cow layer
 * under the suspended snapshot (the target sees the new size). */
int lvm_snap_reload(struct lvm_ctx *ctx, const struct lv *lv);

/* lvcreate -s: the whole command (snapshot.c). */
int lvm_lvcreate_snapshot(struct lvm_ctx *ctx);
/* lvremove of a COW (the snapshot) or an origin with snapshots: removes
 * the snapshots (asking as LVM2 does unless -f) and, for an origin, the
 * origin. 0 or -1 (printed). */
int lvm_snap_remove(struct lvm_ctx *ctx, struct vg *vg, struct lv *lv);

#endif
