/* vgextend VG PV...: adds orphan PVs (formatting plain devices first). */
#include <stdio.h>

#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "util/error.h"

int lvm_vgextend(struct lvm_ctx *ctx)
{
	if (ctx->argc < 2) {
		lvm_error(ctx->argc ? "Please enter physical volume(s)"
				    : "Please enter volume group name and physical volume(s)");
		return LVM_EINVALID;
	}
	const char *name = ctx->argv[0];
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	struct vg *vg = lvm_vg_read(ctx, name, LVM_READ_WRITE);
	if (!vg)
		return LVM_EFAILED;
	if (lvm_prepare_pvs(ctx, name, ctx->argv + 1, ctx->argc - 1) < 0)
		return LVM_EFAILED;
	const char **paths = lvm_pv_paths(ctx, ctx->argv + 1, ctx->argc - 1);
	for (int i = 0; i < ctx->argc - 1; i++)
		if (vg_extend(vg, paths[i]) < 0) {
			lvm_error("%s", err_msg());
			lvm_error("Unable to add physical volume '%s' to volume group '%s'",
				  ctx->argv[i + 1], name);
			return LVM_EFAILED;
		}
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	lvm_print("Volume group \"%s\" successfully extended", name);
	return LVM_OK;
}
