/* pvresize [--setphysicalvolumesize SIZE] PV...: the PV's size follows its
 * device (or the size given): pe_count in the VG metadata and the size in
 * the label change; extents in use past the new end refuse the shrink. A
 * PV with a metadata area at its end is refused (the area would move). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format_text/label.h"
#include "lvm.h"
#include "lvm_int.h"
#include "util/error.h"

/* One past the highest PE of `pv` used by any LV. */
static uint32_t used_end(const struct vg *vg, const struct pv *pv)
{
	uint32_t end = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++)
				if (s->areas[a].type == AREA_PV && s->areas[a].pv == pv &&
				    s->areas[a].start + s->area_len > end)
					end = s->areas[a].start + s->area_len;
	return end;
}

/* The size to give the PV, in sectors; 0 (printed) to skip it. */
static uint64_t target_size(struct lvm_ctx *ctx, const struct lvm_dev *d)
{
	uint64_t real = d->size / 512;
	char a[32], b[32];

	if (!lvm_has(ctx, ARG_setphysicalvolumesize))
		return real;
	uint64_t want = lvm_num(ctx, ARG_setphysicalvolumesize, 0);
	if (want > real)
		lvm_warn("%s: Overriding real size %s. You could lose data.", d->path,
			 lvm_size_str(real, 'h', true, true, a, sizeof(a)));
	else if (want < real &&
		 !lvm_yes(ctx, "%s: Requested size %s is less than real size %s. Proceed? ",
			  d->path, lvm_size_str(want, 'h', true, true, a, sizeof(a)),
			  lvm_size_str(real, 'h', true, true, b, sizeof(b)))) {
		lvm_error("Physical Volume %s not resized.", d->path);
		return 0;
	}
	if (want != real)
		lvm_warn("%s: Pretending size is %llu not %llu sectors.", d->path,
			 (unsigned long long)want, (unsigned long long)real);
	return want;
}

static int resize_orphan(struct lvm_ctx *ctx, const struct lvm_dev *d, uint64_t size)
{
	struct pv_label l = d->label;
	for (unsigned m = 0; m < l.n_mdas; m++)
		if (l.mdas[m].offset > l.data[0].offset) {
			lvm_error("%s: cannot resize a PV with a metadata area at its end.",
				  d->path);
			return -ENOTSUP;
		}
	l.dev_size = size * 512;
	if (lvm_has(ctx, ARG_test))
		return 0;
	FILE *f = fopen(d->path, "r+e");
	int r = f ? label_write(fileno(f), d->path, &l) : -errno;
	if (f)
		fclose(f);
	if (r < 0)
		lvm_error("%s: cannot write the label: %s", d->path, err_msg());
	return r;
}

static int resize_in_vg(struct lvm_ctx *ctx, const struct lvm_dev *d, uint64_t size)
{
	struct vg *vg = lvm_vg_read(ctx, d->vgname, LVM_READ_WRITE);
	if (!vg)
		return -ENOENT;
	struct pv *pv = vg_find_pv(vg, d->label.pv_uuid);
	if (!pv || pv->fd < 0) {
		lvm_error("%s: physical volume not found in volume group %s.", d->path, d->vgname);
		return -ENOENT;
	}
	for (unsigned m = 0; m < pv->label.n_mdas; m++)
		if (pv->label.mdas[m].offset / 512 >= pv->pe_start) {
			lvm_error("%s: cannot resize a PV with a metadata area at its end.",
				  d->path);
			return -ENOTSUP;
		}
	if (size <= pv->pe_start + vg->extent_size) {
		lvm_error("%s: Size must exceed minimum of %llu sectors on PV.", d->path,
			  (unsigned long long)(pv->pe_start + vg->extent_size));
		return -EINVAL;
	}
	uint32_t count = (uint32_t)((size - pv->pe_start) / vg->extent_size);
	uint32_t allocated = pv->pe_count - pv_free_extents(vg, pv);
	if (count < allocated) {
		lvm_error("%s: cannot resize to %u extents as %u are allocated.", d->path, count,
			  allocated);
		return -EBUSY;
	}
	if (count < used_end(vg, pv)) {
		lvm_error("%s: cannot resize to %u extents as later ones are allocated.", d->path,
			  count);
		return -EBUSY;
	}
	lvm_verbose(ctx, 1, "Resizing volume \"%s\" to %llu sectors.", d->path,
		    (unsigned long long)size);
	pv->pe_count = count;
	pv->dev_size = size;
	pv->label.dev_size = size * 512;
	if (lvm_vg_commit(ctx, vg) < 0)
		return -EIO;
	if (!lvm_has(ctx, ARG_test) && label_write(pv->fd, pv->device, &pv->label) < 0) {
		lvm_error("%s: cannot write the label: %s", d->path, err_msg());
		return -EIO;
	}
	lvm_vg_release(ctx, vg);
	return 0;
}

int lvm_pvresize(struct lvm_ctx *ctx)
{
	unsigned done = 0, failed = 0;
	int rc = LVM_OK;

	if (ctx->argc < 1) {
		lvm_error("Please supply physical volume(s)");
		return LVM_EINVALID;
	}
	if (lvm_lock_global(ctx, true) < 0 || lvm_scan(ctx) < 0)
		return LVM_EFAILED;
	for (int i = 0; i < ctx->argc; i++) {
		struct lvm_dev *d = lvm_dev_find(ctx, ctx->argv[i]);
		uint64_t size;
		int r = -ENOENT;
		if (!d) {
			lvm_error("Cannot use %s: device not found", ctx->argv[i]);
			rc = LVM_EFAILED;
			continue;
		}
		if (!d->is_pv)
			lvm_error("Failed to find physical volume \"%s\".", ctx->argv[i]);
		else if ((size = target_size(ctx, d)))
			r = d->vgname ? resize_in_vg(ctx, d, size) : resize_orphan(ctx, d, size);
		if (r < 0) {
			failed++;
			continue;
		}
		lvm_print("Physical volume \"%s\" changed", ctx->argv[i]);
		done++;
	}
	lvm_print("%u physical volume(s) resized or updated / %u physical volume(s) not resized",
		  done, failed);
	return failed ? LVM_EFAILED : rc;
}
