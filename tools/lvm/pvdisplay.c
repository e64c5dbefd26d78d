/* pvdisplay [-m | -s | -c | -C] [PV...]: LVM2's "--- Physical volume ---"
 * blocks for PVs in VGs and orphans ("is a new physical volume of"), the
 * physical segment maps (-m), one capacity line each (-s), the colon
 * form (-c), or the pvs report (-C). VGs in LVM2's order
 * (display_vg_names), orphans last. */
#include <string.h>
#include <sys/stat.h>

#include "display.h"
#include "report_cmd.h"

struct pvdisplay_run {
	char **names; /* operands; NULL: every PV */
	int n;
	bool *seen;
};

static bool wanted(struct lvm_ctx *ctx, struct pvdisplay_run *run, const struct pv *pv)
{
	if (!run->n)
		return true;
	for (int i = 0; i < run->n; i++) {
		struct lvm_dev *d = lvm_dev_find(ctx, run->names[i]);
		if ((d && pv->device && !strcmp(d->path, pv->device)) ||
		    (pv->device && !strcmp(run->names[i], pv->device))) {
			run->seen[i] = true;
			return true;
		}
	}
	return false;
}

static void show_pv(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv)
{
	bool orphan = lvm_vg_is_orphan(vg);
	/* -s and the orphan line: free space, or the whole device. */
	uint64_t size = orphan ? pv->dev_size : (uint64_t)pv_free_extents(vg, pv) * vg->extent_size;
	const char *name = display_pv_name(pv);

	if (lvm_has(ctx, ARG_short)) {
		lvm_print("Device \"%s\" has a capacity of %s", name, display_size(ctx, size));
		return;
	}
	if (!lvm_has(ctx, ARG_quiet) && (vg->status & VG_EXPORTED))
		lvm_print("Physical volume \"%s\" of volume group \"%s\" is exported", name,
			  vg->name);
	if (!lvm_has(ctx, ARG_quiet) && orphan)
		lvm_print("\"%s\" is a new physical volume of \"%s\"", name,
			  display_size(ctx, size));
	if (lvm_has(ctx, ARG_colon)) {
		display_pv_colons(ctx, vg, pv);
		return;
	}
	display_pv_full(ctx, vg, pv);
	if (lvm_has(ctx, ARG_maps))
		display_pv_segments(ctx, vg, pv);
}

static void show_vg(struct lvm_ctx *ctx, struct vg *vg, struct pvdisplay_run *run)
{
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (wanted(ctx, run, pv))
			show_pv(ctx, vg, pv);
}

/* LVM2's option checks, in its order and words. */
static int check_options(struct lvm_ctx *ctx)
{
	if (lvm_has(ctx, ARG_columns)) {
		if (lvm_has(ctx, ARG_colon) || lvm_has(ctx, ARG_maps) || lvm_has(ctx, ARG_short)) {
			lvm_error("Incompatible options selected");
			return LVM_EINVALID;
		}
		return LVM_OK;
	}
	if (display_reject_report_opts(ctx, true, "Incompatible options selected"))
		return LVM_EINVALID;
	if (lvm_has(ctx, ARG_colon) && lvm_has(ctx, ARG_maps)) {
		lvm_error("Option -c not allowed with option -m");
		return LVM_EINVALID;
	}
	if (lvm_has(ctx, ARG_colon) && lvm_has(ctx, ARG_short)) {
		lvm_error("Option -c is not allowed with option -s");
		return LVM_EINVALID;
	}
	return LVM_OK;
}

int lvm_pvdisplay(struct lvm_ctx *ctx)
{
	int st = check_options(ctx);

	if (st != LVM_OK)
		return st;
	if (lvm_has(ctx, ARG_columns))
		return lvm_pvs(ctx);
	if (lvm_scan(ctx) < 0)
		return LVM_EFAILED;
	struct pvdisplay_run run = {ctx->argv, ctx->argc,
				    arena_alloc(&ctx->arena, (size_t)ctx->argc + 1)};
	memset(run.seen, 0, (size_t)ctx->argc + 1);
	char **names;
	unsigned n = display_vg_names(ctx, &names);
	for (unsigned i = 0; i < n; i++) {
		struct vg *vg = lvm_vg_read(ctx, names[i], LVM_READ_ALLOW_MISSING);
		if (!vg) {
			st = LVM_EFAILED;
			continue;
		}
		show_vg(ctx, vg, &run);
		lvm_vg_release(ctx, vg);
	}
	struct vg *orphans = lvm_orphans_read(ctx);
	show_vg(ctx, orphans, &run);
	vg_free(orphans);
	for (int i = 0; i < ctx->argc; i++)
		if (!run.seen[i]) {
			struct stat sb;
			if (stat(ctx->argv[i], &sb) < 0)
				lvm_error("Cannot use %s: device not found", ctx->argv[i]);
			else
				lvm_error("Failed to find physical volume \"%s\".", ctx->argv[i]);
			st = LVM_EFAILED;
		}
	return st;
}
