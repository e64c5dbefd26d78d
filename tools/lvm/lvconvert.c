/* lvconvert --merge VG/SNAP: merges a snapshot back into its origin
 * (LVM2's old-snapshot merge). The snapshot is marked merging in the
 * metadata (merging_store); when the origin and snapshot are closed and
 * the origin active, the origin is reloaded as snapshot-merge at once
 * and the command polls the status until allocated == metadata, then
 * drops the snapshot and reloads the origin with its own table. Else
 * the merge starts when the origin is next activated (that activation
 * runs `lvconvert --merge --background` to finish it). The VG lock is
 * not held while polling; with --background a detached child polls. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lvm_int.h"
#include "snapshot.h"

/* --background: the caller returns at once and a detached child polls
 * and finishes the merge (LVM2's background polling). True in the
 * parent; the child, or a failed fork, polls in place. */
static bool detach(void)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid > 0)
		return true;
	if (pid == 0) {
		setsid();
		if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(1);
	}
	return false;
}

static void nap(void)
{
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

/* Waits for the merge seen through device `dev`; true when it finished. */
static bool wait_merge(struct lvm_ctx *ctx, const char *dev)
{
	struct lvm_snap_status st;

	for (;;) {
		int r = lvm_snap_status_of(ctx, dev, &st);
		if (r < 0 || st.invalid || st.merge_failed)
			return false;
		if (st.allocated == st.metadata)
			return true;
		nap();
	}
}

/* Drops the merged snapshot from the metadata and the origin's stack. */
static int finish(struct lvm_ctx *ctx, const char *vgname, const char *snap)
{
	struct vg *vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE);
	struct lv *cow = vg ? vg_find_lv(vg, snap) : NULL;
	struct lv_seg *seg = cow ? lv_cow_seg(cow) : NULL;

	if (!seg || !seg->merging)
		return 0; /* finished by someone else */
	struct lv *origin = seg->origin;
	lv_snapshot_detach(vg, seg);
	vg_remove_lv(vg, cow);
	if (lvm_vg_commit(ctx, vg) < 0 || lvm_snap_origin_refresh(ctx, origin) < 0)
		return -1;
	return 0;
}

static int merge_one(struct lvm_ctx *ctx, const char *arg)
{
	const char *vgname, *name;
	bool bg = lvm_has(ctx, ARG_background);

	if (lvm_split_lv_name(ctx, arg, &vgname, &name) < 0 || !name)
		return LVM_EINVALID;
	struct vg *vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE);
	if (!vg)
		return LVM_EFAILED;
	struct lv *cow = vg_find_lv(vg, name);
	if (!cow) {
		lvm_error("Failed to find logical volume \"%s/%s\"", vgname, name);
		return LVM_EFAILED;
	}
	struct lv_seg *seg = lv_cow_seg(cow);
	if (!seg) {
		lvm_error("Command on LV %s/%s uses options that require LV types snapshot.",
			  vgname, name);
		return LVM_EINVALID;
	}
	struct lv *origin = seg->origin;
	const char *oname = arena_strdup(&ctx->arena, origin->name);
	struct lv_seg *other = lv_merging_seg(origin);
	if (other && other != seg) {
		lvm_error("Cannot merge snapshot %s/%s into the origin %s/%s with merging snapshot "
			  "%s/%s.",
			  vgname, name, vgname, oname, vgname, other->cow->name);
		return LVM_EFAILED;
	}
	if (!(origin->status & LV_WRITE)) {
		lvm_error("Cannot merge snapshot %s/%s into the read-only origin %s/%s. (Use "
			  "lvchange -p rw).",
			  vgname, name, vgname, oname);
		return LVM_EFAILED;
	}
	bool origin_active = lvm_snap_dev_active(ctx, origin);
	bool started = false;
	if (!seg->merging) {
		struct lvm_snap_status st;
		if (lvm_snap_status(ctx, cow, &st) == 0 && st.invalid) {
			lvm_error("Unable to merge invalidated snapshot LV %s/%s.", vgname, name);
			return LVM_EFAILED;
		}
		bool defer = !origin_active;
		if (origin_active && lvm_snap_dev_open(ctx, origin)) {
			lvm_print("Delaying merge since origin is open.");
			defer = true;
		} else if (origin_active && lvm_snap_dev_open(ctx, cow)) {
			lvm_print("Delaying merge since snapshot is open.");
			defer = true;
		}
		lv_snapshot_set_merging(seg, true);
		if (lvm_vg_commit(ctx, vg) < 0)
			return LVM_EFAILED;
		if (defer) {
			lvm_print(
			    "Merging of snapshot %s/%s will occur on next activation of %s/%s.",
			    vgname, name, vgname, oname);
			return LVM_OK;
		}
		if (lvm_snap_merge_start(ctx, seg) < 0)
			return LVM_EFAILED;
		lvm_print("Merging of volume %s/%s started.", vgname, name);
		started = true;
	} else if (!origin_active || !lvm_snap_status_dev(ctx, cow)) {
		if (!bg)
			lvm_print(
			    "Merging of snapshot %s/%s will occur on next activation of %s/%s.",
			    vgname, name, vgname, oname);
		return LVM_OK;
	}
	const char *dev = arena_strdup(&ctx->arena, lvm_snap_status_dev(ctx, cow));
	/* Poll without the VG lock, as LVM2's polldaemon does. */
	lvm_vgs_release_all(ctx);
	lvm_locks_release(ctx);
	if (started && bg && detach())
		return LVM_OK;
	if (!wait_merge(ctx, dev)) {
		lvm_error("%s/%s: Merge failed.", vgname, oname);
		return LVM_EFAILED;
	}
	if (!bg)
		lvm_print("%s/%s: Merged: 100.00%%", vgname, oname);
	return finish(ctx, vgname, name) < 0 ? LVM_EFAILED : LVM_OK;
}

int lvm_lvconvert(struct lvm_ctx *ctx)
{
	int status = LVM_OK;

	if (!lvm_has(ctx, ARG_merge)) {
		lvm_error("Only --merge of a snapshot is supported by lvconvert.");
		return LVM_EINVALID;
	}
	if (ctx->argc < 1) {
		lvm_error("Please specify a logical volume path.");
		return LVM_EINVALID;
	}
	for (int i = 0; i < ctx->argc; i++) {
		int r = merge_one(ctx, ctx->argv[i]);
		if (r > status)
			status = r;
	}
	return status;
}
