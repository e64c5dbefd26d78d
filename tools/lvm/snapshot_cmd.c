/* The snapshot commands: lvcreate -s, lvremove of snapshots and origins,
 * lvconvert --merge (LVM2's messages and exit statuses). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lvm_int.h"
#include "metadata/alloc.h"
#include "snapshot.h"
#include "util/error.h"

/* Origin and snapshot names: `lvcreate -s [-n SNAP] VG/ORIGIN`. */
static int snap_names(struct lvm_ctx *ctx, const char **vg, const char **origin, const char **name)
{
	if (ctx->argc < 1) {
		lvm_error("Please specify a logical volume to act as the snapshot origin.");
		return -EINVAL;
	}
	if (lvm_split_lv_name(ctx, ctx->argv[0], vg, origin) < 0)
		return -EINVAL;
	if (!*origin) {
		lvm_error("Please specify a logical volume to act as the snapshot origin.");
		return -EINVAL;
	}
	*name = NULL;
	if (lvm_has(ctx, ARG_name)) {
		const char *n = lvm_str(ctx, ARG_name, ""), *nvg, *nlv;
		if (strchr(n, '/')) {
			if (lvm_split_lv_name(ctx, n, &nvg, &nlv) < 0)
				return -EINVAL;
			if (strcmp(nvg, *vg)) {
				lvm_error(
				    "Inconsistent volume group names given: \"%s\" and \"%s\"", nvg,
				    *vg);
				return -EINVAL;
			}
			n = nlv;
		}
		if (lvm_check_lv_name(n) < 0)
			return -EINVAL;
		*name = n;
	}
	return 0;
}

static uint32_t chunk_size(struct lvm_ctx *ctx)
{
	uint64_t c = lvm_num(ctx, ARG_chunksize, SNAPSHOT_CHUNK_DEFAULT);

	if (ctx->args[ARG_chunksize].sign == '-' || c < SNAPSHOT_CHUNK_MIN ||
	    c > SNAPSHOT_CHUNK_MAX || (c & (c - 1))) {
		lvm_error("Chunk size must be a power of 2 in the range 4K to 512K.");
		return 0;
	}
	return (uint32_t)c;
}

/* The PVs named after the origin (`lvcreate -s ... VG/LV PV[:PE-PE]...`),
 * where the store is allocated as LVM2 does. */
struct store_pvs {
	struct alloc_pv pv[64];
	unsigned n;
};

static int parse_store_pvs(struct lvm_ctx *ctx, struct vg *vg, struct store_pvs *p)
{
	for (int i = 1; i < ctx->argc; i++) {
		if (p->n == sizeof(p->pv) / sizeof(p->pv[0]) ||
		    alloc_pv_parse(vg, ctx->argv[i], &p->pv[p->n]) < 0) {
			lvm_error("%s", err_msg());
			return -EINVAL;
		}
		p->n++;
	}
	return 0;
}

/* The store's extents from -L/-l, capped at what the origin can use. */
static int store_extents(struct lvm_ctx *ctx, const struct vg *vg, const struct lv *origin,
			 const struct store_pvs *pvs, uint32_t chunk, uint32_t *out)
{
	const struct lvm_arg_value *l = &ctx->args[ARG_extents];
	uint64_t es = vg->extent_size, n;
	char a[32], b[32];

	if (lvm_has(ctx, ARG_size)) {
		uint64_t s = lvm_num(ctx, ARG_size, 0);
		n = (s + es - 1) / es;
		if (n * es != s)
			lvm_print("Rounding up size to full physical extent %s",
				  lvm_size_str(n * es, 'h', true, true, a, sizeof(a)));
	} else if (l->percent == PERCENT_ORIGIN) {
		n = ((uint64_t)origin->le_count * l->num + 99) / 100;
	} else if (l->percent == PERCENT_FREE) {
		n = (uint64_t)vg_free_extents(vg) * l->num / 100;
	} else if (l->percent == PERCENT_PVS) {
		n = (uint64_t)alloc_pvs_free(vg, pvs->pv, pvs->n) * l->num / 100;
	} else if (l->percent == PERCENT_VG) {
		uint64_t all = 0;
		for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
			all += pv->pe_count;
		n = all * l->num / 100;
	} else
		n = l->num;
	uint64_t max = snapshot_cow_max_sectors((uint64_t)origin->le_count * es, chunk);
	uint64_t max_ext = (max + es - 1) / es;
	if (n > max_ext) {
		lvm_print("Reducing COW size %s down to maximum usable size %s.",
			  lvm_size_str(n * es, 'h', true, true, a, sizeof(a)),
			  lvm_size_str(max_ext * es, 'h', true, true, b, sizeof(b)));
		n = max_ext;
	}
	if (!n || n > UINT32_MAX) {
		lvm_error("Invalid size: %llu extents.", (unsigned long long)n);
		return -EINVAL;
	}
	if (n * es < 3ull * chunk) {
		lvm_error("Snapshot volume cannot be smaller than 3 chunks (%llu extents, %s).",
			  (unsigned long long)((3ull * chunk + es - 1) / es),
			  lvm_size_str(3ull * chunk, 'h', true, true, a, sizeof(a)));
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

static const char *next_lvol(struct lvm_ctx *ctx, const struct vg *vg)
{
	for (unsigned i = 0;; i++) {
		const char *n = arena_printf(&ctx->arena, "lvol%u", i);
		if (!vg_find_lv(vg, n))
			return n;
	}
}

static int check_origin(const struct lv *o)
{
	/* LVM2's validate_snapshot_origin, in its order. */
	const char *err = lv_cow_seg(o)					   ? "snapshots"
			  : lv_is_snapshot(o) || !(o->status & LV_VISIBLE) ? "hidden volumes"
			  : lv_merging_seg(o) ? "an origin that has a merging snapshot"
					      : NULL;
	if (err) {
		lvm_error("Snapshots of %s are not supported.", err);
		return -EINVAL;
	}
	return 0;
}

int lvm_lvcreate_snapshot(struct lvm_ctx *ctx)
{
	const char *vgname, *oname, *name;
	uint32_t chunk, extents;
	struct store_pvs pvs = {.n = 0};

	if (snap_names(ctx, &vgname, &oname, &name) < 0 || !(chunk = chunk_size(ctx)))
		return LVM_EINVALID;
	if (lvm_has(ctx, ARG_size) == lvm_has(ctx, ARG_extents)) {
		lvm_error("Please specify either size or extents but not both.");
		return LVM_EINVALID;
	}
	struct vg *vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE);
	if (!vg)
		return LVM_EFAILED;
	struct lv *origin = vg_find_lv(vg, oname);
	if (!origin) {
		lvm_error("Couldn't find origin volume '%s'.", oname);
		return LVM_EFAILED;
	}
	if (check_origin(origin) < 0 || parse_store_pvs(ctx, vg, &pvs) < 0)
		return LVM_EFAILED;
	if (!name)
		name = next_lvol(ctx, vg);
	if (store_extents(ctx, vg, origin, &pvs, chunk, &extents) < 0)
		return LVM_EINVALID;
	if (vg_find_lv(vg, name)) {
		lvm_error("Logical Volume \"%s\" already exists in volume group \"%s\"", name,
			  vg->name);
		return LVM_EFAILED;
	}
	if (vg_free_extents(vg) < extents) {
		lvm_error("Volume group \"%s\" has insufficient free space (%u extents): %u "
			  "required.",
			  vg->name, vg_free_extents(vg), extents);
		return LVM_EFAILED;
	}
	struct lv *cow = vg_new_lv(vg, name);
	struct alloc_request req = {.extents = extents,
				    .stripes = 1,
				    .policy = ALLOC_NORMAL,
				    .pvs = pvs.n ? pvs.pv : NULL,
				    .n_pvs = pvs.n};
	if (!cow || lv_extend(cow, &req) < 0) {
		lvm_error("%s", err_msg());
		return LVM_EFAILED;
	}
	if (lvm_has(ctx, ARG_permission) && !lvm_num(ctx, ARG_permission, 1))
		cow->status &= ~(uint64_t)LV_WRITE;
	struct lv_seg *seg = lv_snapshot_attach(vg, origin, cow, chunk);
	if (!seg) {
		lvm_error("%s", err_msg());
		return LVM_EFAILED;
	}
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	if (lvm_snap_start(ctx, seg) < 0) {
		lv_snapshot_detach(vg, seg);
		vg_remove_lv(vg, cow);
		if (lvm_vg_commit(ctx, vg) == 0)
			lvm_error("Aborting. Failed to activate snapshot exception store.");
		return LVM_EFAILED;
	}
	lvm_print("Logical volume \"%s\" created.", cow->name);
	return LVM_OK;
}

/* Removes one snapshot (its COW LV `cow`) from `vg` and its devices;
 * `with_origin`: as part of its origin's removal, which asked already. */
static int remove_snapshot(struct lvm_ctx *ctx, struct vg *vg, struct lv *cow, bool with_origin)
{
	struct lv_seg *seg = lv_cow_seg(cow);
	struct lv *origin = seg->origin;
	bool active = lvm_snap_dev_active(ctx, cow);

	if (seg->merging) {
		lvm_error("Can't remove merging snapshot logical volume \"%s\".", cow->name);
		return -1;
	}
	if (active && lvm_snap_dev_open(ctx, cow)) {
		lvm_error("Logical volume %s/%s in use.", vg->name, cow->name);
		return -1;
	}
	if (active && !with_origin && !lvm_has(ctx, ARG_force) &&
	    !lvm_yes(ctx, "Do you really want to remove active logical volume %s/%s?", vg->name,
		     cow->name)) {
		lvm_error("Logical volume %s/%s not removed.", vg->name, cow->name);
		return -1;
	}
	if (lvm_snap_deactivate(ctx, cow) < 0)
		return -1;
	lv_snapshot_detach(vg, seg);
	vg_remove_lv(vg, cow);
	if (!lv_is_origin(origin) && lvm_snap_origin_refresh(ctx, origin) < 0)
		return -1;
	if (with_origin)
		lvm_print("Logical volume \"%s\" successfully removed.", cow->name);
	return 0;
}

int lvm_snap_remove(struct lvm_ctx *ctx, struct vg *vg, struct lv *lv)
{
	struct lv_seg *segs[256];

	if (lv_cow_seg(lv))
		return remove_snapshot(ctx, vg, lv, false);
	unsigned n = lv_origin_snapshots(lv, segs, 256);
	bool active = lvm_snap_dev_active(ctx, lv);
	if (active && lvm_snap_dev_open(ctx, lv)) {
		lvm_error("Logical volume %s/%s in use.", vg->name, lv->name);
		return -1;
	}
	/* As LVM2: one question for an active origin and its snapshots, none
	 * for an inactive one. */
	if (active && !lvm_has(ctx, ARG_force) &&
	    !lvm_yes(ctx,
		     "Do you really want to remove active origin logical volume %s/%s with %u "
		     "snapshots(s)?",
		     vg->name, lv->name, n)) {
		lvm_error("Logical volume %s/%s not removed.", vg->name, lv->name);
		return -1;
	}
	for (unsigned i = 0; i < n && i < 256; i++)
		if (remove_snapshot(ctx, vg, segs[i]->cow, true) < 0)
			return -1;
	if (lvm_lv_deactivate(ctx, lv) < 0)
		return -1;
	vg_remove_lv(vg, lv);
	return 0;
}
