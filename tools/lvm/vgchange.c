/* vgchange -a y|n (every LV of the VGs, --activationmode), -x y|n
 * (resizeable), --alloc, -l/-p (LV and PV limits), --addtag/--deltag,
 * -u (a new VG uuid). */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"
#include "tags.h"
#include "util/error.h"

static unsigned count_lvs(const struct vg *vg)
{
	unsigned n = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		n += !!(lv->status & LV_VISIBLE);
	return n;
}

static unsigned count_pvs(const struct vg *vg)
{
	unsigned n = 0;
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		n++;
	return n;
}

static unsigned active_lvs(struct lvm_ctx *ctx, const struct vg *vg)
{
	unsigned n = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		n += (lv->status & LV_VISIBLE) && lvm_lv_state(ctx, lv, &st) == 0 && st.active;
	}
	return n;
}

/* The metadata changes; -1 when refused (printed), else whether any. */
static int edit(struct lvm_ctx *ctx, struct vg *vg)
{
	bool dirty = false;
	if (lvm_has(ctx, ARG_resizeable)) {
		if (lvm_num(ctx, ARG_resizeable, 1))
			vg->status |= VG_RESIZEABLE;
		else
			vg->status &= ~(uint64_t)VG_RESIZEABLE;
		dirty = true;
	}
	if (lvm_has(ctx, ARG_alloc)) {
		vg->alloc = (enum alloc_policy)lvm_num(ctx, ARG_alloc, ALLOC_NORMAL);
		dirty = true;
	}
	if (lvm_has(ctx, ARG_maxlogicalvolumes)) {
		uint64_t n = lvm_num(ctx, ARG_maxlogicalvolumes, 0);
		if (n && n < count_lvs(vg)) {
			lvm_error(
			    "MaxLogicalVolume is less than the current number %u of LVs for %s",
			    count_lvs(vg), vg->name);
			return -1;
		}
		vg->max_lv = (uint32_t)n;
		dirty = true;
	}
	if (lvm_has(ctx, ARG_maxphysicalvolumes)) {
		uint64_t n = lvm_num(ctx, ARG_maxphysicalvolumes, 0);
		if (n && n < count_pvs(vg)) {
			lvm_error(
			    "MaxPhysicalVolumes is less than the current number %u of PVs for "
			    "\"%s\"",
			    count_pvs(vg), vg->name);
			return -1;
		}
		vg->max_pv = (uint32_t)n;
		dirty = true;
	}
	if (lvm_has(ctx, ARG_newuuid)) {
		if (active_lvs(ctx, vg)) {
			lvm_error("Volume group has active logical volumes");
			return -1;
		}
		if (uuid_generate(vg->id) < 0) {
			lvm_error("%s", err_msg());
			return -1;
		}
		dirty = true;
	}
	if (lvm_tag_args_given(ctx)) {
		lvm_tags_apply(ctx, &vg->arena, &vg->tags);
		dirty = true;
	}
	return dirty;
}

static int activate(struct lvm_ctx *ctx, struct vg *vg)
{
	bool on = lvm_num(ctx, ARG_activate, 1);
	unsigned active = 0;
	int status = LVM_OK;

	if (on && (vg->status & VG_EXPORTED)) {
		lvm_error("Volume group %s is exported", vg->name);
		return LVM_EFAILED;
	}
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if (lvm_lv_set_active(ctx, lv, on) < 0)
			status = LVM_EFAILED;
		if ((lv->status & LV_VISIBLE) && lvm_lv_state(ctx, lv, &st) == 0 && st.active)
			active++;
	}
	lvm_print("%u logical volume(s) in volume group \"%s\" now active", active, vg->name);
	return status;
}

static int change(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	int dirty = edit(ctx, vg);
	if (dirty < 0)
		return LVM_EFAILED;
	if (dirty) {
		if (lvm_vg_commit(ctx, vg) < 0)
			return LVM_EFAILED;
		lvm_print("Volume group \"%s\" successfully changed", vg->name);
	}
	return lvm_has(ctx, ARG_activate) ? activate(ctx, vg) : LVM_OK;
}

/* True when the command line asks for a metadata change. */
static bool changes_metadata(const struct lvm_ctx *ctx)
{
	return lvm_has(ctx, ARG_resizeable) || lvm_has(ctx, ARG_alloc) ||
	       lvm_has(ctx, ARG_maxlogicalvolumes) || lvm_has(ctx, ARG_maxphysicalvolumes) ||
	       lvm_has(ctx, ARG_newuuid) || lvm_tag_args_given(ctx);
}

int lvm_activation_mode_check(struct lvm_ctx *ctx)
{
	const char *m = lvm_str(ctx, ARG_activationmode, NULL);
	if (m && strcmp(m, "complete") && strcmp(m, "degraded") && strcmp(m, "partial")) {
		lvm_error("Invalid activation mode given.");
		return LVM_EINVALID;
	}
	return LVM_OK;
}

int lvm_vgchange(struct lvm_ctx *ctx)
{
	int r;
	if (!lvm_has(ctx, ARG_activate) && !changes_metadata(ctx)) {
		lvm_error("No command with matching syntax recognised.  Run 'vgchange --help' for "
			  "more information.");
		return LVM_EINVALID;
	}
	if ((r = lvm_tag_args_check(ctx)) || (r = lvm_activation_mode_check(ctx)))
		return r;
	/* Activation alone works on a VG with missing PVs; changes do not. */
	unsigned flags = changes_metadata(ctx) ? LVM_READ_WRITE : LVM_READ_ALLOW_MISSING;
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, flags, change, NULL);
}
