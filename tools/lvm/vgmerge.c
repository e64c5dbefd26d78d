/* vgmerge DEST SOURCE: the source VG's PVs and LVs join DEST, whose
 * metadata is then written to all of them (the source VG is gone once its
 * PVs carry DEST's metadata). As LVM2: the source's LVs must be inactive,
 * the extent sizes equal and the LV names distinct. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lvm.h"
#include "lvm_int.h"
#include "resize.h"

void vg_move_pv(struct vg *from, struct vg *to, struct pv *pv)
{
	struct pv **p;
	for (p = &from->pvs; *p; p = &(*p)->next)
		if (*p == pv) {
			*p = pv->next;
			break;
		}
	pv->next = NULL;
	for (p = &to->pvs; *p; p = &(*p)->next)
		;
	*p = pv;
}

void vg_move_lv(struct vg *from, struct vg *to, struct lv *lv)
{
	struct lv **p;
	for (p = &from->lvs; *p; p = &(*p)->next)
		if (*p == lv) {
			*p = lv->next;
			break;
		}
	lv->next = NULL;
	lv->vg = to;
	for (p = &to->lvs; *p; p = &(*p)->next)
		;
	*p = lv;
}

bool vg_has_active_lv(struct lvm_ctx *ctx, const struct vg *vg, const struct lv *only,
		      const char *fmt)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if ((only && lv != only) || lvm_lv_state(ctx, lv, &st) < 0 || !st.active)
			continue;
		char name[300];
		snprintf(name, sizeof(name), "%s/%s", vg->name, lv->name);
		lvm_error(fmt, name);
		return true;
	}
	return false;
}

static unsigned count_lvs(const struct vg *vg)
{
	unsigned n = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		n++;
	return n;
}

static int check(struct lvm_ctx *ctx, const struct vg *to, const struct vg *from)
{
	if (to->extent_size != from->extent_size) {
		lvm_error("Extent sizes differ: %u (%s) and %u (%s)", to->extent_size, to->name,
			  from->extent_size, from->name);
		return -EINVAL;
	}
	if (to->max_lv && count_lvs(to) + count_lvs(from) > to->max_lv) {
		lvm_error("Maximum number of logical volumes (%u) exceeded for \"%s\" and \"%s\"",
			  to->max_lv, to->name, from->name);
		return -EINVAL;
	}
	for (const struct lv *lv = from->lvs; lv; lv = lv->next)
		if (vg_find_lv(to, lv->name)) {
			lvm_error("Duplicate logical volume name \"%s\" in \"%s\" and \"%s\"",
				  lv->name, to->name, from->name);
			return -EEXIST;
		}
	if (vg_has_active_lv(ctx, from, NULL, "Logical volume %s must be inactive."))
		return -EBUSY;
	return 0;
}

int lvm_vgmerge(struct lvm_ctx *ctx)
{
	if (ctx->argc != 2) {
		lvm_error("No command with matching syntax recognised.  Run 'vgmerge --help' for "
			  "more information.");
		lvm_error("Correct command syntax is:");
		lvm_error("vgmerge VG VG");
		return LVM_EINVALID;
	}
	const char *to_name = ctx->argv[0], *from_name = ctx->argv[1];
	if (!strcmp(to_name, from_name)) {
		lvm_error("Duplicate volume group name \"%s\"", to_name);
		return LVM_EFAILED;
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	/* The source first: VGs are released newest first, and DEST ends up
	 * pointing into the source's arena. */
	struct vg *from = lvm_vg_read(ctx, from_name, LVM_READ_WRITE);
	if (!from)
		return LVM_EFAILED;
	struct vg *to = lvm_vg_read(ctx, to_name, LVM_READ_WRITE);
	if (!to)
		return LVM_EFAILED;
	if (check(ctx, to, from) < 0)
		return LVM_EFAILED;
	while (from->pvs)
		vg_move_pv(from, to, from->pvs);
	while (from->lvs)
		vg_move_lv(from, to, from->lvs);
	int r = lvm_vg_commit(ctx, to);
	lvm_vg_release(ctx, to);
	if (r < 0)
		return LVM_EFAILED;
	if (!lvm_has(ctx, ARG_test)) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), from_name);
		unlink(path);
	}
	lvm_print("Volume group \"%s\" successfully merged into \"%s\"", from_name, to_name);
	return LVM_OK;
}
