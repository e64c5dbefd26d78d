/* pvdisplay/lvdisplay/vgdisplay -v blocks (display.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "display.h"
#include "metadata/segtype.h"
#include "metadata/uuid.h"
#include "report_cmd.h"
#include "snapshot.h"

/* LVM2's status bits, as its colon forms print them raw. */
enum {
	LVM2_EXPORTED = 0x2,
	LVM2_RESIZEABLE = 0x4,
	LVM2_ALLOCATABLE = 0x8,
	LVM2_READ = 0x100,
	LVM2_WRITE = 0x200,
	LVM2_CLUSTERED = 0x400,
	LVM2_MISSING_PV = 0x800000,
};

const char *display_size(struct lvm_ctx *ctx, uint64_t sectors)
{
	struct units u = lvm_display_units(ctx, 'r');
	char buf[64];

	units_format_form(&u, sectors, true, buf, sizeof(buf));
	return arena_strdup(&ctx->arena, buf);
}

static const char *uuid_str(struct lvm_ctx *ctx, const char *id)
{
	char out[UUID_DASHED_LEN + 1];

	if (!id[0])
		return "none";
	uuid_format(id, out);
	return arena_strdup(&ctx->arena, out);
}

const char *display_pv_name(const struct pv *pv)
{
	return pv->device && !(pv->status & PV_MISSING) ? pv->device : "[unknown]";
}

/* ---- logical volumes ---- */

static bool lv_partial(const struct lv *lv)
{
	for (const struct lv_seg *s = lv->segs; s; s = s->next)
		for (uint32_t a = 0; a < s->area_count; a++)
			if (s->areas[a].type == AREA_PV && s->areas[a].pv &&
			    (s->areas[a].pv->status & PV_MISSING))
				return true;
	return false;
}

static unsigned lv_seg_count(const struct lv *lv)
{
	unsigned n = 0;

	for (const struct lv_seg *s = lv->segs; s; s = s->next)
		n++;
	return n;
}

static const char *creation_time(struct lvm_ctx *ctx, const struct lv *lv)
{
	time_t t = (time_t)lv->creation_time;
	struct tm tm;
	char buf[64];

	if (!lv->creation_time || !localtime_r(&t, &tm))
		return "";
	strftime(buf, sizeof(buf), "%Y-%m-%d %T %z", &tm);
	return arena_strdup(&ctx->arena, buf);
}

/* The name lines: LVM2's global/lvdisplay_shows_full_device_path prints
 * the path as the name. */
static void lv_full_names(struct lvm_ctx *ctx, const struct lv *lv)
{
	if (lvm_config_int(ctx, "global/lvdisplay_shows_full_device_path", 0)) {
		lvm_print("LV Name                %s", lvm_lv_path(ctx, lv));
	} else if (lv->status & LV_VISIBLE) {
		lvm_print("LV Path                %s", lvm_lv_path(ctx, lv));
		lvm_print("LV Name                %s", lv->name);
	} else {
		lvm_print("Internal LV Name       %s", lv->name);
	}
}

/* Lines between "LV Creation host, time" and "LV Status": LVM2 puts the
 * snapshot, thin, cache and VDO relations here. */
static void lv_full_relations(struct lvm_ctx *ctx, const struct lv *lv,
			      const struct lvm_lv_state *st)
{
	struct lvm_snap_status ss;
	const struct lv_seg *snap = lv_cow_seg(lv);
	struct lv_seg *segs[256];
	unsigned n = lv_origin_snapshots(lv, segs, 256);

	(void)st;
	if (n) {
		lvm_print("LV snapshot status     source of");
		for (unsigned i = 0; i < n && i < 256; i++) {
			bool on = lvm_snap_status(ctx, segs[i]->cow, &ss) == 0 && !ss.invalid;
			lvm_print("                       %s [%s]", segs[i]->cow->name,
				  on ? "active" : "INACTIVE");
		}
	} else if (snap) {
		bool on = lvm_snap_status(ctx, lv, &ss) == 0 && !ss.invalid;
		lvm_print("LV snapshot status     %s destination for %s",
			  on ? "active" : "INACTIVE", snap->origin->name);
	}
}

/* Lines between "Current LE" and "Segments": LVM2's COW table and
 * snapshot chunk lines, mirror counts. */
static void lv_full_extras(struct lvm_ctx *ctx, const struct lv *lv, const struct lvm_lv_state *st)
{
	const struct lv_seg *snap = lv_cow_seg(lv);
	struct lvm_snap_status ss;

	(void)st;
	if (!snap)
		return;
	lvm_print("COW-table size         %s",
		  display_size(ctx, (uint64_t)lv->le_count * lv->vg->extent_size));
	lvm_print("COW-table LE           %u", lv->le_count);
	if (lvm_snap_status(ctx, lv, &ss) == 0 && !ss.invalid)
		lvm_print("Allocated to snapshot  %.2f%%", lvm_snap_percent(&ss));
	lvm_print("Snapshot chunk size    %s", display_size(ctx, snap->chunk_size));
}

/* The LV a snapshot stands for in "LV Size"/"Current LE": its origin. */
static const struct lv *lv_full_sized(const struct lv *lv)
{
	const struct lv_seg *snap = lv_cow_seg(lv);
	return snap ? snap->origin : lv;
}

/* The size LVM2 prints as "LV Size" (a snapshot's is its origin's). */
static uint64_t lv_full_size(const struct lv *lv)
{
	lv = lv_full_sized(lv);
	return (uint64_t)lv->le_count * lv->vg->extent_size;
}

void display_lv_full(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct lvm_lv_state st;
	const char *access;

	if (lvm_lv_state(ctx, lv, &st) < 0)
		memset(&st, 0, sizeof(st));
	if ((lv->status & LV_WRITE) && st.active && st.read_only)
		access = "read/write (activated read only)";
	else if (lv->status & LV_WRITE)
		access = "read/write";
	else
		access = "read only";

	lvm_print("--- Logical volume ---");
	lv_full_names(ctx, lv);
	lvm_print("VG Name                %s", lv->vg->name);
	lvm_print("LV UUID                %s", uuid_str(ctx, lv->id));
	lvm_print("LV Write Access        %s", access);
	lvm_print("LV Creation host, time %s, %s", lv->creation_host ? lv->creation_host : "",
		  creation_time(ctx, lv));
	lv_full_relations(ctx, lv, &st);
	if (st.active && st.suspended)
		lvm_print("LV Status              suspended");
	else
		lvm_print("LV Status              %savailable%s", st.active ? "" : "NOT ",
			  lv_partial(lv) ? " (partial)" : "");
	if (st.active)
		lvm_print("# open                 %u", st.open_count);
	lvm_print("LV Size                %s", display_size(ctx, lv_full_size(lv)));
	lvm_print("Current LE             %u", lv_full_sized(lv)->le_count);
	lv_full_extras(ctx, lv, &st);
	lvm_print("Segments               %u", lv_seg_count(lv));
	lvm_print("Allocation             %s", alloc_policy_name(lv->alloc));
	if (lv->read_ahead == READ_AHEAD_AUTO)
		lvm_print("Read ahead sectors     auto");
	else if (lv->read_ahead < 0)
		lvm_print("Read ahead sectors     0");
	else
		lvm_print("Read ahead sectors     %" PRId64, lv->read_ahead);
	/* ulvmd's devices read ahead 256 sectors, as lvs reports. */
	if (st.active && lv->read_ahead != 256)
		lvm_print("- currently set to     %u", 256u);
	if (lv->status & LV_FIXED_MINOR) {
		if (lv->major >= 0)
			lvm_print("Persistent major       %d", lv->major);
		lvm_print("Persistent minor       %d", lv->minor);
	}
	/* LVM2 prints the dm device; ulvm's LV is a block device only while
	 * one is attached to it. */
	if (st.active && st.blockdev[0])
		lvm_print("Block device           %u:%u", st.major, st.minor);
	lvm_print(" ");
}

/* LVM2's display_stripe(): one area of a segment. */
static void display_area(const struct lv_seg *seg, uint32_t a, const char *pre)
{
	const struct seg_area *area = &seg->areas[a];

	if (area->type == AREA_PV) {
		lvm_print("%sPhysical volume\t%s", pre,
			  area->pv ? display_pv_name(area->pv) : "Missing");
		if (area->pv)
			lvm_print("%sPhysical extents\t%u to %u", pre, area->start,
				  area->start + seg->area_len - 1);
	} else if (area->lv) {
		lvm_print("%sLogical volume\t%s", pre, area->lv->name);
		lvm_print("%sLogical extents\t%u to %u", pre, area->start,
			  area->start + seg->area_len - 1);
	} else {
		lvm_print("%sLogical volume\tMissing", pre);
	}
}

static bool seg_is_striped(const struct lv_seg *seg)
{
	return !strcmp(seg->type->name, "striped");
}

/* LVM2's lvseg_name(): a one-stripe striped segment is "linear". */
static const char *seg_type_name(const struct lv_seg *seg)
{
	if (seg_is_striped(seg) && seg->area_count == 1)
		return "linear";
	return seg->type->name;
}

/* The type's own lines (LVM2's segtype display op). */
static void display_seg_body(struct lvm_ctx *ctx, const struct lv_seg *seg)
{
	if (!seg_is_striped(seg))
		return;
	if (seg->area_count == 1) {
		display_area(seg, 0, "  ");
	} else {
		lvm_print("  Stripes\t\t%u", seg->area_count);
		lvm_print("  Stripe size\t\t%s", display_size(ctx, seg->stripe_size));
		for (uint32_t a = 0; a < seg->area_count; a++) {
			lvm_print("  Stripe %u:", a);
			display_area(seg, a, "    ");
		}
	}
	lvm_print(" ");
}

/* LVM2's lv_is_virtual(): an LV whose extents map to no device. */
static bool lv_is_virtual(const struct lv *lv)
{
	const char *t = lv->segs ? lv->segs->type->name : "";

	return !strcmp(t, "zero") || !strcmp(t, "error") || !strcmp(t, "thin") || !strcmp(t, "vdo");
}

void display_lv_segments(struct lvm_ctx *ctx, const struct lv *lv)
{
	lvm_print("--- Segments ---");
	for (const struct lv_seg *s = lv->segs; s; s = s->next) {
		lvm_print("%s extents %u to %u:", lv_is_virtual(lv) ? "Virtual" : "Logical", s->le,
			  s->le + s->len - 1);
		lvm_print("  Type\t\t%s", seg_type_name(s));
		display_seg_body(ctx, s);
	}
	lvm_print(" ");
}

void display_lv_colons(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct lvm_lv_state st;
	int64_t read_ahead = lv->read_ahead;

	if (lvm_lv_state(ctx, lv, &st) < 0)
		memset(&st, 0, sizeof(st));
	/* LVM2 prints its uint32 read_ahead with %d: auto is -1, none 0. */
	if (read_ahead == READ_AHEAD_AUTO)
		read_ahead = -1;
	else if (read_ahead < 0)
		read_ahead = 0;
	lvm_print("%s:%s:%u:%d:-1:%u:%" PRIu64 ":%u:-1:%d:%" PRId64 ":%d:%d", lvm_lv_path(ctx, lv),
		  lv->vg->name,
		  (lv->status & LV_READ ? 1u : 0u) | (lv->status & LV_WRITE ? 2u : 0u) |
		      (st.active && st.read_only ? 4u : 0u),
		  st.active ? 1 : 0, st.active ? st.open_count : 0u, lv_full_size(lv), lv->le_count,
		  lv->alloc == ALLOC_CONTIGUOUS ? 2 : 0, read_ahead, st.active ? (int)st.major : -1,
		  st.active ? (int)st.minor : -1);
}

/* ---- physical volumes ---- */

static uint32_t pv_alloc_count(const struct vg *vg, const struct pv *pv)
{
	return lvm_vg_is_orphan(vg) ? 0 : pv->pe_count - pv_free_extents(vg, pv);
}

void display_pv_full(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv)
{
	bool orphan = lvm_vg_is_orphan(vg);
	uint64_t pe_size = orphan ? 0 : vg->extent_size;
	uint64_t data = pv->pe_count * pe_size, size, unusable;
	uint32_t alloc = pv_alloc_count(vg, pv), pe_free = pv->pe_count - alloc;

	/* LVM2's arithmetic, the odd second branch included. */
	if (pv->dev_size > data + pv->pe_start) {
		size = pv->dev_size;
		unusable = size - data;
	} else {
		size = data + pv->pe_start;
		unusable = size - pv->dev_size;
	}
	lvm_print("--- %sPhysical volume ---", pe_size ? "" : "NEW ");
	lvm_print("PV Name               %s", display_pv_name(pv));
	lvm_print("VG Name               %s%s", orphan ? "" : vg->name,
		  (vg->status & VG_EXPORTED) ? " (exported)" : "");
	if (data)
		lvm_print("PV Size               %s / not usable %s", display_size(ctx, size),
			  display_size(ctx, unusable));
	else
		lvm_print("PV Size               %s", display_size(ctx, size));
	if (pv->pe_count && (pv->status & PV_ALLOCATABLE))
		lvm_print("Allocatable           yes %s", pe_free ? "" : "(but full)");
	else
		lvm_print("Allocatable           NO");
	lvm_print("PE Size               %s", display_size(ctx, pe_size));
	lvm_print("Total PE              %u", pv->pe_count);
	lvm_print("Free PE               %u", pe_free);
	lvm_print("Allocated PE          %u", alloc);
	lvm_print("PV UUID               %s", uuid_str(ctx, pv->id));
	lvm_print(" ");
}

static int stretch_cmp(const void *a, const void *b)
{
	const struct pv_stretch *x = a, *y = b;

	return x->pe < y->pe ? -1 : x->pe > y->pe;
}

size_t display_pv_stretches(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv,
			    struct pv_stretch **out)
{
	struct pv_stretch *used = NULL;
	size_t n = 0, cap = 0;

	for (const struct lv *lv = lvm_vg_is_orphan(vg) ? NULL : vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++) {
				if (s->areas[a].type != AREA_PV || s->areas[a].pv != pv)
					continue;
				if (n == cap) {
					struct pv_stretch *m = arena_alloc(
					    &ctx->arena, (cap = cap * 2 + 16) * sizeof(*m));
					if (n)
						memcpy(m, used, n * sizeof(*m));
					used = m;
				}
				used[n++] = (struct pv_stretch){s->areas[a].start, s->area_len, s};
			}
	if (n)
		qsort(used, n, sizeof(*used), stretch_cmp);
	*out = used;
	return n;
}

void display_pv_segments(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv)
{
	struct pv_stretch *used;

	if (!lvm_vg_is_orphan(vg))
		lvm_print("--- Physical Segments ---");
	size_t n = display_pv_stretches(ctx, vg, pv, &used);
	uint32_t pe = 0;
	for (size_t i = 0; i <= n; i++) {
		uint32_t next = i < n ? used[i].pe : pv->pe_count;
		if (next > pe) {
			lvm_print("Physical extent %u to %u:", pe, next - 1);
			lvm_print("  FREE");
		}
		if (i == n)
			break;
		const struct lv_seg *s = used[i].seg;
		lvm_print("Physical extent %u to %u:", used[i].pe, used[i].pe + used[i].len - 1);
		lvm_print("  Logical volume\t%s", lvm_lv_path(ctx, s->lv));
		lvm_print("  Logical extents\t%u to %u", s->le, s->le + s->len - 1);
		pe = used[i].pe + used[i].len;
	}
	lvm_print(" ");
}

void display_pv_colons(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv)
{
	bool orphan = lvm_vg_is_orphan(vg);
	uint64_t status = 0;
	uint32_t alloc = pv_alloc_count(vg, pv);

	if (!orphan && (pv->status & PV_ALLOCATABLE))
		status |= LVM2_ALLOCATABLE;
	if ((vg->status & VG_EXPORTED) || (pv->status & PV_EXPORTED))
		status |= LVM2_EXPORTED;
	if (pv->status & PV_MISSING)
		status |= LVM2_MISSING_PV;
	lvm_print("%s:%s:%" PRIu64 ":-1:%" PRIu64 ":%" PRIu64 ":-1:%u:%u:%u:%u:%s",
		  display_pv_name(pv), orphan ? "" : vg->name, pv->dev_size, status,
		  status & LVM2_ALLOCATABLE, orphan ? 0 : vg->extent_size / 2, pv->pe_count,
		  pv->pe_count - alloc, alloc, uuid_str(ctx, pv->id));
}

void display_pv_short(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv)
{
	uint32_t alloc = pv_alloc_count(vg, pv);

	lvm_print("PV Name               %s     ", display_pv_name(pv));
	lvm_print("PV UUID               %s", uuid_str(ctx, pv->id));
	lvm_print("PV Status             %sallocatable", pv->status & PV_ALLOCATABLE ? "" : "NOT ");
	lvm_print("Total PE / Free PE    %u / %u", pv->pe_count, pv->pe_count - alloc);
	lvm_print(" ");
}

bool display_vg_has_active(struct lvm_ctx *ctx, const struct vg *vg)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if (lvm_lv_state(ctx, lv, &st) == 0 && st.active)
			return true;
	}
	return false;
}

int display_reject_report_opts(struct lvm_ctx *ctx, bool all_too, const char *message)
{
	static const enum lvm_arg_id refused[] = {ARG_aligned,	 ARG_binary,	ARG_noheadings,
						  ARG_options,	 ARG_separator, ARG_sort,
						  ARG_unbuffered};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (lvm_has(ctx, refused[i]))
			goto refuse;
	if (!all_too || !lvm_has(ctx, ARG_all))
		return LVM_OK;
refuse:
	lvm_error("%s", message);
	return LVM_EINVALID;
}

struct dev_order {
	const struct lvm_dev *dev;
	dev_t rdev; /* 0 for a file */
	unsigned index;
};

static int dev_order_cmp(const void *a, const void *b)
{
	const struct dev_order *x = a, *y = b;

	if (!x->rdev != !y->rdev)
		return x->rdev ? -1 : 1;
	if (x->rdev != y->rdev)
		return x->rdev < y->rdev ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

unsigned display_devices(struct lvm_ctx *ctx, const struct lvm_dev ***out)
{
	struct dev_order *list = arena_alloc(&ctx->arena, (ctx->n_devs + 1) * sizeof(*list));
	const struct lvm_dev **devs = arena_alloc(&ctx->arena, (ctx->n_devs + 1) * sizeof(*devs));
	unsigned n = 0;

	for (unsigned i = 0; i < ctx->n_devs; i++) {
		struct stat st;
		if (!ctx->devs[i].size)
			continue;
		list[n] = (struct dev_order){&ctx->devs[i], 0, i};
		if (!stat(ctx->devs[i].path, &st) && S_ISBLK(st.st_mode))
			list[n].rdev = st.st_rdev;
		n++;
	}
	qsort(list, n, sizeof(*list), dev_order_cmp);
	for (unsigned i = 0; i < n; i++)
		devs[i] = list[i].dev;
	*out = devs;
	return n;
}

unsigned display_vg_names(struct lvm_ctx *ctx, char ***out)
{
	const struct lvm_dev **devs;
	unsigned n = 0, n_devs;

	if (lvm_scan(ctx) < 0) {
		*out = NULL;
		return 0;
	}
	n_devs = display_devices(ctx, &devs);
	char **names = arena_alloc(&ctx->arena, (n_devs + 1) * sizeof(*names));
	for (unsigned i = 0; i < n_devs; i++) {
		const char *vg = devs[i]->vgname;
		unsigned j;
		if (!vg || !devs[i]->is_pv)
			continue;
		for (j = 0; j < n && strcmp(names[j], vg); j++)
			;
		if (j == n)
			names[n++] = (char *)vg;
	}
	for (unsigned i = 0; i < n / 2; i++) {
		char *t = names[i];
		names[i] = names[n - 1 - i];
		names[n - 1 - i] = t;
	}
	*out = names;
	return n;
}
