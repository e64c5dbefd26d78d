/* The listing commands LVM2 keeps beside the reports: pvscan, vgscan,
 * lvscan, and vgmknodes (links are the daemon's job: it only checks). */
#include <stdio.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"

static void pv_line(const char *dev, int w, const char *vg, int vw, uint64_t size, uint64_t free_,
		    bool orphan)
{
	char a[32], b[32];
	lvm_size_str(size, 'h', true, true, a, sizeof(a));
	lvm_size_str(free_, 'h', true, true, b, sizeof(b));
	if (orphan)
		printf("  PV %-*s    %-*s lvm2 [%s]\n", w, dev, vw, "", a);
	else
		printf("  PV %-*s VG %-*s lvm2 [%s / %s free]\n", w, dev, vw, vg, a, b);
}

int lvm_pvscan(struct lvm_ctx *ctx)
{
	const char **names;
	unsigned n = lvm_vg_names(ctx, &names);
	uint64_t total = 0, used = 0, orphans = 0;
	unsigned count = 0, nused = 0;
	int w = 0, vw = 0;
	char a[32], b[32], c[32];

	for (unsigned i = 0; i < ctx->n_devs; i++)
		if (ctx->devs[i].is_pv && (int)strlen(ctx->devs[i].path) > w)
			w = (int)strlen(ctx->devs[i].path);
	for (unsigned i = 0; i < n; i++)
		if ((int)strlen(names[i]) > vw)
			vw = (int)strlen(names[i]);
	for (unsigned i = 0; i < n && !lvm_has(ctx, ARG_novolumegroup); i++) {
		struct vg *vg = lvm_vg_read(ctx, names[i], LVM_READ_ALLOW_MISSING);
		if (!vg)
			continue;
		uint64_t es = vg->extent_size;
		for (const struct pv *pv = vg->pvs; pv; pv = pv->next, count++, nused++) {
			pv_line(pv->device ? pv->device : "[unknown]", w, vg->name, vw,
				pv->pe_count * es, pv_free_extents(vg, pv) * es, false);
			total += pv->pe_count * es;
			used += pv->pe_count * es;
		}
		lvm_vg_release(ctx, vg);
	}
	struct vg *o = lvm_orphans_read(ctx);
	for (const struct pv *pv = o->pvs; pv; pv = pv->next, count++) {
		pv_line(pv->device, w, "", vw, pv->dev_size, pv->dev_size, true);
		total += pv->dev_size;
		orphans += pv->dev_size;
	}
	vg_free(o);
	if (!count) {
		lvm_print("No matching physical volumes found");
		return LVM_OK;
	}
	printf("  Total: %u [%s] / in use: %u [%s] / in no VG: %u [%s]\n", count,
	       lvm_size_str(total, 'h', true, true, a, sizeof(a)), nused,
	       lvm_size_str(used, 'h', true, true, b, sizeof(b)), count - nused,
	       lvm_size_str(orphans, 'h', true, true, c, sizeof(c)));
	return LVM_OK;
}

int lvm_vgscan(struct lvm_ctx *ctx)
{
	const char **names;
	unsigned n = lvm_vg_names(ctx, &names);
	for (unsigned i = 0; i < n; i++)
		lvm_print("Found volume group \"%s\" using metadata type lvm2", names[i]);
	return LVM_OK;
}

static int lvscan_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	char a[32];
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if (!(lv->status & LV_VISIBLE) && !lvm_has(ctx, ARG_all))
			continue;
		lvm_lv_state(ctx, lv, &st);
		printf("  %-18s'%s' [%s] %s\n", st.active ? "ACTIVE" : "inactive",
		       lvm_lv_path(ctx, lv),
		       lvm_size_str((uint64_t)lv->le_count * vg->extent_size, 'h', true, true, a,
				    sizeof(a)),
		       alloc_policy_name(lv->alloc));
	}
	return LVM_OK;
}

int lvm_lvscan(struct lvm_ctx *ctx)
{
	const char **names;
	if (!lvm_vg_names(ctx, &names)) {
		lvm_print("No volume groups found.");
		return LVM_OK;
	}
	return lvm_for_each_vg(ctx, NULL, 0, 0, lvscan_vg, NULL);
}

static int mknodes_vg(struct lvm_ctx *ctx, struct vg *vg, void *baton)
{
	(void)baton;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if (lvm_lv_state(ctx, lv, &st) == 0 && st.active && !st.blockdev[0])
			lvm_verbose(ctx, 1, "%s/%s has no block device (not root?)", vg->name,
				    lv->name);
	}
	return LVM_OK;
}

int lvm_vgmknodes(struct lvm_ctx *ctx)
{
	return lvm_for_each_vg(ctx, ctx->argv, ctx->argc, 0, mknodes_vg, NULL);
}
