/* lvchange -a y|n and -p r|rw on LVs (VG/LV or all LVs of a VG). */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"

/* Activates or deactivates one LV (vgchange shares it). */
int lvm_lv_set_active(struct lvm_ctx *ctx, const struct lv *lv, bool on)
{
	if (!(lv->status & LV_VISIBLE))
		return 0;
	return on ? lvm_lv_activate(ctx, lv) : lvm_lv_deactivate(ctx, lv);
}

static int change_lv(struct lvm_ctx *ctx, struct vg *vg, struct lv *lv, bool *dirty)
{
	if (lvm_has(ctx, ARG_permission)) {
		bool rw = lvm_num(ctx, ARG_permission, 1);
		if (rw == !!(lv->status & LV_WRITE)) {
			lvm_error("Logical volume %s/%s is already %s.", vg->name, lv->name,
				  rw ? "writable" : "read only");
			return LVM_EFAILED;
		}
		if (rw)
			lv->status |= LV_WRITE;
		else
			lv->status &= ~(uint64_t)LV_WRITE;
		*dirty = true;
		lvm_print("Logical volume %s/%s changed.", vg->name, lv->name);
	}
	return LVM_OK;
}

static int reload_active(struct lvm_ctx *ctx, struct vg *vg, const char *lvname)
{
	for (struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if ((lvname && strcmp(lv->name, lvname)) || lvm_lv_state(ctx, lv, &st) < 0)
			continue;
		if (st.active && lvm_lv_activate(ctx, lv) < 0)
			return LVM_EFAILED;
	}
	return LVM_OK;
}

static int change_in_vg(struct lvm_ctx *ctx, const char *vgname, const char *lvname)
{
	struct vg *vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE);
	int status = LVM_OK;
	bool dirty = false, found = false;

	if (!vg)
		return LVM_EFAILED;
	for (struct lv *lv = vg->lvs; lv; lv = lv->next) {
		if ((lvname && strcmp(lv->name, lvname)) || !(lv->status & LV_VISIBLE))
			continue;
		found = true;
		int r = change_lv(ctx, vg, lv, &dirty);
		if (r > status)
			status = r;
	}
	if (!found && lvname) {
		lvm_error("Failed to find logical volume \"%s/%s\"", vgname, lvname);
		return LVM_EFAILED;
	}
	if (dirty && (lvm_vg_commit(ctx, vg) < 0 || reload_active(ctx, vg, lvname)))
		return LVM_EFAILED;
	if (lvm_has(ctx, ARG_activate))
		for (struct lv *lv = vg->lvs; lv; lv = lv->next)
			if ((!lvname || !strcmp(lv->name, lvname)) &&
			    lvm_lv_set_active(ctx, lv, lvm_num(ctx, ARG_activate, 1)) < 0)
				status = LVM_EFAILED;
	lvm_vg_release(ctx, vg);
	return status;
}

int lvm_lvchange(struct lvm_ctx *ctx)
{
	int status = LVM_OK;

	if (!lvm_has(ctx, ARG_activate) && !lvm_has(ctx, ARG_permission)) {
		lvm_error("No command with matching syntax recognised.  Run 'lvchange --help' for "
			  "more information.");
		return LVM_EINVALID;
	}
	if (ctx->argc < 1) {
		lvm_error("Please give logical volume path(s)");
		return LVM_EINVALID;
	}
	for (int i = 0; i < ctx->argc; i++) {
		const char *vg, *lv;
		if (lvm_split_lv_name(ctx, ctx->argv[i], &vg, &lv) < 0)
			return LVM_EINVALID;
		int r = change_in_vg(ctx, vg, lv);
		if (r > status)
			status = r;
	}
	return status;
}
