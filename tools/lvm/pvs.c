/* pvs [PV...]: one report row per PV, in VGs or orphans, or per PV
 * segment (--segments, pvseg_* fields). */
#include <string.h>

#include "display.h"
#include "report_cmd.h"

struct pvs_run {
	struct report *r;
	char **names; /* operands; NULL: every PV */
	int n;
	bool *seen;
};

static bool wanted(struct lvm_ctx *ctx, struct pvs_run *run, const struct pv *pv)
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

/* A row per PV segment, as LVM2's pvseg report: the used stretches and
 * the free gaps between them, in extent order (one empty row for a PV
 * without extents). */
static void add_pv_segments(struct lvm_ctx *ctx, struct pvs_run *run, struct vg *vg,
			    const struct pv *pv)
{
	struct pv_stretch *used;
	size_t n = lvm_vg_is_orphan(vg) ? 0 : display_pv_stretches(ctx, vg, pv, &used);
	uint32_t pe = 0;

	for (size_t i = 0; i <= n; i++) {
		uint32_t next = i < n ? used[i].pe : pv->pe_count;
		if (next > pe || (!pv->pe_count && i == n))
			report_add(run->r, &(struct report_obj){.vg = vg,
								.pv = pv,
								.pvseg_start = pe,
								.pvseg_size = next - pe});
		if (i == n)
			break;
		report_add(run->r, &(struct report_obj){.vg = vg,
							.pv = pv,
							.pvseg_start = used[i].pe,
							.pvseg_size = used[i].len});
		pe = used[i].pe + used[i].len;
	}
}

static void add_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	struct pvs_run *run = baton;

	for (const struct pv *pv = vg->pvs; pv; pv = pv->next) {
		if (!wanted(ctx, run, pv))
			continue;
		if (report_wants_segs(run->r))
			add_pv_segments(ctx, run, vg, pv);
		else
			report_add(run->r, &(struct report_obj){.vg = vg, .pv = pv});
	}
}

int lvm_pvs(struct lvm_ctx *ctx)
{
	struct report_opts o;
	bool done;
	int st = lvm_report_opts(ctx, REPORT_PVS, &o);

	if (st != LVM_OK)
		return st;
	struct report *r = lvm_report_make(ctx, &o, &done, &st);
	if (!r)
		return st;
	if (lvm_scan(ctx) < 0) {
		report_free(r);
		return LVM_EFAILED;
	}
	struct pvs_run run = {r, ctx->argv, ctx->argc,
			      arena_alloc(&ctx->arena, (size_t)ctx->argc + 1)};
	struct vg *orphans;
	st = lvm_report_each_vg(ctx, true, add_vg, &run, &orphans);
	report_output(r, stdout);
	report_free(r);
	vg_free(orphans);
	for (int i = 0; i < ctx->argc; i++)
		if (!run.seen[i]) {
			lvm_error("Failed to find physical volume \"%s\".", ctx->argv[i]);
			st = LVM_EFAILED;
		}
	return st;
}
