/* lvmdevices (list, --adddev, --deldev) and vgimportdevices (add the PVs
 * of VGs to the devices file). */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"

int lvm_lvmdevices(struct lvm_ctx *ctx)
{
	if (lvm_lock_global(ctx, lvm_has(ctx, ARG_adddev) || lvm_has(ctx, ARG_deldev)) < 0)
		return LVM_EFAILED;
	if (lvm_has(ctx, ARG_adddev)) {
		const char *p = lvm_str(ctx, ARG_adddev, "");
		struct lvm_dev *d = NULL;
		lvm_scan(ctx);
		for (unsigned i = 0; i < ctx->n_devs && !d; i++)
			if (!strcmp(ctx->devs[i].path, p))
				d = &ctx->devs[i];
		return lvm_devices_file_add(ctx, p, d && d->is_pv ? d->label.pv_uuid : NULL) < 0
			   ? LVM_EFAILED
			   : LVM_OK;
	}
	if (lvm_has(ctx, ARG_deldev)) {
		if (lvm_devices_file_del(ctx, lvm_str(ctx, ARG_deldev, "")) < 0) {
			lvm_error("Device not found in devices file.");
			return LVM_EFAILED;
		}
		return LVM_OK;
	}
	struct lvm_devfile_entry *e;
	unsigned n = lvm_devices_file_read(ctx, &e);
	for (unsigned i = 0; i < n; i++) {
		char id[UUID_DASHED_LEN + 1] = "none";
		if (e[i].pvid && strlen(e[i].pvid) == UUID_LEN)
			uuid_format(e[i].pvid, id);
		printf("  Device %s IDTYPE=%s IDNAME=%s DEVNAME=%s PVID=%s\n", e[i].devname,
		       e[i].idtype ? e[i].idtype : "devname", e[i].devname, e[i].devname,
		       e[i].pvid ? e[i].pvid : ".");
		(void)id;
	}
	return LVM_OK;
}

static int import_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (pv->device && pv->fd >= 0 && lvm_devices_file_add(ctx, pv->device, pv->id) < 0)
			return LVM_EFAILED;
	lvm_print("Added devices to devices file for VG %s.", vg->name);
	return LVM_OK;
}

int lvm_vgimportdevices(struct lvm_ctx *ctx)
{
	if (!ctx->argc && !lvm_has(ctx, ARG_all)) {
		lvm_error("No VG names or --all option.");
		return LVM_EINVALID;
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, LVM_READ_ALLOW_MISSING, import_vg, NULL);
}
