/* vgdisplay [-s] [VG...]: LVM2's "--- Volume group ---" blocks (-s: one
 * line per VG). Other display forms (-c, -C, -v) are not done yet. */
#include <string.h>

#include "metadata/uuid.h"
#include "report_cmd.h"

static const char *size_long(struct lvm_ctx *ctx, uint64_t sectors)
{
	struct units u = lvm_display_units(ctx, 'r');
	char buf[64];

	units_format_form(&u, sectors, true, buf, sizeof(buf));
	return arena_strdup(&ctx->arena, buf);
}

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

static int show_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	unsigned pvs, act, lvs, open, mdas;
	uint32_t total, free = vg_free_extents(vg);
	uint64_t es = vg->extent_size;
	char id[UUID_DASHED_LEN + 1];

	vg_counts(ctx, vg, &pvs, &act, &lvs, &open, &total, &mdas);
	if (lvm_has(ctx, ARG_short)) {
		lvm_print("\"%s\" %s [%s used / %s free]", vg->name, size_long(ctx, total * es),
			  size_long(ctx, (total - free) * es), size_long(ctx, free * es));
		return LVM_OK;
	}
	uuid_format(vg->id, id);
	lvm_print("--- Volume group ---");
	lvm_print("VG Name               %s", vg->name);
	lvm_print("System ID             %s", vg->system_id ? vg->system_id : "");
	lvm_print("Format                lvm2");
	lvm_print("Metadata Areas        %u", mdas);
	lvm_print("Metadata Sequence No  %u", vg->seqno);
	lvm_print("VG Access             %s%s", vg->status & VG_READ ? "read" : "",
		  vg->status & VG_WRITE ? "/write" : "");
	lvm_print("VG Status             %s%sresizable",
		  vg->status & VG_EXPORTED ? "exported/" : "",
		  vg->status & VG_RESIZEABLE ? "" : "not ");
	lvm_print("MAX LV                %u", vg->max_lv);
	lvm_print("Cur LV                %u", lvs);
	lvm_print("Open LV               %u", open);
	lvm_print("Max PV                %u", vg->max_pv);
	lvm_print("Cur PV                %u", pvs);
	lvm_print("Act PV                %u", act);
	lvm_print("VG Size               %s", size_long(ctx, total * es));
	lvm_print("PE Size               %s", size_long(ctx, es));
	lvm_print("Total PE              %u", total);
	lvm_print("Alloc PE / Size       %u / %s", total - free,
		  size_long(ctx, (total - free) * es));
	lvm_print("Free  PE / Size       %u / %s", free, size_long(ctx, free * es));
	lvm_print("VG UUID               %s", id);
	lvm_print(" ");
	return LVM_OK;
}

int lvm_vgdisplay(struct lvm_ctx *ctx)
{
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, LVM_READ_ALLOW_MISSING, show_vg, NULL);
}
