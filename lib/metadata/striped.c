/* The striped segment type, which also covers linear (stripe_count 1).
 *
 * Metadata keys: stripe_count (R), stripe_size (R when > 1 stripe,
 * sectors), stripes = ["pvN", first_pe, ...] (R). Each area holds
 * extent_count / stripe_count extents.
 *
 * Table lines (sectors):
 *   linear:  <start> <len> linear <dev> <pe_start + pe * extent_size>
 *   striped: <start> <len> striped <#stripes> <chunk> (<dev> <offset>)...
 */
#include "segtype.h"

#include <errno.h>

#include "config/config.h"
#include "format_text/text_out.h"
#include "util/error.h"
#include "util/strbuf.h"

static int striped_import(struct vg *vg, struct lv_seg *seg, const struct cfg_node *sn)
{
	if (seg->area_count == 0)
		return err_set(EINVAL, "segment %s of LV '%s' has stripe_count 0", sn->key,
			       seg->lv->name);
	if (seg->area_count > 1 && cfg_get_u32(sn, "stripe_size", &seg->stripe_size) < 0)
		return err_set(EINVAL, "couldn't read stripe_size for segment %s of LV '%s'",
			       sn->key, seg->lv->name);
	if (seg->len % seg->area_count)
		return err_set(EINVAL,
			       "segment %s of LV '%s': %u extents do not divide into %u stripes",
			       sn->key, seg->lv->name, seg->len, seg->area_count);
	seg->area_len = seg->len / seg->area_count;
	return segtype_import_areas(vg, seg, sn, "stripes");
}

static void striped_export(const struct vg *vg, const struct lv_seg *seg, struct text_out *o)
{
	out_line(o, seg->area_count == 1 ? "# linear" : NULL, "stripe_count = %u", seg->area_count);
	if (seg->area_count > 1)
		out_size(o, seg->stripe_size, "stripe_size = %u", seg->stripe_size);
	segtype_export_areas(vg, seg, o, "stripes");
}

/* The device and sector offset of `a`; LV areas are stacked devices and
 * are named by the caller's callback through their PV-less form. */
static int area_dev(const struct table_ctx *ctx, const struct seg_area *a, const char **dev,
		    uint64_t *offset)
{
	if (a->type != AREA_PV)
		return err_set(ENOTSUP, "stacked LV areas are not supported yet");
	if (!(*dev = ctx->pv_dev(a->pv, ctx->baton)))
		return -ENODEV;
	*offset = a->pv->pe_start + (uint64_t)a->start * ctx->vg->extent_size;
	return 0;
}

static int striped_table_line(const struct table_ctx *ctx, const struct lv_seg *seg, uint64_t start,
			      struct strbuf *out)
{
	uint64_t len = (uint64_t)seg->len * ctx->vg->extent_size;
	const char *dev;
	uint64_t off;
	int r;

	if (seg->area_count == 1) {
		if ((r = area_dev(ctx, &seg->areas[0], &dev, &off)) < 0)
			return r;
		sb_printf(out, "%llu %llu linear %s %llu\n", (unsigned long long)start,
			  (unsigned long long)len, dev, (unsigned long long)off);
		return 0;
	}
	sb_printf(out, "%llu %llu striped %u %u", (unsigned long long)start,
		  (unsigned long long)len, seg->area_count, seg->stripe_size);
	for (uint32_t s = 0; s < seg->area_count; s++) {
		if ((r = area_dev(ctx, &seg->areas[s], &dev, &off)) < 0)
			return r;
		sb_printf(out, " %s %llu", dev, (unsigned long long)off);
	}
	sb_puts(out, "\n");
	return 0;
}

const struct segtype segtype_striped = {
    .name = "striped",
    .text_import = striped_import,
    .text_export = striped_export,
    .table_line = striped_table_line,
};
