/* LV fields (LVM2's columns.h LVS, LVSINFO, LVSSTATUS, LVSINFOSTATUS
 * rows). What needs the device-mapper state asks the report's lv_info
 * callback; without one every such value is LVM2's "unknown". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report/report_int.h"
#include "metadata/segtype.h"
#include "util/strbuf.h"

#define O  (c->obj)
#define LV (c->obj->lv)

static void f_lv_uuid(const struct field_ctx *c, struct cell *v)
{
	cell_uuid(c, v, LV->id);
}
/* Hidden LVs show as "[name]" but sort and select by their bare name. */
static void f_lv_name(const struct field_ctx *c, struct cell *v)
{
	if (LV->status & LV_VISIBLE) {
		cell_str(c, v, LV->name);
		return;
	}
	cell_str(c, v, arena_printf(c->a, "[%s]", LV->name));
	v->sort_str = LV->name;
}
static void f_lv_full_name(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, arena_printf(c->a, "%s/%s", LV->vg->name, LV->name));
}
static void f_lv_path(const struct field_ctx *c, struct cell *v)
{
	const char *dev = c->o->dev_dir ? c->o->dev_dir : "/dev";

	cell_str(c, v,
		 LV->status & LV_VISIBLE
		     ? arena_printf(c->a, "%s/%s/%s", dev, LV->vg->name, LV->name)
		     : "");
}
/* Device-mapper names double each '-' of the VG and LV names. */
static void dm_name(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		sb_puts(sb, *s == '-' ? "--" : (char[2]){*s, 0});
}
static void f_lv_dm_path(const struct field_ctx *c, struct cell *v)
{
	struct strbuf sb = STRBUF_INIT;
	const char *dev = c->o->dev_dir ? c->o->dev_dir : "/dev";

	sb_printf(&sb, "%s/mapper/", dev);
	dm_name(&sb, LV->vg->name);
	sb_puts(&sb, "-");
	dm_name(&sb, LV->name);
	cell_str(c, v, sb_str(&sb));
	sb_release(&sb);
}
static void f_blank(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, "");
}
static bool lv_is_striped(const struct lv *lv)
{
	for (const struct lv_seg *s = lv->segs; s; s = s->next)
		if (s->type == &segtype_striped && s->area_count > 1)
			return true;
	return false;
}
static void f_lv_layout(const struct field_ctx *c, struct cell *v)
{
	const char *items[1] = {lv_is_striped(LV) ? "striped" : "linear"};

	if (LV->segs && LV->segs->type != &segtype_striped)
		items[0] = rep_seg_type_name(LV->segs);
	cell_strl(c, v, items, 1, ",", true);
}
static void f_lv_role(const struct field_ctx *c, struct cell *v)
{
	const char *items[4];
	unsigned n = 0;
	struct lv_seg *snaps[2];

	/* LVM2's order, not sorted: public/private first. */
	items[n++] = LV->status & LV_VISIBLE ? "public" : "private";
	if (rep_snapshot_of_cow(LV)) {
		items[n++] = "snapshot";
		items[n++] = "thicksnapshot";
	} else if (rep_lv_is_origin(LV)) {
		items[n++] = "origin";
		items[n++] = "thickorigin";
		if (lv_origin_snapshots(LV, snaps, 2) > 1)
			items[n++] = "multithickorigin";
	}
	cell_strl(c, v, items, n, ",", false);
}
static void f_lv_alloc(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, alloc_policy_name(LV->alloc));
}
static void f_lv_alloc_locked(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, LV->status & LV_LOCKED, "allocation locked");
}
static void f_lv_fixed_minor(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, LV->status & LV_FIXED_MINOR, "fixed minor");
}
static void f_lv_skip_act(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, LV->status & LV_ACTIVATION_SKIP, "skip activation");
}
static void f_lv_autoact(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, !(LV->status & LV_NOAUTOACTIVATE), "enabled");
}
static void f_lv_active(const struct field_ctx *c, struct cell *v)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	cell_str(c, v, !i.known ? "unknown" : i.exists ? "active" : "");
}
static void active_bin(const struct field_ctx *c, struct cell *v, const char *word)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	if (!i.known) {
		cell_bin(c, v, false, "");
		v->str = c->o->binary ? "-1" : "unknown";
		v->undef = true;
		return;
	}
	cell_bin(c, v, i.exists, word);
}
/* Thin pool and cache facts: never known for the LVs here (LVM2's
 * undefined values, blank and "unknown"/-1). */
static void f_lv_when_full(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, "");
}
static void f_lv_check_needed(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "");
	v->str = c->o->binary ? "-1" : "unknown";
	v->undef = true;
}
static void f_lv_active_locally(const struct field_ctx *c, struct cell *v)
{
	active_bin(c, v, "active locally");
}
static void f_lv_active_remotely(const struct field_ctx *c, struct cell *v)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	active_bin(c, v, "");
	if (i.known)
		cell_bin(c, v, false, "active remotely");
}
static void f_lv_active_excl(const struct field_ctx *c, struct cell *v)
{
	active_bin(c, v, "active exclusively");
}
static void f_lv_major(const struct field_ctx *c, struct cell *v)
{
	cell_snum(c, v, LV->major);
}
static void f_lv_minor(const struct field_ctx *c, struct cell *v)
{
	cell_snum(c, v, LV->minor);
}
static void f_lv_read_ahead(const struct field_ctx *c, struct cell *v)
{
	if (LV->read_ahead == READ_AHEAD_AUTO || LV->read_ahead < 0) {
		cell_str(c, v, "auto");
		v->num = -1;
		return;
	}
	cell_size(c, v, (uint64_t)LV->read_ahead);
}
static void f_lv_size(const struct field_ctx *c, struct cell *v)
{
	cell_size(c, v, (uint64_t)LV->le_count * LV->vg->extent_size);
}
static void f_seg_count(const struct field_ctx *c, struct cell *v)
{
	unsigned n = 0;

	for (const struct lv_seg *s = LV->segs; s; s = s->next)
		n++;
	cell_num(c, v, n);
}
static const struct lv *origin_of(const struct lv *lv)
{
	const struct lv_seg *s = rep_snapshot_of_cow(lv);

	return s ? s->origin : NULL;
}
/* Thick snapshots only: a snapshot's ancestor is its origin, an origin's
 * descendants are its snapshots in the metadata's order (LVM2 leaves
 * these lists unsorted). No history is kept, so the "full" forms match. */
static void f_lv_ancestors(const struct field_ctx *c, struct cell *v)
{
	const struct lv *o = origin_of(LV);
	const char *name = o ? o->name : NULL;

	cell_strl(c, v, &name, o ? 1 : 0, ",", false);
}
static void f_lv_descendants(const struct field_ctx *c, struct cell *v)
{
	struct lv_seg *segs[256];
	const char *names[256];
	unsigned n = lv_origin_snapshots(LV, segs, 256);

	for (unsigned i = 0; i < n && i < 256; i++)
		names[i] = segs[i]->cow->name;
	cell_strl(c, v, names, n < 256 ? n : 256, ",", false);
}
static void f_lv_merging(const struct field_ctx *c, struct cell *v)
{
	const struct lv_seg *s = rep_snapshot_of_cow(LV);

	cell_bin(c, v, s ? s->merging : lv_merging_seg(LV) != NULL, "merging");
}
static void f_origin(const struct field_ctx *c, struct cell *v)
{
	const struct lv *o = origin_of(LV);

	cell_str(c, v, o ? o->name : "");
}
static void f_origin_uuid(const struct field_ctx *c, struct cell *v)
{
	const struct lv *o = origin_of(LV);

	if (o)
		cell_uuid(c, v, o->id);
	else
		cell_str(c, v, "");
}
static void f_origin_size(const struct field_ctx *c, struct cell *v)
{
	const struct lv *o = origin_of(LV);

	cell_size(c, v, o ? (uint64_t)o->le_count * o->vg->extent_size : 0);
	if (!o)
		cell_str(c, v, "");
}
static void f_lv_tags(const struct field_ctx *c, struct cell *v)
{
	cell_tags(c, v, LV->tags);
}
static void f_lv_profile(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, LV->profile ? LV->profile : "");
}
static void f_lv_lockargs(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, LV->lock_args ? LV->lock_args : "");
}
/* LVM2's default time format, local time: "2024-01-31 12:00:00 +0100". */
static void f_lv_time(const struct field_ctx *c, struct cell *v)
{
	char buf[64] = "";
	time_t t = (time_t)LV->creation_time;
	struct tm tm;

	if (t && localtime_r(&t, &tm))
		strftime(buf, sizeof(buf), "%Y-%m-%d %T %z", &tm);
	cell_str(c, v, buf);
	v->num = (double)LV->creation_time;
}
static void f_lv_host(const struct field_ctx *c, struct cell *v)
{
	cell_str(c, v, LV->creation_host ? LV->creation_host : "");
}
static void f_lv_modules(const struct field_ctx *c, struct cell *v)
{
	const char *items[1] = {"snapshot"};

	cell_strl(c, v, items, rep_snapshot_of_cow(LV) || rep_lv_is_origin(LV) ? 1 : 0, ",", true);
}
static void f_lv_historical(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "historical");
}
/* Mirror/RAID states: no such LVs here, so never set. */
static void f_lv_initial_image_sync(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "initial image sync");
}
static void f_lv_image_synced(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "image synced");
}
static void f_lv_converting(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "converting");
}

/* --- device info --- */
static void info_num(const struct field_ctx *c, struct cell *v, bool minor)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	cell_snum(c, v, i.known && i.exists ? (minor ? i.minor : i.major) : -1);
}
static void f_lv_kmaj(const struct field_ctx *c, struct cell *v)
{
	info_num(c, v, false);
}
static void f_lv_kmin(const struct field_ctx *c, struct cell *v)
{
	info_num(c, v, true);
}
static void f_lv_kread_ahead(const struct field_ctx *c, struct cell *v)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	if (i.known && i.exists)
		cell_size(c, v, i.read_ahead);
	else
		cell_snum(c, v, -1);
}
static void f_lv_permissions(const struct field_ctx *c, struct cell *v)
{
	struct report_lv_info i;
	const char *p = "unknown";

	rep_lv_info(c, LV, &i);
	if (LV->status & LV_WRITE) {
		if (i.known && i.exists)
			p = i.read_only ? "read-only-override" : "writeable";
	} else if (LV->status & LV_READ) {
		p = "read-only";
	}
	cell_str(c, v, p);
}
/* A flag of an existing device; "unknown" (-1) when there is none. */
static void info_bin(const struct field_ctx *c, struct cell *v, int which, const char *word)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	if (!i.known || !i.exists) {
		cell_bin(c, v, false, "");
		v->str = c->o->binary ? "-1" : "unknown";
		v->undef = true;
		return;
	}
	bool b = which == 0   ? i.suspended
		 : which == 1 ? i.live_table
		 : which == 2 ? i.inactive_table
			      : i.open_count > 0;
	cell_bin(c, v, b, word);
}
static void f_lv_suspended(const struct field_ctx *c, struct cell *v)
{
	info_bin(c, v, 0, "suspended");
}
static void f_lv_live_table(const struct field_ctx *c, struct cell *v)
{
	info_bin(c, v, 1, "live table present");
}
static void f_lv_inactive_table(const struct field_ctx *c, struct cell *v)
{
	info_bin(c, v, 2, "inactive table present");
}
static void f_lv_device_open(const struct field_ctx *c, struct cell *v)
{
	info_bin(c, v, 3, "open");
}

/* --- device status --- */
static void f_snap_percent(const struct field_ctx *c, struct cell *v)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	bool snap = rep_snapshot_of_cow(LV) != NULL || lv_merging_seg(LV);
	cell_pct(c, v, snap && i.known && i.exists && i.snap_percent_known && !i.snap_invalid,
		 i.snap_percent);
}
static void f_pct_blank(const struct field_ctx *c, struct cell *v)
{
	cell_pct(c, v, false, 0);
}
static void f_lv_health(const struct field_ctx *c, struct cell *v)
{
	bool partial = false;

	for (const struct lv_seg *s = LV->segs; s; s = s->next)
		for (uint32_t a = 0; a < s->area_count; a++)
			if (s->areas[a].type == AREA_PV && (s->areas[a].pv->status & PV_MISSING))
				partial = true;
	cell_str(c, v, partial ? "partial" : "");
}
static void f_lv_snap_invalid(const struct field_ctx *c, struct cell *v)
{
	struct report_lv_info i;

	rep_lv_info(c, LV, &i);
	if (!rep_snapshot_of_cow(LV)) {
		cell_bin(c, v, false, "snapshot invalid");
		return;
	}
	if (!i.known || !i.exists) {
		cell_bin(c, v, false, "");
		v->str = c->o->binary ? "-1" : "unknown";
		v->undef = true;
		return;
	}
	cell_bin(c, v, i.snap_invalid, "snapshot invalid");
}
static void f_lv_merge_failed(const struct field_ctx *c, struct cell *v)
{
	cell_bin(c, v, false, "merge failed");
}

/* lv_attr: type, permission, allocation, fixed minor, state, open, target
 * type, zero, health, skip activation (lv_attr_dup in LVM2). */
static void f_lv_attr(const struct field_ctx *c, struct cell *v)
{
	static const char alloc[] = {
	    [ALLOC_INHERIT] = 'i',	 [ALLOC_CONTIGUOUS] = 'c', [ALLOC_CLING] = 'l',
	    [ALLOC_CLING_BY_TAGS] = 't', [ALLOC_NORMAL] = 'n',	   [ALLOC_ANYWHERE] = 'a',
	};
	struct report_lv_info i;
	const struct lv_seg *snap = rep_snapshot_of_cow(LV);
	bool origin = rep_lv_is_origin(LV);
	char s[11] = "----------";

	rep_lv_info(c, LV, &i);
	s[0] = origin ? (lv_merging_seg(LV) ? 'O' : 'o') : snap ? (snap->merging ? 'S' : 's') : '-';
	s[1] = LV->status & LV_WRITE ? 'w' : LV->status & LV_READ ? 'r' : '-';
	s[2] = alloc[LV->alloc];
	if (LV->status & LV_LOCKED)
		s[2] = (char)(s[2] - 'a' + 'A');
	s[3] = LV->status & LV_FIXED_MINOR ? 'm' : '-';
	if (!i.known) {
		s[4] = s[5] = 'X';
	} else if (i.exists) {
		s[4] = i.suspended ? 's' : i.live_table ? 'a' : i.inactive_table ? 'i' : 'd';
		if (snap && i.live_table && i.snap_invalid)
			s[4] = i.suspended ? 'S' : 'I';
		if (s[1] != 'r' && i.read_only)
			s[1] = 'R';
		s[5] = i.open_count ? 'o' : '-';
	}
	s[6] = snap || origin ? 's' : '-';
	for (const struct lv_seg *g = LV->segs; g && s[6] == '-'; g = g->next)
		if (g->type != &segtype_striped)
			s[6] = 'u';
	for (const struct lv_seg *g = LV->segs; g; g = g->next)
		for (uint32_t a = 0; a < g->area_count; a++)
			if (g->areas[a].type == AREA_PV && (g->areas[a].pv->status & PV_MISSING))
				s[8] = 'p';
	s[9] = LV->status & LV_ACTIVATION_SKIP ? 'k' : '-';
	cell_str(c, v, s);
}

#define F(id, head, w, t, sec, fn, desc)                                                           \
	{                                                                                          \
		id, head, w, t, sec, fn, desc                                                      \
	}
const struct field_def report_fields_lv[] = {
    F("lv_uuid", "LV UUID", 38, FT_STR, SEC_LV, f_lv_uuid, "Unique identifier."),
    F("lv_name", "LV", 4, FT_STR, SEC_LV, f_lv_name,
      "Name.  LVs created for internal use are enclosed in brackets."),
    F("lv_full_name", "LV", 4, FT_STR, SEC_LV, f_lv_full_name,
      "Full name of LV including its VG, namely VG/LV."),
    F("lv_path", "Path", 0, FT_STR, SEC_LV, f_lv_path,
      "Full pathname for LV. Blank for internal LVs."),
    F("lv_dm_path", "DMPath", 0, FT_STR, SEC_LV, f_lv_dm_path,
      "Internal device-mapper pathname for LV (in /dev/mapper directory)."),
    F("lv_parent", "Parent", 0, FT_STR, SEC_LV, f_blank,
      "For LVs that are components of another LV, the parent LV."),
    F("lv_layout", "Layout", 10, FT_STRL, SEC_LV, f_lv_layout, "LV layout."),
    F("lv_role", "Role", 10, FT_STRL, SEC_LV, f_lv_role, "LV role."),
    F("lv_initial_image_sync", "InitImgSyn", 10, FT_BIN, SEC_LV, f_lv_initial_image_sync,
      "Set if mirror/RAID images underwent initial resynchronization."),
    F("lv_image_synced", "ImgSynced", 10, FT_BIN, SEC_LV, f_lv_image_synced,
      "Set if mirror/RAID image is synchronized."),
    F("lv_merging", "Merging", 10, FT_BIN, SEC_LV, f_lv_merging,
      "Set if snapshot LV is being merged to origin."),
    F("lv_converting", "Converting", 0, FT_BIN, SEC_LV, f_lv_converting,
      "Set if LV is being converted."),
    F("lv_allocation_policy", "AllocPol", 10, FT_STR, SEC_LV, f_lv_alloc, "LV allocation policy."),
    F("lv_allocation_locked", "AllocLock", 10, FT_BIN, SEC_LV, f_lv_alloc_locked,
      "Set if LV is locked against allocation changes."),
    F("lv_fixed_minor", "FixMin", 10, FT_BIN, SEC_LV, f_lv_fixed_minor,
      "Set if LV has fixed minor number assigned."),
    F("lv_skip_activation", "SkipAct", 15, FT_BIN, SEC_LV, f_lv_skip_act,
      "Set if LV is skipped on activation."),
    F("lv_autoactivation", "AutoAct", 0, FT_BIN, SEC_LV, f_lv_autoact,
      "Set if LV autoactivation is enabled."),
    F("lv_when_full", "WhenFull", 15, FT_STR, SEC_LV, f_lv_when_full,
      "For thin pools, behavior when full."),
    F("lv_active", "Active", 0, FT_STR, SEC_LV, f_lv_active, "Active state of the LV."),
    F("lv_active_locally", "ActLocal", 10, FT_BIN, SEC_LV, f_lv_active_locally,
      "Set if the LV is active locally."),
    F("lv_active_remotely", "ActRemote", 10, FT_BIN, SEC_LV, f_lv_active_remotely,
      "Set if the LV is active remotely."),
    F("lv_active_exclusively", "ActExcl", 10, FT_BIN, SEC_LV, f_lv_active_excl,
      "Set if the LV is active exclusively."),
    F("lv_major", "Maj", 0, FT_SNUM, SEC_LV, f_lv_major,
      "Persistent major number or -1 if not persistent."),
    F("lv_minor", "Min", 0, FT_SNUM, SEC_LV, f_lv_minor,
      "Persistent minor number or -1 if not persistent."),
    F("lv_read_ahead", "Rahead", 0, FT_SIZ, SEC_LV, f_lv_read_ahead,
      "Read ahead setting in current units."),
    F("lv_size", "LSize", 0, FT_SIZ, SEC_LV, f_lv_size, "Size of LV in current units."),
    F("lv_metadata_size", "MSize", 0, FT_SIZ, SEC_LV, f_blank,
      "For thin and cache pools, the size of the LV that holds the metadata."),
    F("seg_count", "#Seg", 0, FT_NUM, SEC_LV, f_seg_count, "Number of segments in LV."),
    F("origin", "Origin", 0, FT_STR, SEC_LV, f_origin,
      "For snapshots and thins, the origin device of this LV."),
    F("origin_uuid", "Origin UUID", 38, FT_STR, SEC_LV, f_origin_uuid,
      "For snapshots and thins, the UUID of origin device of this LV."),
    F("origin_size", "OSize", 0, FT_SIZ, SEC_LV, f_origin_size,
      "For snapshots, the size of the origin device of this LV."),
    F("lv_ancestors", "Ancestors", 0, FT_STRL, SEC_LV, f_lv_ancestors,
      "LV ancestors ignoring any stored history of the ancestry chain."),
    F("lv_full_ancestors", "FAncestors", 0, FT_STRL, SEC_LV, f_lv_ancestors,
      "LV ancestors including stored history of the ancestry chain."),
    F("lv_descendants", "Descendants", 0, FT_STRL, SEC_LV, f_lv_descendants,
      "LV descendants ignoring any stored history of the ancestry chain."),
    F("lv_full_descendants", "FDescendants", 0, FT_STRL, SEC_LV, f_lv_descendants,
      "LV descendants including stored history of the ancestry chain."),
    F("move_pv", "Move", 0, FT_STR, SEC_LV, f_blank,
      "For pvmove, Source PV of temporary LV created by pvmove."),
    F("move_pv_uuid", "Move UUID", 38, FT_STR, SEC_LV, f_blank,
      "For pvmove, the UUID of Source PV of temporary LV created by pvmove."),
    F("convert_lv", "Convert", 0, FT_STR, SEC_LV, f_blank,
      "For lvconvert, Name of temporary LV created by lvconvert."),
    F("convert_lv_uuid", "Convert UUID", 38, FT_STR, SEC_LV, f_blank,
      "For lvconvert, UUID of temporary LV created by lvconvert."),
    F("mirror_log", "Log", 0, FT_STR, SEC_LV, f_blank,
      "For mirrors, the LV holding the synchronisation log."),
    F("mirror_log_uuid", "Log UUID", 38, FT_STR, SEC_LV, f_blank,
      "For mirrors, the UUID of the LV holding the synchronisation log."),
    F("data_lv", "Data", 0, FT_STR, SEC_LV, f_blank,
      "For cache/thin/vdo pools, the LV holding the associated data."),
    F("metadata_lv", "Meta", 0, FT_STR, SEC_LV, f_blank,
      "For cache/thin pools, the LV holding the associated metadata."),
    F("pool_lv", "Pool", 0, FT_STR, SEC_LV, f_blank,
      "For cache/thin/vdo volumes, the cache/thin/vdo pool LV for this volume."),
    F("lv_tags", "LV Tags", 0, FT_STRL, SEC_LV, f_lv_tags, "Tags, if any."),
    F("lv_profile", "LProfile", 0, FT_STR, SEC_LV, f_lv_profile,
      "Configuration profile attached to this LV."),
    F("lv_lockargs", "LLockArgs", 0, FT_STR, SEC_LV, f_lv_lockargs,
      "Lock args of the LV used by lvmlockd."),
    F("lv_time", "CTime", 26, FT_TIM, SEC_LV, f_lv_time, "Creation time of the LV, if known"),
    F("lv_host", "Host", 10, FT_STR, SEC_LV, f_lv_host, "Creation host of the LV, if known."),
    F("lv_modules", "Modules", 0, FT_STRL, SEC_LV, f_lv_modules,
      "Kernel device-mapper modules required for this LV."),
    F("lv_historical", "Historical", 0, FT_BIN, SEC_LV, f_lv_historical,
      "Set if the LV is historical."),
    F("lv_kernel_major", "KMaj", 0, FT_SNUM, SEC_LVINFO, f_lv_kmaj,
      "Currently assigned major number or -1 if LV is not active."),
    F("lv_kernel_minor", "KMin", 0, FT_SNUM, SEC_LVINFO, f_lv_kmin,
      "Currently assigned minor number or -1 if LV is not active."),
    F("lv_kernel_read_ahead", "KRahead", 0, FT_SIZ, SEC_LVINFO, f_lv_kread_ahead,
      "Currently-in-use read ahead setting in current units."),
    F("lv_permissions", "LPerms", 8, FT_STR, SEC_LVINFO, f_lv_permissions, "LV permissions."),
    F("lv_suspended", "Suspended", 10, FT_BIN, SEC_LVINFO, f_lv_suspended,
      "Set if LV is suspended."),
    F("lv_live_table", "LiveTable", 20, FT_BIN, SEC_LVINFO, f_lv_live_table,
      "Set if LV has live table present."),
    F("lv_inactive_table", "InactiveTable", 20, FT_BIN, SEC_LVINFO, f_lv_inactive_table,
      "Set if LV has inactive table present."),
    F("lv_device_open", "DevOpen", 10, FT_BIN, SEC_LVINFO, f_lv_device_open,
      "Set if LV device is open."),
    F("data_percent", "Data%", 6, FT_PCT, SEC_LVSTATUS, f_snap_percent,
      "For snapshot, cache and thin pools and volumes, the percentage full if LV is active."),
    F("snap_percent", "Snap%", 6, FT_PCT, SEC_LVSTATUS, f_snap_percent,
      "For snapshots, the percentage full if LV is active."),
    F("metadata_percent", "Meta%", 6, FT_PCT, SEC_LVSTATUS, f_pct_blank,
      "For cache and thin pools, the percentage of metadata full if LV is active."),
    F("copy_percent", "Cpy%Sync", 0, FT_PCT, SEC_LVSTATUS, f_pct_blank,
      "For Cache, RAID, mirrors and pvmove, current percentage in-sync."),
    F("sync_percent", "Cpy%Sync", 0, FT_PCT, SEC_LVSTATUS, f_pct_blank,
      "For Cache, RAID, mirrors and pvmove, current percentage in-sync."),
    F("lv_health_status", "Health", 15, FT_STR, SEC_LVSTATUS, f_lv_health, "LV health status."),
    F("lv_check_needed", "CheckNeeded", 15, FT_BIN, SEC_LVSTATUS, f_lv_check_needed,
      "For thin pools and cache volumes, whether metadata check is needed."),
    F("lv_merge_failed", "MergeFailed", 15, FT_BIN, SEC_LVSTATUS, f_lv_merge_failed,
      "Set if snapshot merge failed."),
    F("lv_snapshot_invalid", "SnapInvalid", 15, FT_BIN, SEC_LVSTATUS, f_lv_snap_invalid,
      "Set if snapshot LV is invalid."),
    F("lv_attr", "Attr", 0, FT_STR, SEC_LVINFOSTATUS, f_lv_attr,
      "Various attributes - see man page."),
};
const unsigned report_n_fields_lv = sizeof(report_fields_lv) / sizeof(report_fields_lv[0]);
