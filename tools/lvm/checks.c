/* Checking and small metadata edits: vgck (--updatemetadata rewrites
 * stale or damaged copies), pvchange -x, vgcfgbackup (pvck: pvck.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format_text/pv_io.h"
#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "tags.h"
#include "util/error.h"
#include "util/strbuf.h"

static int vgck_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	if (vg_validate(vg) < 0) {
		lvm_error("%s", err_msg());
		return LVM_EFAILED;
	}
	if (!vg->stale_mdas || !lvm_has(ctx, ARG_updatemetadata))
		return LVM_OK;
	return lvm_vg_commit(ctx, vg) < 0 ? LVM_EFAILED : LVM_OK;
}

int lvm_vgck(struct lvm_ctx *ctx)
{
	unsigned flags = lvm_has(ctx, ARG_updatemetadata) ? LVM_READ_WRITE : 0;
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, flags, vgck_vg, NULL);
}

/* The operands with each "@tag" replaced by the PVs carrying the tag
 * (read from their VGs); NULL-ended, in ctx->arena. */
static const char **pv_operands(struct lvm_ctx *ctx)
{
	unsigned cap = (unsigned)ctx->argc + 1, n = 0;
	const char **out = arena_alloc(&ctx->arena, cap * sizeof(*out));
	for (int i = 0; i < ctx->argc; i++) {
		const char *tag = lvm_tag_operand(ctx->argv[i]);
		if (!tag) {
			out[n++] = ctx->argv[i];
			continue;
		}
		const char **names;
		unsigned nv = lvm_vg_names(ctx, &names);
		for (unsigned v = 0; v < nv; v++) {
			struct vg *vg = lvm_vg_read(ctx, names[v], LVM_READ_QUIET);
			for (struct pv *pv = vg ? vg->pvs : NULL; pv; pv = pv->next) {
				if (!lvm_tags_has(pv->tags, tag) || pv->fd < 0)
					continue;
				const char **grown =
				    arena_alloc(&ctx->arena, (cap + 1) * sizeof(*out));
				memcpy(grown, out, n * sizeof(*out));
				out = grown;
				cap++;
				out[n++] = arena_strdup(&ctx->arena, pv->device);
			}
			if (vg)
				lvm_vg_release(ctx, vg);
		}
	}
	out[n] = NULL;
	return out;
}

static int pvchange_one(struct lvm_ctx *ctx, const char *path)
{
	struct lvm_dev *d = lvm_dev_find(ctx, path);
	if (!d || !d->is_pv) {
		lvm_error("Failed to find physical volume \"%s\".", path);
		return -1;
	}
	if (!d->vgname) {
		if (lvm_tag_args_given(ctx))
			lvm_error("Unable to add or remove tags of orphan PV %s.", path);
		else
			lvm_error("Unable to change allocatability of orphan PV %s.", path);
		return -1;
	}
	struct vg *vg = lvm_vg_read(ctx, d->vgname, LVM_READ_WRITE);
	struct pv *pv = vg ? vg_find_pv(vg, d->label.pv_uuid) : NULL;
	if (!pv)
		return -1;
	if (lvm_tag_args_given(ctx))
		lvm_tags_apply(ctx, &vg->arena, &pv->tags);
	bool on = lvm_num(ctx, ARG_allocatable, 1);
	if (!lvm_has(ctx, ARG_allocatable))
		on = !!(pv->status & PV_ALLOCATABLE);
	else if (on == !!(pv->status & PV_ALLOCATABLE)) {
		lvm_print("Physical volume \"%s\" is already %sallocatable.", path, on ? "" : "un");
		lvm_vg_release(ctx, vg);
		return 1;
	}
	pv->status = on ? pv->status | PV_ALLOCATABLE : pv->status & ~(uint64_t)PV_ALLOCATABLE;
	int r = lvm_vg_commit(ctx, vg);
	lvm_vg_release(ctx, vg);
	if (r < 0)
		return -1;
	lvm_print("Physical volume \"%s\" changed", path);
	return 0;
}

int lvm_pvchange(struct lvm_ctx *ctx)
{
	unsigned changed = 0, not = 0;
	int r;
	if ((!lvm_has(ctx, ARG_allocatable) && !lvm_tag_args_given(ctx)) || ctx->argc < 1) {
		lvm_error("No command with matching syntax recognised.  Run 'pvchange --help' for "
			  "more information.");
		return LVM_EINVALID;
	}
	if ((r = lvm_tag_args_check(ctx)))
		return r;
	const char **paths = pv_operands(ctx);
	for (int i = 0; paths[i]; i++) {
		if (pvchange_one(ctx, paths[i]) == 0)
			changed++;
		else
			not ++;
	}
	lvm_print("%u physical volume%s changed / %u physical volume%s not changed", changed,
		  changed == 1 ? "" : "s", not, not == 1 ? "" : "s");
	return not ? LVM_EFAILED : LVM_OK;
}

/* vgcfgbackup -f TEMPLATE: LVM2 formats the name with the VG name as the
 * argument, so the first "%s" becomes the VG name and "%%" a '%'. */
static const char *backup_file_name(struct lvm_ctx *ctx, const char *template, const char *vg)
{
	struct strbuf sb = STRBUF_INIT;
	bool named = false;

	for (const char *p = template; *p; p++) {
		if (p[0] == '%' && p[1] == '%')
			sb_add(&sb, p++, 1);
		else if (p[0] == '%' && p[1] == 's' && !named) {
			sb_puts(&sb, vg);
			named = true;
			p++;
		} else
			sb_add(&sb, p, 1);
	}
	const char *name = arena_strdup(&ctx->arena, sb_str(&sb));
	sb_release(&sb);
	return name;
}

static int backup_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	const char **last = baton;
	const char *file = lvm_str(ctx, ARG_file, NULL);
	if (file) {
		file = backup_file_name(ctx, file, vg->name);
		if (*last && !strcmp(*last, file)) {
			lvm_error("VGs must be backed up into different files. Use %%s in filename "
				  "for VG name.");
			return LVM_EFAILED;
		}
		*last = file;
		char desc[4200];
		snprintf(desc, sizeof(desc), "Created *after* executing '%s'", ctx->cmdline);
		if (vg_backup_file(vg, file, desc) < 0) {
			lvm_error("%s", err_msg());
			return LVM_EFAILED;
		}
	} else if (lvm_vg_backup(ctx, vg) < 0)
		return LVM_EFAILED;
	lvm_print("Volume group \"%s\" successfully backed up.", vg->name);
	return LVM_OK;
}

int lvm_vgcfgbackup(struct lvm_ctx *ctx)
{
	const char *last = NULL;

	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, LVM_READ_ALLOW_MISSING, backup_vg, &last);
}
