/* vgsplit SOURCE DEST PV... | -n LV: moves PVs (those named, or those the
 * LV uses) and the LVs that live wholly on them into DEST, a new VG (with
 * the source's extent size and policies) or an existing one. As LVM2: an
 * LV may not straddle the split ("Can't split Logical Volume ..."), moved
 * LVs must be inactive; moving every PV leaves no source VG. DEST's metadata
 * is written to its PVs first, then SOURCE's to what remains. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/snapshot.h"
#include "metadata/uuid.h"
#include "resize.h"
#include "util/error.h"

struct split {
	struct vg *from, *to;
	bool existing;
	struct pv *moving[256];
	unsigned n_moving;
};

static bool is_moving(const struct split *s, const struct pv *pv)
{
	for (unsigned i = 0; i < s->n_moving; i++)
		if (s->moving[i] == pv)
			return true;
	return false;
}

static void add_moving(struct split *s, struct pv *pv)
{
	if (!is_moving(s, pv) && s->n_moving < sizeof(s->moving) / sizeof(s->moving[0]))
		s->moving[s->n_moving++] = pv;
}

/* The PVs to move: named ones, or those of -n LV. */
static int pick_pvs(struct lvm_ctx *ctx, struct split *s)
{
	if (lvm_has(ctx, ARG_name)) {
		const char *n = lvm_str(ctx, ARG_name, ""), *slash = strrchr(n, '/');
		struct lv *lv = vg_find_lv(s->from, slash ? slash + 1 : n);
		if (!lv) {
			lvm_error("Logical volume %s not in volume group %s", slash ? slash + 1 : n,
				  s->from->name);
			return -ENOENT;
		}
		for (const struct lv_seg *g = lv->segs; g; g = g->next)
			for (uint32_t a = 0; a < g->area_count; a++)
				if (g->areas[a].type == AREA_PV)
					add_moving(s, g->areas[a].pv);
		return 0;
	}
	for (int i = 2; i < ctx->argc; i++) {
		struct lvm_dev *d = lvm_dev_find(ctx, ctx->argv[i]);
		struct pv *pv = d && d->is_pv ? vg_find_pv(s->from, d->label.pv_uuid) : NULL;
		if (!pv) {
			lvm_error("Physical volume %s not in volume group %s", ctx->argv[i],
				  s->from->name);
			return -ENOENT;
		}
		add_moving(s, pv);
	}
	return 0;
}

#define MAX_MOVED_LVS 4096

static bool in_list(struct lv *const *lvs, unsigned n, const struct lv *lv)
{
	for (unsigned i = 0; i < n; i++)
		if (lvs[i] == lv)
			return true;
	return false;
}

/* Adds `lv` to the moving LVs after the checks on DEST. */
static int take_lv(struct lvm_ctx *ctx, struct split *s, struct lv *lv, struct lv **lvs,
		   unsigned *n)
{
	if (vg_find_lv(s->to, lv->name)) {
		lvm_error("Duplicate logical volume name \"%s\" in \"%s\" and \"%s\"", lv->name,
			  s->to->name, s->from->name);
		return -EEXIST;
	}
	if (vg_has_active_lv(ctx, s->from, lv, "Logical volume %s must be inactive."))
		return -EBUSY;
	if (*n == MAX_MOVED_LVS) {
		lvm_error("Cannot move more than %u logical volumes at once.", MAX_MOVED_LVS);
		return -E2BIG;
	}
	lvs[(*n)++] = lv;
	return 0;
}

/* Moves the LVs wholly on moving PVs; refuses one that straddles. A
 * snapshot (the hidden LV tying origin and store) follows them, and may
 * not be split from either. */
static int pick_lvs(struct lvm_ctx *ctx, struct split *s, struct lv **lvs, unsigned *n)
{
	int r;

	*n = 0;
	for (struct lv *lv = s->from->lvs; lv; lv = lv->next) {
		unsigned in = 0, out = 0;
		for (const struct lv_seg *g = lv->segs; g; g = g->next)
			for (uint32_t a = 0; a < g->area_count; a++)
				if (g->areas[a].type == AREA_PV)
					is_moving(s, g->areas[a].pv) ? in++ : out++;
		if (in && out) {
			lvm_error("Can't split Logical Volume %s between two Volume Groups",
				  lv->name);
			return -EINVAL;
		}
		if (in && (r = take_lv(ctx, s, lv, lvs, n)) < 0)
			return r;
	}
	for (struct lv *lv = s->from->lvs; lv; lv = lv->next) {
		const struct lv_seg *g = lv_is_snapshot(lv) ? lv->segs : NULL;
		if (!g || !g->origin || !g->cow)
			continue;
		bool origin = in_list(lvs, *n, g->origin), cow = in_list(lvs, *n, g->cow);
		if (origin != cow) {
			lvm_error("Can't split snapshot %s between two Volume Groups",
				  g->cow->name);
			return -EINVAL;
		}
		if (origin && (r = take_lv(ctx, s, lv, lvs, n)) < 0)
			return r;
	}
	return 0;
}

/* DEST: read when it exists, else made like the source. */
static int open_dest(struct lvm_ctx *ctx, struct split *s, const char *name)
{
	const char **names;
	unsigned n = lvm_vg_names(ctx, &names);
	for (unsigned i = 0; i < n; i++)
		s->existing |= !strcmp(names[i], name);
	if (s->existing) {
		if (!(s->to = lvm_vg_read(ctx, name, LVM_READ_WRITE)))
			return -ENOENT;
		if (s->to->extent_size != s->from->extent_size) {
			lvm_error("Extent sizes differ: %u (%s) and %u (%s)", s->to->extent_size,
				  s->to->name, s->from->extent_size, s->from->name);
			return -EINVAL;
		}
		return 0;
	}
	if (lvm_check_vg_name(name) < 0 || lvm_lock_vg(ctx, name, true) < 0)
		return -EINVAL;
	s->to = vg_new(name, s->from->extent_size);
	if (uuid_generate(s->to->id) < 0) {
		lvm_error("Failed to generate a uuid for volume group %s", name);
		return -EIO;
	}
	s->to->alloc = lvm_has(ctx, ARG_alloc) ? (enum alloc_policy)lvm_num(ctx, ARG_alloc, 0)
					       : s->from->alloc;
	s->to->max_lv = s->from->max_lv;
	s->to->max_pv = s->from->max_pv;
	s->to->mda_copies = s->from->mda_copies;
	s->to->system_id = s->from->system_id;
	s->to->creation_host = s->from->creation_host;
	return 0;
}

static int split(struct lvm_ctx *ctx, struct split *s)
{
	static struct lv *lvs[MAX_MOVED_LVS];
	unsigned n_lvs, n_pvs = 0;

	if (pick_pvs(ctx, s) < 0)
		return -EINVAL;
	for (const struct pv *pv = s->from->pvs; pv; pv = pv->next)
		n_pvs++;
	if (!s->n_moving) {
		lvm_error("No physical volumes to move to volume group \"%s\"", s->to->name);
		return -EINVAL;
	}
	if (pick_lvs(ctx, s, lvs, &n_lvs) < 0)
		return -EINVAL;
	for (unsigned i = 0; i < s->n_moving; i++)
		vg_move_pv(s->from, s->to, s->moving[i]);
	for (unsigned i = 0; i < n_lvs; i++)
		vg_move_lv(s->from, s->to, lvs[i]);
	if (lvm_vg_commit(ctx, s->to) < 0)
		return -EIO;
	/* Every PV moved: as in LVM2 the source VG is simply gone. */
	if (s->n_moving == n_pvs) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), s->from->name);
		if (!lvm_has(ctx, ARG_test))
			unlink(path);
		return 0;
	}
	return lvm_vg_commit(ctx, s->from) < 0 ? -EIO : 0;
}

int lvm_vgsplit(struct lvm_ctx *ctx)
{
	struct split s = {0};

	if (ctx->argc < 2 || (ctx->argc < 3 && !lvm_has(ctx, ARG_name))) {
		lvm_error("No command with matching syntax recognised.  Run 'vgsplit --help' for "
			  "more information.");
		return LVM_EINVALID;
	}
	if (ctx->argc > 2 && lvm_has(ctx, ARG_name)) {
		lvm_error("Command does not accept argument: %s.", ctx->argv[2]);
		return LVM_EINVALID;
	}
	const char *from_name = ctx->argv[0], *to_name = ctx->argv[1];
	if (!strcmp(from_name, to_name)) {
		lvm_error("Duplicate volume group name \"%s\"", from_name);
		return LVM_EFAILED;
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	if (!(s.from = lvm_vg_read(ctx, from_name, LVM_READ_WRITE)))
		return LVM_EFAILED;
	int r = open_dest(ctx, &s, to_name);
	if (r == 0)
		r = split(ctx, &s);
	/* DEST holds structs of the source's arena: close it first. */
	if (s.existing && s.to)
		lvm_vg_release(ctx, s.to);
	else
		vg_close(s.to);
	if (r < 0)
		return r == -EINVAL && !s.to ? LVM_EINVALID : LVM_EFAILED;
	if (s.existing)
		lvm_print("Existing volume group \"%s\" successfully split from \"%s\"", to_name,
			  from_name);
	else
		lvm_print("New volume group \"%s\" successfully split from \"%s\"", to_name,
			  from_name);
	return LVM_OK;
}
