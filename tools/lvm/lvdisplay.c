/* lvdisplay [-m | -c | -C] [-a] [VG|VG/LV...]: LVM2's "--- Logical
 * volume ---" blocks (-m adds the segments), the colon form (-c), or the
 * lvs report (-C). Hidden LVs only with -a. */
#include <string.h>

#include "display.h"
#include "report_cmd.h"

struct lvdisplay_run {
	const char **vg, **lv; /* operands split; lv NULL = the whole VG */
	bool *seen;
	int n;
};

static bool wanted(struct lvdisplay_run *run, const struct vg *vg, const struct lv *lv)
{
	bool any = false, hit = false;

	for (int i = 0; i < run->n; i++) {
		if (strcmp(run->vg[i], vg->name))
			continue;
		any = true;
		if (!run->lv[i] || !strcmp(run->lv[i], lv->name)) {
			run->seen[i] = true;
			hit = true;
		}
	}
	return !any || hit;
}

static int show_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		if (!wanted(baton, vg, lv))
			continue;
		if (!lvm_has(ctx, ARG_all) && !(lv->status & LV_VISIBLE))
			continue;
		if (lvm_has(ctx, ARG_colon)) {
			display_lv_colons(ctx, lv);
			continue;
		}
		display_lv_full(ctx, lv);
		if (lvm_has(ctx, ARG_maps))
			display_lv_segments(ctx, lv);
	}
	return LVM_OK;
}

static int check_options(struct lvm_ctx *ctx)
{
	if (lvm_has(ctx, ARG_columns)) {
		if (lvm_has(ctx, ARG_colon) || lvm_has(ctx, ARG_maps)) {
			lvm_error("Incompatible options selected");
			return LVM_EINVALID;
		}
		return LVM_OK;
	}
	if (display_reject_report_opts(ctx, false, "Incompatible options selected."))
		return LVM_EINVALID;
	if (lvm_has(ctx, ARG_colon) && lvm_has(ctx, ARG_maps)) {
		lvm_error("Options -c and -m are incompatible.");
		return LVM_EINVALID;
	}
	return LVM_OK;
}

/* The distinct VG names of the operands, for lvm_for_each_vg. */
static int vg_names(struct lvm_ctx *ctx, struct lvdisplay_run *run, char ***out)
{
	char **names = arena_alloc(&ctx->arena, (size_t)(run->n + 1) * sizeof(*names));
	int n = 0;

	for (int i = 0; i < run->n; i++) {
		int j;
		for (j = 0; j < n && strcmp(names[j], run->vg[i]); j++)
			;
		if (j == n)
			names[n++] = (char *)run->vg[i];
	}
	*out = names;
	return n;
}

int lvm_lvdisplay(struct lvm_ctx *ctx)
{
	int st = check_options(ctx);

	if (st != LVM_OK)
		return st;
	if (lvm_has(ctx, ARG_columns))
		return lvm_lvs(ctx);
	size_t n = (size_t)ctx->argc + 1;
	struct lvdisplay_run run = {arena_alloc(&ctx->arena, n * sizeof(char *)),
				    arena_alloc(&ctx->arena, n * sizeof(char *)),
				    arena_alloc(&ctx->arena, n), ctx->argc};
	memset(run.seen, 0, n);
	for (int i = 0; i < ctx->argc; i++)
		if (lvm_split_lv_name(ctx, ctx->argv[i], &run.vg[i], &run.lv[i]) < 0)
			return LVM_EINVALID;
	char **names;
	int nn = vg_names(ctx, &run, &names);
	if (!nn && !(nn = (int)display_vg_names(ctx, &names)))
		return LVM_OK;
	st = lvm_for_each_vg(ctx, names, nn, LVM_READ_ALLOW_MISSING, show_vg, &run);
	for (int i = 0; i < ctx->argc; i++)
		if (run.lv[i] && !run.seen[i]) {
			lvm_error("Failed to find logical volume \"%s/%s\"", run.vg[i], run.lv[i]);
			st = LVM_EFAILED;
		}
	return st;
}
