/* Segment fields (LVM2's columns.h SEGS rows) and the LVM model helpers
 * the field files share (snapshot relations, type names). */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "metadata/segtype.h"
#include "metadata/snapshot.h"
#include "report/report_int.h"
#include "util/strbuf.h"

#define SEG (c->obj->seg)

bool rep_seg_raw_str(const struct lv_seg *s, const char *key, const char **out)
{
	return s->raw && cfg_get_str(s->raw, key, out) == 0;
}

bool rep_seg_raw_u64(const struct lv_seg *s, const char *key, uint64_t *out)
{
	return s->raw && cfg_get_u64(s->raw, key, out) == 0;
}

const char *rep_seg_type_name(const struct lv_seg *s)
{
	const char *t;

	if (s->type == &segtype_striped)
		return s->area_count == 1 ? "linear" : "striped";
	return rep_seg_raw_str(s, "type", &t) ? t : s->type->name;
}

/* LVM2 keeps a snapshot as a hidden LV whose one "snapshot" segment names
 * the origin and the COW store (metadata/snapshot.h). */
const struct lv_seg *rep_snapshot_of_cow(const struct lv *lv)
{
	return lv_cow_seg(lv);
}

bool rep_lv_is_origin(const struct lv *lv)
{
	return lv_is_origin(lv);
}

unsigned rep_vg_snap_count(const struct vg *vg)
{
	unsigned n = 0;

	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		n += lv_is_snapshot(lv);
	return n;
}

/* LVM2's lv_count counts visible LVs; a COW store counts as visible
 * although the snapshot LV holding it is not. */
unsigned rep_vg_lv_count(const struct vg *vg)
{
	unsigned n = 0;

	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		n += !!(lv->status & LV_VISIBLE);
	return n;
}

static void f_segtype(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, rep_seg_type_name(SEG));
}
static void f_stripes(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, SEG->area_count);
}
static void f_data_copies(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, SEG->data_copies ? SEG->data_copies : 1);
}
static void f_stripe_size(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, SEG->stripe_size);
}
static void f_region_size(const struct field_ctx *c, struct cell *v)
{
	uint64_t r = 0;

	rep_seg_raw_u64(SEG, "region_size", &r);
	cell_size(c, v, r);
}
static void f_chunk_size(const struct field_ctx *c, struct cell *v)
{
	const struct lv_seg *snap = rep_snapshot_of_cow(SEG->lv);

	cell_size(c, v, snap ? snap->chunk_size : 0);
}
static uint64_t extent(const struct field_ctx *c)
{
	return SEG->lv->vg->extent_size;
}
static void f_seg_start(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, SEG->le * extent(c));
}
static void f_seg_start_pe(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, SEG->le);
}
static void f_seg_size(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, SEG->len * extent(c));
}
static void f_seg_size_pe(const struct field_ctx *c, struct cell *v)
{
	cell_num(c, v, SEG->len);
}
static void f_seg_tags(const struct field_ctx *c, struct cell *v)
{
	cell_tags(c, v, SEG->tags);
}
static const char *area_name(const struct seg_area *a)
{
	if (a->type == AREA_LV)
		return a->lv->name;
	if (a->pv->status & PV_MISSING || !a->pv->device)
		return "[unknown]";
	return a->pv->device;
}
/* The areas as "NAME(START)" or "NAME:FIRST-LAST" items. */
static void areas(const struct field_ctx *c, struct cell *v, bool ranges, const char *sep)
{
	const char **items = arena_alloc(c->a, (SEG->area_count + 1) * sizeof(*items));

	for (uint32_t i = 0; i < SEG->area_count; i++) {
		const struct seg_area *a = &SEG->areas[i];
		items[i] = ranges ? arena_printf(c->a, "%s:%u-%u", area_name(a), a->start,
						 a->start + SEG->area_len - 1)
				  : arena_printf(c->a, "%s(%u)", area_name(a), a->start);
	}
	cell_strl(c, v, items, SEG->area_count, sep, false);
}
static void f_devices(const struct field_ctx *c, struct cell *v)
{
	areas(c, v, false, ",");
}
/* seg_pe_ranges is LVM2's older form: items joined by a blank. */
static void f_seg_pe_ranges(const struct field_ctx *c, struct cell *v)
{
	areas(c, v, true, " ");
}
static void f_seg_le_ranges(const struct field_ctx *c, struct cell *v)
{
	areas(c, v, true, ",");
}
static void f_seg_monitor(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, "");
}
static void f_seg_blank(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, "");
}

#define F(id, head, w, t, fn, desc)                                                                \
	{                                                                                          \
		id, head, w, t, SEC_SEG, fn, desc                                                  \
	}
const struct field_def report_fields_seg[] = {
    F("segtype", "Type", 0, FT_STR, f_segtype, "Type of LV segment."),
    F("stripes", "#Str", 0, FT_NUM, f_stripes, "Number of stripes or mirror/raid1 legs."),
    F("data_stripes", "#DStr", 0, FT_NUM, f_stripes,
      "Number of data stripes or mirror/raid1 legs."),
    F("data_copies", "#Cpy", 0, FT_NUM, f_data_copies, "Number of data copies."),
    F("stripe_size", "Stripe", 0, FT_SIZ, f_stripe_size,
      "For stripes, amount of data placed on one device before switching to the next."),
    F("region_size", "Region", 0, FT_SIZ, f_region_size,
      "For mirrors/raids, the unit of data per leg when synchronizing devices."),
    F("chunk_size", "Chunk", 0, FT_SIZ, f_chunk_size,
      "For snapshots, the unit of data used when tracking changes."),
    F("seg_start", "Start", 0, FT_SIZ, f_seg_start,
      "Offset within the LV to the start of the segment in current units."),
    /* LVM2 declares the _pe forms as sizes: -S reads "2" as 2 MiB. */
    F("seg_start_pe", "Start", 0, FT_SIZ, f_seg_start_pe,
      "Offset within the LV to the start of the segment in physical extents."),
    F("seg_size", "SSize", 0, FT_SIZ, f_seg_size, "Size of segment in current units."),
    F("seg_size_pe", "SSize", 0, FT_SIZ, f_seg_size_pe, "Size of segment in physical extents."),
    F("seg_tags", "Seg Tags", 0, FT_STRL, f_seg_tags, "Tags, if any."),
    F("seg_pe_ranges", "PE Ranges", 0, FT_STRL, f_seg_pe_ranges,
      "Ranges of Physical Extents of underlying devices in command line format (deprecated, "
      "use seg_le_ranges for common format)."),
    F("seg_le_ranges", "LE Ranges", 0, FT_STRL, f_seg_le_ranges,
      "Ranges of Logical Extents of underlying devices in command line format."),
    F("devices", "Devices", 0, FT_STRL, f_devices,
      "Underlying devices used with starting extent numbers."),
    F("seg_monitor", "Monitor", 0, FT_STR, f_seg_monitor,
      "Dmeventd monitoring status of the segment."),
    F("cache_policy", "CachePolicy", 0, FT_STR, f_seg_blank,
      "The cache policy (cached segments only)."),
};
const unsigned report_n_fields_seg = sizeof(report_fields_seg) / sizeof(report_fields_seg[0]);
