/* vgreduce VG PV... | --all | --removemissing: takes unused PVs out of a
 * VG (they become orphans). --removemissing drops PVs that are not found,
 * and with --force also the LVs that used them. */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"

static bool pv_used(const struct vg *vg, const struct pv *pv)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++)
				if (s->areas[a].type == AREA_PV && s->areas[a].pv == pv)
					return true;
	return false;
}

static void unlink_pv(struct vg *vg, struct pv *pv)
{
	for (struct pv **p = &vg->pvs; *p; p = &(*p)->next)
		if (*p == pv) {
			*p = pv->next;
			return;
		}
}

static int remove_missing(struct lvm_ctx *ctx, struct vg *vg)
{
	for (struct lv *lv = vg->lvs, *next; lv; lv = next) {
		next = lv->next;
		bool hit = false;
		for (const struct lv_seg *s = lv->segs; s && !hit; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++)
				hit |= s->areas[a].type == AREA_PV &&
				       (s->areas[a].pv->status & PV_MISSING);
		if (!hit)
			continue;
		if (!lvm_has(ctx, ARG_force)) {
			lvm_error("WARNING: Partial LV %s needs to be repaired or removed. ",
				  lv->name);
			lvm_error("There are still partial LVs in VG %s.", vg->name);
			lvm_error("To remove them unconditionally use: vgreduce --removemissing "
				  "--force.");
			return -1;
		}
		lvm_lv_deactivate(ctx, lv);
		vg_remove_lv(vg, lv);
	}
	for (struct pv *pv = vg->pvs, *next; pv; pv = next) {
		next = pv->next;
		if (pv->status & PV_MISSING)
			unlink_pv(vg, pv);
	}
	return 0;
}

int lvm_vgreduce(struct lvm_ctx *ctx)
{
	bool missing = lvm_has(ctx, ARG_removemissing), all = lvm_has(ctx, ARG_all);
	if (ctx->argc < 1 || (ctx->argc < 2 && !missing && !all)) {
		lvm_error("Please give volume group name and physical volume paths");
		return LVM_EINVALID;
	}
	const char *name = ctx->argv[0];
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	struct vg *vg = lvm_vg_read(ctx, name, LVM_READ_WRITE | LVM_READ_ALLOW_MISSING);
	if (!vg)
		return LVM_EFAILED;
	if (missing) {
		if (remove_missing(ctx, vg) < 0 || lvm_vg_commit(ctx, vg) < 0)
			return LVM_EFAILED;
		lvm_print("Wrote out consistent volume group %s.", name);
		return LVM_OK;
	}
	struct pv *removed[256];
	unsigned n = 0;
	for (struct pv *pv = vg->pvs, *next; pv; pv = next) {
		next = pv->next;
		bool named = all;
		for (int i = 1; i < ctx->argc && !named; i++) {
			struct lvm_dev *d = lvm_dev_find(ctx, ctx->argv[i]);
			named = d && !strcmp(d->label.pv_uuid, pv->id);
		}
		if (!named)
			continue;
		if (pv_used(vg, pv)) {
			if (!all) {
				lvm_error("Physical volume \"%s\" still in use", pv->device);
				return LVM_EFAILED;
			}
			continue;
		}
		if (n == 256)
			break;
		unlink_pv(vg, pv);
		removed[n++] = pv;
	}
	if (!vg->pvs) {
		lvm_error("Can't remove final physical volume from volume group \"%s\"", name);
		return LVM_EFAILED;
	}
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	for (unsigned i = 0; i < n; i++) {
		lvm_pv_orphan(ctx, removed[i]);
		lvm_print("Removed \"%s\" from volume group \"%s\"", removed[i]->device, name);
	}
	return LVM_OK;
}
