/* Shared by the reporting commands (report_cmd.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "report_cmd.h"
#include "snapshot.h"
#include "util/error.h"

struct units lvm_display_units(struct lvm_ctx *ctx, char def)
{
	struct units u = UNITS_DEFAULT;

	u.type = def;
	if (lvm_has(ctx, ARG_units) && units_parse(lvm_str(ctx, ARG_units, "r"), &u) < 0)
		u.type = def;
	u.suffix = !lvm_has(ctx, ARG_nosuffix);
	return u;
}

int lvm_report_opts(struct lvm_ctx *ctx, enum report_kind kind, struct report_opts *o)
{
	const char *fmt = lvm_str(ctx, ARG_reportformat, "basic");

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->units = UNITS_DEFAULT;
	if (lvm_has(ctx, ARG_units) && units_parse(lvm_str(ctx, ARG_units, "r"), &o->units) < 0) {
		lvm_error("Invalid units specification");
		return LVM_EINVALID;
	}
	o->units.suffix = !lvm_has(ctx, ARG_nosuffix);
	if (lvm_has(ctx, ARG_options)) {
		o->columns = ctx->args[ARG_options].list;
		while (o->columns[o->n_columns])
			o->n_columns++;
	}
	if (lvm_has(ctx, ARG_sort)) {
		o->sort = ctx->args[ARG_sort].list;
		while (o->sort[o->n_sort])
			o->n_sort++;
	}
	o->select = lvm_str(ctx, ARG_select, NULL);
	o->verbose = lvm_has(ctx, ARG_verbose);
	o->no_headings = lvm_has(ctx, ARG_noheadings);
	o->separator = lvm_str(ctx, ARG_separator, NULL);
	o->name_prefixes = lvm_has(ctx, ARG_nameprefixes);
	o->unquoted = lvm_has(ctx, ARG_unquoted);
	o->binary = lvm_has(ctx, ARG_binary);
	o->all = lvm_has(ctx, ARG_all);
	o->segments = lvm_has(ctx, ARG_segments);
	/* LVM2 pads columns unless a separator or name prefixes are asked
	 * for, and then only with --aligned. */
	o->aligned = lvm_has(ctx, ARG_aligned) || (!o->separator && !o->name_prefixes);
	if (!strcmp(fmt, "json")) {
		o->json = true;
		o->aligned = false;
		o->name_prefixes = false;
	} else if (strcmp(fmt, "basic")) {
		lvm_error("Unknown report format: %s", fmt);
		return LVM_EINVALID;
	}
	o->dev_dir = getenv("ULVM_DEV_DIR") ? getenv("ULVM_DEV_DIR") : "/dev";
	o->lv_info = lvm_report_lv_info;
	o->pv_dev = lvm_report_pv_dev;
	o->baton = ctx;
	return LVM_OK;
}

struct report *lvm_report_make(struct lvm_ctx *ctx, struct report_opts *o, bool *done, int *status)
{
	struct report *r = report_new(o, stdout, done);

	*status = LVM_OK;
	if (!r && !*done) {
		const char *m = err_msg();
		/* LVM2's words: "Unrecognised field: x". */
		if (!strncmp(m, "unrecognised", 12))
			lvm_error("U%s", m + 1);
		else
			lvm_error("%s", m);
		*status = LVM_EINVALID;
	}
	return r;
}

void lvm_report_lv_info(const struct lv *lv, struct report_lv_info *out, void *baton)
{
	struct lvm_ctx *ctx = baton;
	struct lvm_lv_state st;

	out->known = true;
	if (lvm_lv_state(ctx, lv, &st) < 0) {
		out->known = false;
		return;
	}
	out->exists = st.active;
	out->live_table = st.live_table;
	out->suspended = st.suspended;
	out->read_only = st.read_only;
	out->open_count = (int)st.open_count;
	out->major = st.active ? (int32_t)st.major : -1;
	out->minor = st.active ? (int32_t)st.minor : -1;
	out->read_ahead = 256;
	struct lvm_snap_status ss;
	const struct lv_seg *m = lv_merging_seg(lv);
	if ((lv_cow_seg(lv) || m) && lvm_snap_status(ctx, m ? m->cow : lv, &ss) == 0) {
		out->snap_percent_known = true;
		out->snap_invalid = ss.invalid;
		out->snap_percent = lvm_snap_percent(&ss);
	}
}

void lvm_report_pv_dev(const struct pv *pv, struct report_pv_dev *out, void *baton)
{
	struct lvm_ctx *ctx = baton;
	struct lvm_dev *d = pv->device ? lvm_dev_find(ctx, pv->device) : NULL;
	struct stat st;

	if (d && d->size)
		out->dev_size = d->size / 512;
	if (pv->device && !stat(pv->device, &st) && S_ISBLK(st.st_mode)) {
		out->major = (int)major(st.st_rdev);
		out->minor = (int)minor(st.st_rdev);
	}
}

int lvm_report_each_vg(struct lvm_ctx *ctx, bool orphans, lvm_report_vg_fn fn, void *baton,
		       struct vg **orphans_out)
{
	const char **names;
	unsigned n = lvm_vg_names(ctx, &names);
	int status = LVM_OK;

	for (unsigned i = 0; i < n; i++) {
		struct vg *vg = lvm_vg_read(ctx, names[i], LVM_READ_ALLOW_MISSING);
		if (!vg) {
			status = LVM_EFAILED;
			continue;
		}
		fn(ctx, vg, baton); /* released with the command's other VGs */
	}
	*orphans_out = NULL;
	if (orphans) {
		*orphans_out = lvm_orphans_read(ctx);
		fn(ctx, *orphans_out, baton);
	}
	return status;
}
