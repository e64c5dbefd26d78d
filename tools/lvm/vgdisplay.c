/* vgdisplay [-s | -c | -v | -C] [-A] [VG...]: LVM2's "--- Volume group ---"
 * blocks; -s one line per VG, -c the colon form, -v each LV's lvdisplay
 * block and the PVs after the VG's, -C the vgs report; -A only VGs with an
 * active LV. */
#include <inttypes.h>
#include <string.h>

#include "display.h"
#include "metadata/uuid.h"
#include "report_cmd.h"

static void vg_counts(struct lvm_ctx *ctx, const struct vg *vg, unsigned *pvs, unsigned *act,
		      unsigned *lvs, unsigned *open, uint32_t *total, unsigned *mdas)
{
	*pvs = *act = *lvs = *open = *total = *mdas = 0;
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next) {
		++*pvs;
		*act += !(pv->status & PV_MISSING);
		*total += pv->pe_count;
		*mdas += pv->label.n_mdas;
	}
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if (!(lv->status & LV_VISIBLE))
			continue;
		++*lvs;
		if (lvm_lv_state(ctx, lv, &st) == 0 && st.active && st.open_count)
			++*open;
	}
}

static const char *access_str(const struct vg *vg, bool colon)
{
	switch (vg->status & (VG_READ | VG_WRITE)) {
	case VG_READ | VG_WRITE:
		return colon ? "r/w" : "read/write";
	case VG_READ:
		return colon ? "r" : "read";
	case VG_WRITE:
		return colon ? "w" : "write";
	default:
		return colon ? "" : "error";
	}
}

/* -c: LVM2's vgdisplay_colons, its raw status bits included (read 0x100,
 * write 0x200, resizeable 0x4, exported 0x2, clustered 0x400). */
static void show_colons(struct lvm_ctx *ctx, const struct vg *vg)
{
	unsigned pvs, act, lvs, open, mdas;
	uint32_t total, free = vg_free_extents(vg);
	uint64_t status = 0;
	char id[UUID_DASHED_LEN + 1];

	vg_counts(ctx, vg, &pvs, &act, &lvs, &open, &total, &mdas);
	status |= vg->status & VG_READ ? 0x100 : 0;
	status |= vg->status & VG_WRITE ? 0x200 : 0;
	status |= vg->status & VG_RESIZEABLE ? 0x4 : 0;
	status |= vg->status & VG_EXPORTED ? 0x2 : 0;
	status |= vg->status & VG_CLUSTERED ? 0x400 : 0;
	uuid_format(vg->id, id);
	lvm_print("%s:%s:%" PRIu64 ":-1:%u:%u:%u:-1:%u:%u:%u:%" PRIu64 ":%u:%u:%u:%u:%s", vg->name,
		  access_str(vg, true), status, vg->max_lv, lvs, open, vg->max_pv, pvs, act,
		  (uint64_t)total * (vg->extent_size / 2), vg->extent_size / 2, total, total - free,
		  free, id);
}

static void show_full(struct lvm_ctx *ctx, const struct vg *vg)
{
	unsigned pvs, act, lvs, open, mdas;
	uint32_t total, free = vg_free_extents(vg);
	uint64_t es = vg->extent_size;
	char id[UUID_DASHED_LEN + 1];

	vg_counts(ctx, vg, &pvs, &act, &lvs, &open, &total, &mdas);
	uuid_format(vg->id, id);
	lvm_print("--- Volume group ---");
	lvm_print("VG Name               %s", vg->name);
	lvm_print("System ID             %s", vg->system_id ? vg->system_id : "");
	lvm_print("Format                lvm2");
	lvm_print("Metadata Areas        %u", mdas);
	lvm_print("Metadata Sequence No  %u", vg->seqno);
	lvm_print("VG Access             %s", access_str(vg, false));
	lvm_print("VG Status             %s%sresizable",
		  vg->status & VG_EXPORTED ? "exported/" : "",
		  vg->status & VG_RESIZEABLE ? "" : "NOT ");
	if (vg->status & VG_CLUSTERED) {
		lvm_print("Clustered             yes");
		lvm_print("Shared                %s", vg->status & VG_SHARED ? "yes" : "no");
	}
	lvm_print("MAX LV                %u", vg->max_lv);
	lvm_print("Cur LV                %u", lvs);
	lvm_print("Open LV               %u", open);
	lvm_print("Max PV                %u", vg->max_pv);
	lvm_print("Cur PV                %u", pvs);
	lvm_print("Act PV                %u", act);
	lvm_print("VG Size               %s", display_size(ctx, total * es));
	lvm_print("PE Size               %s", display_size(ctx, es));
	lvm_print("Total PE              %u", total);
	lvm_print("Alloc PE / Size       %u / %s", total - free,
		  display_size(ctx, (total - free) * es));
	lvm_print("Free  PE / Size       %u / %s", free, display_size(ctx, free * es));
	lvm_print("VG UUID               %s", id);
	lvm_print(" ");
}

static int show_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	if (lvm_has(ctx, ARG_activevolumegroups) && !display_vg_has_active(ctx, vg))
		return LVM_OK;
	if (lvm_has(ctx, ARG_colon)) {
		show_colons(ctx, vg);
		return LVM_OK;
	}
	if (lvm_has(ctx, ARG_short)) {
		uint32_t total = 0, free = vg_free_extents(vg);
		uint64_t es = vg->extent_size;
		for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
			total += pv->pe_count;
		lvm_print("\"%s\" %-9s [%-9s used / %s free]", vg->name,
			  display_size(ctx, total * es), display_size(ctx, (total - free) * es),
			  display_size(ctx, free * es));
		return LVM_OK;
	}
	show_full(ctx, vg);
	if (!lvm_has(ctx, ARG_verbose))
		return LVM_OK;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		if (lv->status & LV_VISIBLE)
			display_lv_full(ctx, lv);
	lvm_print("--- Physical volumes ---");
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		display_pv_short(ctx, vg, pv);
	return LVM_OK;
}

/* LVM2's option checks, in its order and words. */
static int check_options(struct lvm_ctx *ctx)
{
	if (lvm_has(ctx, ARG_columns)) {
		if (lvm_has(ctx, ARG_colon) || lvm_has(ctx, ARG_activevolumegroups) ||
		    lvm_has(ctx, ARG_short)) {
			lvm_error("Incompatible options selected");
			return LVM_EINVALID;
		}
		return LVM_OK;
	}
	if (display_reject_report_opts(ctx, false, "Incompatible options selected."))
		return LVM_EINVALID;
	if (lvm_has(ctx, ARG_colon) && lvm_has(ctx, ARG_short)) {
		lvm_error("Option -c is not allowed with option -s");
		return LVM_EINVALID;
	}
	if (ctx->argc && lvm_has(ctx, ARG_activevolumegroups)) {
		lvm_error("Option -A is not allowed with volume group names");
		return LVM_EINVALID;
	}
	return LVM_OK;
}

int lvm_vgdisplay(struct lvm_ctx *ctx)
{
	int st = check_options(ctx);

	if (st != LVM_OK)
		return st;
	if (lvm_has(ctx, ARG_columns))
		return lvm_vgs(ctx);
	char **names = ctx->argv;
	int n = ctx->argc;
	if (!n && !(n = (int)display_vg_names(ctx, &names)))
		return LVM_OK;
	return lvm_for_each_vg(ctx, names, n, LVM_READ_ALLOW_MISSING, show_vg, NULL);
}
