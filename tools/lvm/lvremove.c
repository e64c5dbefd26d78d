/* lvremove VG/LV... or VG (all its LVs): deactivates each (refusing an
 * open one), drops it from the metadata and commits once per VG. An
 * active LV is removed only after confirmation (or -f / -y). */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "snapshot.h"

/* Removes one LV from `vg` in memory after deactivating it. */
int lvm_lv_remove(struct lvm_ctx *ctx, struct vg *vg, struct lv *lv)
{
	struct lvm_lv_state st;

	if (lvm_snap_involved(lv))
		return lvm_snap_remove(ctx, vg, lv);
	if (lvm_lv_state(ctx, lv, &st) < 0)
		return -1;
	if (st.active && st.open_count) {
		lvm_error("Logical volume %s/%s in use.", vg->name, lv->name);
		return -1;
	}
	if (st.active && !lvm_has(ctx, ARG_force) &&
	    !lvm_yes(ctx, "Do you really want to remove active logical volume %s/%s?", vg->name,
		     lv->name)) {
		lvm_error("Logical volume %s/%s not removed.", vg->name, lv->name);
		return -1;
	}
	if (lvm_lv_deactivate(ctx, lv) < 0)
		return -1;
	vg_remove_lv(vg, lv);
	return 0;
}

/* The LVs of one operand, removed and committed. */
static int remove_in_vg(struct lvm_ctx *ctx, const char *vgname, const char *lvname)
{
	struct vg *vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE);
	const char *removed[4096];
	unsigned n = 0;
	int status = LVM_OK;

	if (!vg)
		return LVM_EFAILED;
	if (lvname && !vg_find_lv(vg, lvname)) {
		lvm_error("Failed to find logical volume \"%s/%s\"", vgname, lvname);
		return LVM_EFAILED;
	}
	for (struct lv *lv = vg->lvs, *next; lv; lv = next) {
		next = lv->next;
		if ((lvname && strcmp(lv->name, lvname)) || !(lv->status & LV_VISIBLE) ||
		    vg_find_lv(vg, lv->name) != lv) /* gone with its origin */
			continue;
		if (lvm_lv_remove(ctx, vg, lv) < 0)
			status = LVM_EFAILED;
		else if (n < 4096)
			removed[n++] = lv->name;
	}
	if (n && lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	for (unsigned i = 0; i < n; i++)
		lvm_print("Logical volume \"%s\" successfully removed.", removed[i]);
	lvm_vg_release(ctx, vg);
	return status;
}

int lvm_lvremove(struct lvm_ctx *ctx)
{
	int status = LVM_OK;

	if (ctx->argc < 1) {
		lvm_error("Please enter one or more logical volume paths.");
		return LVM_EINVALID;
	}
	for (int i = 0; i < ctx->argc; i++) {
		const char *vg, *lv;
		if (lvm_split_lv_name(ctx, ctx->argv[i], &vg, &lv) < 0)
			return LVM_EINVALID;
		int r = remove_in_vg(ctx, vg, lv);
		if (r > status)
			status = r;
	}
	return status;
}
