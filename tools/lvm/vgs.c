/* vgs [VG...]: one report row per VG. */
#include "report_cmd.h"

static int add_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	report_add(baton, &(struct report_obj){.vg = vg});
	return LVM_OK;
}

int lvm_vgs(struct lvm_ctx *ctx)
{
	struct report_opts o;
	bool done;
	int st = lvm_report_opts(ctx, REPORT_VGS, &o);

	if (st != LVM_OK)
		return st;
	struct report *r = lvm_report_make(ctx, &o, &done, &st);
	if (!r)
		return st;
	st = lvm_for_each_vg(ctx, ctx->argv, ctx->argc, LVM_READ_ALLOW_MISSING | LVM_READ_KEEP,
			     add_vg, r);
	report_output(r, stdout);
	report_free(r);
	return st;
}
