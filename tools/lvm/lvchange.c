/* lvchange -a y|n (--activationmode), -p r|rw and --addtag/--deltag on
 * LVs (VG/LV, all LVs of a VG, or "@tag": every LV with the tag). */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "tags.h"

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
	if (lvm_tag_args_given(ctx)) {
		lvm_tags_apply(ctx, &vg->arena, &lv->tags);
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

/* Whether `lv` is one the operand names: lvname, "@tag" or every LV. */
static bool selected(const struct lv *lv, const char *lvname, const char *tag)
{
	if (tag)
		return lvm_tags_has(lv->tags, tag);
	return !lvname || !strcmp(lv->name, lvname);
}

static int change_in_vg(struct lvm_ctx *ctx, const char *vgname, const char *lvname,
			const char *tag)
{
	bool edits = lvm_has(ctx, ARG_permission) || lvm_tag_args_given(ctx);
	unsigned flags = edits ? LVM_READ_WRITE : LVM_READ_ALLOW_MISSING;
	struct vg *vg = lvm_vg_read(ctx, vgname, flags | (tag ? LVM_READ_QUIET : 0));
	int status = LVM_OK;
	bool dirty = false, found = false;

	if (!vg)
		return tag ? LVM_OK : LVM_EFAILED;
	if (lvm_has(ctx, ARG_activate) && lvm_num(ctx, ARG_activate, 1) &&
	    (vg->status & VG_EXPORTED)) {
		lvm_error("Volume group %s is exported", vg->name);
		lvm_vg_release(ctx, vg);
		return LVM_EFAILED;
	}
	for (struct lv *lv = vg->lvs; lv; lv = lv->next) {
		if (!selected(lv, lvname, tag) || !(lv->status & LV_VISIBLE))
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
			if (selected(lv, lvname, tag) &&
			    lvm_lv_set_active(ctx, lv, lvm_num(ctx, ARG_activate, 1)) < 0)
				status = LVM_EFAILED;
	lvm_vg_release(ctx, vg);
	return status;
}

int lvm_lvchange(struct lvm_ctx *ctx)
{
	int status = LVM_OK;

	if (!lvm_has(ctx, ARG_activate) && !lvm_has(ctx, ARG_permission) &&
	    !lvm_tag_args_given(ctx)) {
		lvm_error("No command with matching syntax recognised.  Run 'lvchange --help' for "
			  "more information.");
		return LVM_EINVALID;
	}
	if (ctx->argc < 1) {
		lvm_error("Please give logical volume path(s)");
		return LVM_EINVALID;
	}
	if ((status = lvm_tag_args_check(ctx)) || (status = lvm_activation_mode_check(ctx)))
		return status;
	for (int i = 0; i < ctx->argc; i++) {
		const char *vg, *lv, *tag = lvm_tag_operand(ctx->argv[i]);
		if (tag) {
			const char **names;
			unsigned n = lvm_vg_names(ctx, &names);
			for (unsigned v = 0; v < n; v++) {
				int r = change_in_vg(ctx, names[v], NULL, tag);
				if (r > status)
					status = r;
			}
			continue;
		}
		if (lvm_split_lv_name(ctx, ctx->argv[i], &vg, &lv) < 0)
			return LVM_EINVALID;
		int r = change_in_vg(ctx, vg, lv, NULL);
		if (r > status)
			status = r;
	}
	return status;
}
