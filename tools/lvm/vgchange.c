/* vgchange -a y|n (every LV of the VGs), -x y|n (resizeable), --alloc. */
#include <stdio.h>

#include "lvm.h"
#include "lvm_int.h"

static int change(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
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
	if (dirty) {
		if (lvm_vg_commit(ctx, vg) < 0)
			return LVM_EFAILED;
		lvm_print("Volume group \"%s\" successfully changed", vg->name);
	}
	if (!lvm_has(ctx, ARG_activate))
		return LVM_OK;
	bool on = lvm_num(ctx, ARG_activate, 1);
	unsigned active = 0;
	int status = LVM_OK;
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

int lvm_vgchange(struct lvm_ctx *ctx)
{
	if (!lvm_has(ctx, ARG_activate) && !lvm_has(ctx, ARG_resizeable) &&
	    !lvm_has(ctx, ARG_alloc)) {
		lvm_error("No command with matching syntax recognised.  Run 'vgchange --help' for "
			  "more information.");
		return LVM_EINVALID;
	}
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, LVM_READ_WRITE, change, NULL);
}
