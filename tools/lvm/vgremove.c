/* vgremove VG...: removes the VG's LVs (after confirmation when there are
 * any, or with -f), then turns its PVs back into orphans by rewriting
 * their labels and empty metadata areas in the same geometry. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format_text/pv_io.h"
#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "ulvm/protocol.h"
#include "util/error.h"

/* Rewrites `pv` as an orphan with its uuid, pe_start and mda layout. */
int lvm_pv_orphan(struct lvm_ctx *ctx, struct pv *pv)
{
	struct pv_format_opts o = {
	    .uuid = pv->id,
	    .pe_start = pv->pe_start,
	    .mda_size = pv->label.n_mdas ? pv->label.mdas[0].size : 0,
	    .mda_copies = pv->label.n_mdas,
	    .set_mda_copies = true,
	};
	struct pv_label l;

	if (pv->fd < 0 || lvm_has(ctx, ARG_test))
		return 0;
	if (pv_format(pv->fd, pv->device, &o, &l) < 0) {
		lvm_error("Failed to remove physical volume \"%s\" from volume group: %s",
			  pv->device, err_msg());
		return -EIO;
	}
	return 0;
}

static int remove_one(struct lvm_ctx *ctx, const char *name)
{
	struct vg *vg = lvm_vg_read(ctx, name, LVM_READ_WRITE | LVM_READ_ALLOW_MISSING);
	unsigned nlv = 0;

	if (!vg)
		return LVM_EFAILED;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		nlv += !!(lv->status & LV_VISIBLE);
	if (nlv && !lvm_has(ctx, ARG_force) &&
	    !lvm_yes(ctx,
		     "Do you really want to remove volume group \"%s\" containing %u logical "
		     "volumes?",
		     name, nlv)) {
		lvm_error("Volume group \"%s\" not removed", name);
		return LVM_EFAILED;
	}
	for (struct lv *lv = vg->lvs, *next; lv; lv = next) {
		next = lv->next;
		const char *n = lv->name;
		if (lvm_lv_remove(ctx, vg, lv) < 0)
			return LVM_EFAILED;
		if (nlv)
			lvm_print("Logical volume \"%s\" successfully removed.", n);
	}
	/* Archive what is removed, then free the PVs. */
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (lvm_pv_orphan(ctx, pv) < 0)
			return LVM_EFAILED;
	char path[4200];
	snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), name);
	if (!lvm_has(ctx, ARG_test))
		unlink(path);
	lvm_print("Volume group \"%s\" successfully removed", name);
	lvm_vg_release(ctx, vg);
	return LVM_OK;
}

int lvm_vgremove(struct lvm_ctx *ctx)
{
	int status = LVM_OK;

	if (ctx->argc < 1) {
		lvm_error("Please enter one or more volume group paths.");
		return LVM_EINVALID;
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	for (int i = 0; i < ctx->argc; i++) {
		int r = remove_one(ctx, ctx->argv[i]);
		if (r > status)
			status = r;
	}
	return status;
}
