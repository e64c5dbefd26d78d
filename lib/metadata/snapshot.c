/* The "snapshot" segment type and the snapshot relations of the model.
 *
 * Metadata keys (formats.md §3.6/§3.7), in the order LVM2 writes them:
 *   chunk_size = <sectors>            (R)
 *   origin = "<origin LV>"            (R)
 *   cow_store = "<COW LV>"            (R, or merging_store while merging)
 * The segment covers the origin's extents and has no areas; it has no
 * table line of its own: activation builds the device stack
 * (VG-ORIGIN-real, VG-SNAP-cow, snapshot, snapshot-origin) from it. */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "format_text/text_out.h"
#include "metadata/segtype.h"
#include "util/error.h"

static int snapshot_import(struct vg *vg, struct lv_seg *seg, const struct cfg_node *sn)
{
	const char *origin, *cow;
	const char *lvname = seg->lv->name;

	seg->merging = cfg_get_str(sn, "merging_store", &cow) == 0;
	if (!seg->merging && cfg_get_str(sn, "cow_store", &cow) < 0)
		return err_set(EINVAL, "couldn't read cow_store for snapshot segment %s of LV '%s'",
			       sn->key, lvname);
	if (cfg_get_str(sn, "origin", &origin) < 0)
		return err_set(EINVAL, "couldn't read origin for snapshot segment %s of LV '%s'",
			       sn->key, lvname);
	if (cfg_get_u32(sn, "chunk_size", &seg->chunk_size) < 0 || !seg->chunk_size)
		return err_set(EINVAL,
			       "couldn't read chunk_size for snapshot segment %s of LV '%s'",
			       sn->key, lvname);
	vg->snapshot_segs++;
	if (!(seg->origin = vg_find_lv(vg, origin)))
		return err_set(EINVAL, "unknown origin '%s' for snapshot LV '%s'", origin, lvname);
	if (!(seg->cow = vg_find_lv(vg, cow)))
		return err_set(EINVAL, "unknown COW store '%s' for snapshot LV '%s'", cow, lvname);
	if (seg->cow == seg->origin || lv_is_snapshot(seg->origin) || lv_is_snapshot(seg->cow))
		return err_set(EINVAL, "snapshot LV '%s' links '%s' and '%s' wrongly", lvname,
			       origin, cow);
	/* The fiction, as LVM2 re-derives it on import. */
	seg->lv->status &= ~(uint64_t)LV_VISIBLE;
	lv_snapshot_set_merging(seg, seg->merging);
	return 0;
}

static void snapshot_export(const struct vg *vg, const struct lv_seg *seg, struct text_out *o)
{
	(void)vg;
	out_line(o, NULL, "chunk_size = %u", seg->chunk_size);
	out_line(o, NULL, "origin = \"%s\"", seg->origin->name);
	out_line(o, NULL, "%s = \"%s\"", seg->merging ? "merging_store" : "cow_store",
		 seg->cow->name);
}

const struct segtype segtype_snapshot = {
    .name = "snapshot",
    .text_import = snapshot_import,
    .text_export = snapshot_export,
};

bool lv_is_snapshot(const struct lv *lv)
{
	return lv->segs && lv->segs->type == &segtype_snapshot;
}

struct lv_seg *lv_cow_seg(const struct lv *lv)
{
	if (!lv->vg->snapshot_segs)
		return NULL;
	for (const struct lv *l = lv->vg->lvs; l; l = l->next)
		if (lv_is_snapshot(l) && l->segs->cow == lv)
			return l->segs;
	return NULL;
}

bool lv_is_origin(const struct lv *lv)
{
	return lv_origin_snapshots(lv, NULL, 0) > 0;
}

unsigned lv_origin_snapshots(const struct lv *origin, struct lv_seg **segs, unsigned max)
{
	unsigned n = 0;

	if (!origin->vg->snapshot_segs)
		return 0;
	for (const struct lv *l = origin->vg->lvs; l; l = l->next)
		if (lv_is_snapshot(l) && l->segs->origin == origin) {
			if (n < max)
				segs[n] = l->segs;
			n++;
		}
	return n;
}

struct lv_seg *lv_merging_seg(const struct lv *origin)
{
	if (!origin->vg->snapshot_segs)
		return NULL;
	for (const struct lv *l = origin->vg->lvs; l; l = l->next)
		if (lv_is_snapshot(l) && l->segs->origin == origin && l->segs->merging)
			return l->segs;
	return NULL;
}

uint64_t lv_status_to_write(const struct lv *lv)
{
	if (lv_is_snapshot(lv))
		return lv->segs->merging ? lv->status & ~(uint64_t)LV_VISIBLE
					 : lv->status | LV_VISIBLE;
	if (lv_cow_seg(lv))
		return lv->status & ~(uint64_t)LV_VISIBLE;
	return lv->status;
}

void lv_snapshot_set_merging(struct lv_seg *seg, bool merging)
{
	seg->merging = merging;
	if (merging)
		seg->cow->status &= ~(uint64_t)LV_VISIBLE;
	else
		seg->cow->status |= LV_VISIBLE;
}

struct lv_seg *lv_snapshot_attach(struct vg *vg, struct lv *origin, struct lv *cow,
				  uint32_t chunk_size)
{
	char name[32];

	for (unsigned i = 0;; i++) {
		snprintf(name, sizeof(name), "snapshot%u", i);
		if (!vg_find_lv(vg, name))
			break;
	}
	struct lv *lv = vg_new_lv(vg, arena_strdup(&vg->arena, name));
	if (!lv)
		return NULL;
	lv->status &= ~(uint64_t)LV_VISIBLE;
	struct lv_seg *seg = lv_add_seg(lv, &segtype_snapshot, origin->le_count, 0);
	vg->snapshot_segs++;
	seg->origin = origin;
	seg->cow = cow;
	seg->chunk_size = chunk_size;
	lv_snapshot_set_merging(seg, false);
	return seg;
}

void lv_snapshot_detach(struct vg *vg, struct lv_seg *seg)
{
	seg->cow->status |= LV_VISIBLE;
	vg_remove_lv(vg, seg->lv);
}

/* dm-snap-persistent: a header chunk, then areas of one metadata chunk
 * and chunk*32 data chunks; LVM2 counts one more (terminating) area. */
uint64_t snapshot_cow_max_sectors(uint64_t origin_sectors, uint32_t chunk)
{
	uint64_t chunks = (origin_sectors + chunk - 1) / chunk;
	uint64_t per_area = (uint64_t)chunk * 32;
	uint64_t meta = (chunks + per_area) / per_area;

	return (1 + chunks + meta) * chunk;
}
