/* vgcreate VG PV...: a new VG on orphan PVs (devices that are not PVs yet
 * are formatted first, as LVM2 does), committed to every PV. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "util/error.h"

/* Makes sure each device is an orphan PV, formatting plain devices. The
 * message is LVM2's for a device already in a VG. */
int lvm_prepare_pvs(struct lvm_ctx *ctx, const char *vgname, char **devs, int n)
{
	bool formatted = false;
	for (int i = 0; i < n; i++) {
		struct lvm_dev *d = lvm_dev_find(ctx, devs[i]);
		if (d && d->vgname) {
			lvm_error("Physical volume '%s' is already in volume group '%s'", devs[i],
				  d->vgname);
			lvm_error("Unable to add physical volume '%s' to volume group '%s'",
				  devs[i], vgname);
			return -EEXIST;
		}
		if (d && d->is_pv)
			continue;
		if (lvm_pv_create(ctx, devs[i], NULL) < 0)
			return -EINVAL;
		formatted = true;
	}
	if (formatted)
		lvm_rescan(ctx);
	return 0;
}

/* Resolves the PV operands to the paths the scan knows them by. */
const char **lvm_pv_paths(struct lvm_ctx *ctx, char **devs, int n)
{
	const char **p = arena_alloc(&ctx->arena, (size_t)(n + 1) * sizeof(*p));
	for (int i = 0; i < n; i++) {
		struct lvm_dev *d = lvm_dev_find(ctx, devs[i]);
		p[i] = d ? d->path : devs[i];
	}
	return p;
}

uint32_t lvm_extent_size(struct lvm_ctx *ctx)
{
	uint64_t s = lvm_num(ctx, ARG_physicalextentsize, 8192);
	if (ctx->args[ARG_physicalextentsize].sign == '-' || s < 8 || (s & (s - 1)) ||
	    s > UINT32_MAX) {
		lvm_error("Physical extent size must be a power of 2 of at least 4.00 KiB.");
		return 0;
	}
	return (uint32_t)s;
}

int lvm_vgcreate(struct lvm_ctx *ctx)
{
	if (ctx->argc < 2) {
		lvm_error(ctx->argc ? "Please enter physical volume name(s)"
				    : "Please provide volume group name and physical volumes");
		return LVM_EINVALID;
	}
	const char *name = ctx->argv[0];
	uint32_t es = lvm_extent_size(ctx);
	if (lvm_check_vg_name(name) < 0 || !es) {
		if (es)
			lvm_error("New volume group name \"%s\" is invalid.", name);
		return LVM_EINVALID;
	}
	if (lvm_lock_global(ctx, true) < 0 || lvm_lock_vg(ctx, name, true) < 0)
		return LVM_EFAILED;
	const char **names;
	unsigned nv = lvm_vg_names(ctx, &names);
	for (unsigned i = 0; i < nv; i++)
		if (!strcmp(names[i], name)) {
			lvm_error("A volume group called %s already exists.", name);
			return LVM_EFAILED;
		}
	if (lvm_prepare_pvs(ctx, name, ctx->argv + 1, ctx->argc - 1) < 0)
		return LVM_EFAILED;
	const char **paths = lvm_pv_paths(ctx, ctx->argv + 1, ctx->argc - 1);
	struct vg *vg = vg_create(name, es, paths, (unsigned)ctx->argc - 1);
	if (!vg) {
		lvm_error("%s", err_msg());
		return LVM_EFAILED;
	}
	if (lvm_has(ctx, ARG_alloc))
		vg->alloc = (enum alloc_policy)lvm_num(ctx, ARG_alloc, ALLOC_NORMAL);
	int r = lvm_vg_commit(ctx, vg);
	vg_close(vg);
	if (r < 0)
		return LVM_EFAILED;
	lvm_print("Volume group \"%s\" successfully created", name);
	return LVM_OK;
}
