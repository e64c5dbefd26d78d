/* vgexport / vgimport: mark a VG (and its PVs) EXPORTED so that this host
 * leaves it alone until it is imported again, as before moving its disks
 * to another machine. Commands changing an exported VG refuse it
 * ("Volume group vg is exported"); reports show 'x' in vg_attr/pv_attr. */
#include <stdio.h>

#include "lvm.h"
#include "lvm_int.h"

static unsigned active_lvs(struct lvm_ctx *ctx, const struct vg *vg)
{
	unsigned n = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		n += lvm_lv_state(ctx, lv, &st) == 0 && st.active;
	}
	return n;
}

static void set_exported(struct vg *vg, bool on)
{
	if (on)
		vg->status |= VG_EXPORTED;
	else
		vg->status &= ~(uint64_t)VG_EXPORTED;
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (on)
			pv->status |= PV_EXPORTED;
		else
			pv->status &= ~(uint64_t)PV_EXPORTED;
}

static int export_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	if (active_lvs(ctx, vg)) {
		lvm_error("Volume group \"%s\" has active logical volumes", vg->name);
		return LVM_EFAILED;
	}
	set_exported(vg, true);
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	lvm_print("Volume group \"%s\" successfully exported", vg->name);
	return LVM_OK;
}

static int import_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	if (!(vg->status & VG_EXPORTED)) {
		lvm_error("Volume group \"%s\" is not exported", vg->name);
		return LVM_EFAILED;
	}
	set_exported(vg, false);
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	lvm_print("Volume group \"%s\" successfully imported", vg->name);
	return LVM_OK;
}

static int run(struct lvm_ctx *ctx, unsigned flags, lvm_vg_fn fn)
{
	if (!ctx->argc && !lvm_has(ctx, ARG_all)) {
		lvm_error("Please supply volume groups or use -a for all.");
		return LVM_EINVALID;
	}
	if (ctx->argc && lvm_has(ctx, ARG_all)) {
		lvm_error("No arguments permitted when using -a for all.");
		return LVM_EINVALID;
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, LVM_READ_WRITE | flags, fn, NULL);
}

int lvm_vgexport(struct lvm_ctx *ctx)
{
	return run(ctx, 0, export_vg);
}

int lvm_vgimport(struct lvm_ctx *ctx)
{
	return run(ctx, LVM_READ_EXPORTED, import_vg);
}
