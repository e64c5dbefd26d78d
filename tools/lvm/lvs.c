/* lvs [VG|VG/LV...]: one report row per LV, or per segment when a
 * segment field is asked for (LVM2's segment report). */
#include <string.h>

#include "report_cmd.h"

struct lvs_run {
	struct report *r;
	/* Operands split; lv NULL = the whole VG; vg NULL = "@tag" in lv. */
	const char **vg, **lv;
	bool *seen;
	int n;
};

static bool has_tag(const struct str_list *l, const char *tag)
{
	for (; l; l = l->next)
		if (!strcmp(l->s, tag))
			return true;
	return false;
}

/* As LVM2: an LV is selected by its VG, its name, or a tag of its own or
 * of its VG. */
static bool wanted(struct lvs_run *run, const struct vg *vg, const struct lv *lv)
{
	bool any = false, hit = false;

	for (int i = 0; i < run->n; i++) {
		if (!run->vg[i]) {
			any = true;
			if (has_tag(lv->tags, run->lv[i] + 1) ||
			    has_tag(vg->tags, run->lv[i] + 1)) {
				run->seen[i] = true;
				hit = true;
			}
			continue;
		}
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

static int add_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	struct lvs_run *run = baton;

	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		if (!wanted(run, vg, lv))
			continue;
		if (!report_wants_segs(run->r)) {
			report_add(run->r, &(struct report_obj){.vg = vg, .lv = lv});
			continue;
		}
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			report_add(run->r, &(struct report_obj){.vg = vg, .lv = lv, .seg = s});
	}
	return LVM_OK;
}

/* The distinct VG names of the operands, for lvm_for_each_vg. */
static int vg_names(struct lvm_ctx *ctx, struct lvs_run *run, char ***out)
{
	char **names = arena_alloc(&ctx->arena, (size_t)(run->n + 1) * sizeof(*names));
	int n = 0;

	for (int i = 0; i < run->n; i++) {
		int j;
		if (!run->vg[i]) { /* a tag: every VG is read */
			*out = names;
			return 0;
		}
		for (j = 0; j < n && strcmp(names[j], run->vg[i]); j++)
			;
		if (j == n)
			names[n++] = (char *)run->vg[i];
	}
	*out = names;
	return n;
}

int lvm_lvs(struct lvm_ctx *ctx)
{
	struct report_opts o;
	bool done;
	int st = lvm_report_opts(ctx, REPORT_LVS, &o);

	if (st != LVM_OK)
		return st;
	struct report *r = lvm_report_make(ctx, &o, &done, &st);
	if (!r)
		return st;
	size_t n = (size_t)ctx->argc + 1;
	struct lvs_run run = {r, arena_alloc(&ctx->arena, n * sizeof(char *)),
			      arena_alloc(&ctx->arena, n * sizeof(char *)),
			      arena_alloc(&ctx->arena, n), ctx->argc};
	for (int i = 0; i < ctx->argc; i++)
		if (ctx->argv[i][0] == '@') {
			run.vg[i] = NULL;
			run.lv[i] = ctx->argv[i];
		} else if (lvm_split_lv_name(ctx, ctx->argv[i], &run.vg[i], &run.lv[i]) < 0) {
			report_free(r);
			return LVM_EINVALID;
		}
	char **names;
	int nn = vg_names(ctx, &run, &names);
	st = lvm_for_each_vg(ctx, names, nn, LVM_READ_ALLOW_MISSING | LVM_READ_KEEP, add_vg, &run);
	report_output(r, stdout);
	report_free(r);
	for (int i = 0; i < run.n; i++)
		if (run.vg[i] && run.lv[i] && !run.seen[i]) {
			lvm_error("Failed to find logical volume \"%s/%s\"", run.vg[i], run.lv[i]);
			st = LVM_EFAILED;
		}
	return st;
}
