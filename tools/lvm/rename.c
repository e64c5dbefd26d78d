/* lvrename VG OLD NEW | VG/OLD VG/NEW, vgrename OLD|UUID NEW. The
 * metadata is committed first; then each active LV's mapped device is
 * renamed in ulvmd (VG-LV, hyphens doubled), whose loop export moves the
 * $ULVM_DEV_DIR/VG/LV and mapper links along. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "activate/activate.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"
#include "snapshot.h"
#include "ulvm/client.h"
#include "ulvm/protocol.h"
#include "util/error.h"
#include "util/strbuf.h"

/* Renames the device of an active LV from old VG/LV names to its current
 * ones. 0 when inactive or renamed. */
static int rename_active(struct lvm_ctx *ctx, const struct lv *lv, const char *old_vg,
			 const char *old_lv)
{
	struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	struct ulvm_info info;
	int r = 0;

	struct ulvm_client *c = lvm_client(ctx, false);
	if (!c || lvm_has(ctx, ARG_test))
		return 0;
	dm_name_build(&from, old_vg, old_lv, NULL);
	dm_name_build(&to, lv->vg->name, lv->name, NULL);
	if (ulvm_info(c, ULVM_DEV_NAME(sb_str(&from)), &info) == 0 &&
	    (r = ulvm_rename(c, ULVM_DEV_NAME(sb_str(&from)), sb_str(&to), NULL)) < 0)
		lvm_error("Failed to rename active device %s to %s: %s", sb_str(&from), sb_str(&to),
			  err_msg());
	sb_release(&from);
	sb_release(&to);
	return r;
}

/* The layered devices of an active snapshot set (-real, -cow) are named
 * after their LVs too; until they are renamed with them, such a set is
 * renamed inactive only. True (printed) when `lv` is such a case. */
static bool active_snapshot_set(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct lvm_lv_state st;
	if (!lvm_snap_involved(lv) || lvm_lv_state(ctx, lv, &st) < 0 || !st.active)
		return false;
	lvm_error("Cannot rename %s/%s while it is active with snapshots: deactivate it first.",
		  lv->vg->name, lv->name);
	return true;
}

/* Operands of lvrename into vg, old and new names (LVM2's messages). */
static int lvrename_args(struct lvm_ctx *ctx, const char **vg, const char **old, const char **new)
{
	const char *vg2 = NULL;

	if (ctx->argc == 3) {
		*vg = ctx->argv[0];
		*old = ctx->argv[1];
		*new = ctx->argv[2];
		if (strchr(*old, '/') && lvm_split_lv_name(ctx, *old, &vg2, old) < 0)
			return -EINVAL;
	} else if (ctx->argc == 2) {
		if (lvm_split_lv_name(ctx, ctx->argv[0], vg, old) < 0)
			return -EINVAL;
		if (!*old) {
			lvm_error("Old and new logical volume names required");
			return -EINVAL;
		}
		*new = ctx->argv[1];
	} else {
		lvm_error("Old and new logical volume names required");
		return -EINVAL;
	}
	if (vg2 && strcmp(vg2, *vg)) {
		lvm_error("Logical volume names must have the same volume group (\"%s\" or \"%s\")",
			  *vg, vg2);
		lvm_error("Run `lvrename --help' for more information.");
		return -EINVAL;
	}
	if (strchr(*new, '/')) {
		const char *nvg, *nlv;
		if (lvm_split_lv_name(ctx, *new, &nvg, &nlv) < 0 || !nlv)
			return -EINVAL;
		if (strcmp(nvg, *vg)) {
			lvm_error("Logical volume names must have the same volume group (\"%s\" "
				  "or \"%s\")",
				  *vg, nvg);
			lvm_error("Run `lvrename --help' for more information.");
			return -EINVAL;
		}
		*new = nlv;
	}
	if (lvm_check_vg_name(*vg) < 0 || lvm_check_lv_name(*new) < 0)
		return -EINVAL;
	if (!strcmp(*old, *new)) {
		lvm_error("Old and new logical volume names must differ");
		lvm_error("Run `lvrename --help' for more information.");
		return -EINVAL;
	}
	return 0;
}

int lvm_lvrename(struct lvm_ctx *ctx)
{
	const char *vgname, *old, *new;

	if (lvrename_args(ctx, &vgname, &old, &new) < 0)
		return LVM_EINVALID;
	struct vg *vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE);
	if (!vg)
		return LVM_EFAILED;
	struct lv *lv = vg_find_lv(vg, old);
	if (!lv) {
		lvm_error("Existing logical volume \"%s\" not found in volume group \"%s\"", old,
			  vgname);
		return LVM_EFAILED;
	}
	if (vg_find_lv(vg, new)) {
		lvm_error("Logical Volume \"%s\" already exists in volume group \"%s\"", new,
			  vgname);
		return LVM_EFAILED;
	}
	if (active_snapshot_set(ctx, lv))
		return LVM_EFAILED;
	lv->name = arena_strdup(&vg->arena, new);
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	if (rename_active(ctx, lv, vgname, old) < 0)
		return LVM_EFAILED;
	lvm_print("Renamed \"%s\" to \"%s\" in volume group \"%s\"", old, new, vgname);
	return LVM_OK;
}

/* The name of the VG whose uuid is `arg` (with or without dashes), or
 * NULL. */
static const char *vg_by_uuid(struct lvm_ctx *ctx, const char *arg)
{
	char id[33];
	unsigned n = 0;
	const char **names;

	for (const char *s = arg; *s && n < 32; s++)
		if (*s != '-')
			id[n++] = *s;
	id[n] = '\0';
	if (n != 32 || strlen(arg) > 38)
		return NULL;
	unsigned count = lvm_vg_names(ctx, &names);
	for (unsigned i = 0; i < count; i++) {
		struct vg *vg = lvm_vg_read(ctx, names[i], LVM_READ_QUIET);
		bool hit = vg && !strcmp(vg->id, id);
		if (vg)
			lvm_vg_release(ctx, vg);
		if (hit)
			return names[i];
	}
	return NULL;
}

int lvm_vgrename(struct lvm_ctx *ctx)
{
	if (ctx->argc != 2) {
		lvm_error("Old and new volume group names need specifying");
		return LVM_EINVALID;
	}
	const char *old = ctx->argv[0], *new = ctx->argv[1];
	const char *o = strncmp(old, "/dev/", 5) ? old : old + 5;
	if (lvm_check_vg_name(new) < 0)
		return LVM_EINVALID;
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	const char **names;
	unsigned count = lvm_vg_names(ctx, &names);
	bool known = false;
	for (unsigned i = 0; i < count; i++)
		known |= !strcmp(names[i], o);
	if (!known) {
		const char *byid = vg_by_uuid(ctx, o);
		if (byid)
			o = byid;
	}
	if (!strcmp(o, new)) {
		lvm_error("Old and new volume group names must differ");
		return LVM_EFAILED;
	}
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(names[i], new)) {
			lvm_error("New VG name \"%s\" already exists", new);
			return LVM_EFAILED;
		}
	if (lvm_lock_vg(ctx, new, true) < 0)
		return LVM_EFAILED;
	struct vg *vg = lvm_vg_read(ctx, o, LVM_READ_WRITE);
	if (!vg) {
		lvm_error("Cannot process volume group %s", o);
		return LVM_EFAILED;
	}
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		if (active_snapshot_set(ctx, lv))
			return LVM_EFAILED;
	const char *old_name = vg->name;
	vg->name = arena_strdup(&vg->arena, new);
	if (lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	if (!lvm_has(ctx, ARG_test)) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), old_name);
		unlink(path);
	}
	int rc = LVM_OK;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		if (rename_active(ctx, lv, old_name, lv->name) < 0)
			rc = LVM_EFAILED;
	lvm_print("Volume group \"%s\" successfully renamed to \"%s\"", old_name, new);
	return rc;
}
