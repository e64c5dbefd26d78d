/* lvextend, lvreduce, lvresize: a linear or striped LV grows at its end
 * (new space striped like its last segment unless -i says otherwise) or
 * loses extents from its end. Sizes as LVM2 takes them: -L [+|-]SIZE
 * (rounded to whole extents), -l [+|-]N[%VG|%FREE|%PVS|%ORIGIN].
 *
 * With -r the filesystem follows (resize.h): it is grown after the LV
 * grew, shrunk before the LV shrinks (a failure leaves the LV as it was).
 * Without -r a reduce that would cut into a filesystem, or any reduce of
 * an active LV, asks first (-f or -y answer for the user; no answer means
 * no). An active LV changes online: the new table is loaded into ulvmd,
 * the device suspended (freezing a mounted filesystem) and resumed, and
 * the daemon's exports take the new size. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "activate/activate.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/alloc.h"
#include "metadata/segtype.h"
#include "resize.h"
#include "snapshot.h"
#include "ulvm/client.h"
#include "ulvm/protocol.h"
#include "util/error.h"
#include "util/strbuf.h"

enum mode { MODE_EXTEND, MODE_REDUCE, MODE_RESIZE };

struct resize {
	enum mode mode;
	struct vg *vg;
	struct lv *lv;
	struct alloc_pv pvs[64];
	unsigned n_pvs;
	uint32_t old_le, new_le;
	uint32_t stripes, stripe_size; /* for new space */
	bool approx;		       /* a percentage: extend by as much as fits */
	bool unchanged;		       /* a snapshot store already at its maximum */
};

static void cut(struct lv *lv, uint32_t new_le);

static const char *size_str(uint64_t sectors, char *buf, size_t size)
{
	return lvm_size_str(sectors, 'h', true, true, buf, size);
}

/* Sign and zero rules of each command, before anything is read; LVM2
 * rejects those while parsing the command line. */
static int check_args(struct lvm_ctx *ctx, enum mode mode)
{
	/* LVM2: PVs and no size means all their free space (-l +100%PVS). */
	if (mode != MODE_REDUCE && ctx->argc >= 2 && !lvm_has(ctx, ARG_size) &&
	    !lvm_has(ctx, ARG_extents))
		ctx->args[ARG_extents] = (struct lvm_arg_value){
		    .count = 1, .str = "+100%PVS", .num = 100, .sign = '+', .percent = PERCENT_PVS};
	if (lvm_has(ctx, ARG_size) == lvm_has(ctx, ARG_extents)) {
		if (lvm_has(ctx, ARG_size)) {
			lvm_error("Please specify either size or extents but not both.");
			lvm_error("Run `%s --help' for more information.", ctx->cmd->name);
		} else
			lvm_error("No command with matching syntax recognised.  Run '%s --help' "
				  "for more information.",
				  ctx->cmd->name);
		return -EINVAL;
	}
	bool size = lvm_has(ctx, ARG_size);
	const struct lvm_arg_value *v = &ctx->args[size ? ARG_size : ARG_extents];
	const char *what = size ? "size" : "extents";
	if ((mode == MODE_EXTEND && v->sign == '-') || (mode == MODE_REDUCE && v->sign == '+')) {
		lvm_error("%s may not be %s.", size ? "Size" : "Extents",
			  v->sign == '-' ? "negative" : "positive");
		lvm_error("Invalid argument for --%s: %s", what, v->str);
		lvm_error("Error during parsing of command line.");
		return -EINVAL;
	}
	if (!v->num) {
		lvm_error("--%s may not be zero.", what);
		lvm_error("Run `%s --help' for more information.", ctx->cmd->name);
		return -EINVAL;
	}
	if (ctx->argc < 1) {
		lvm_error("Please provide the logical volume name.");
		return -EINVAL;
	}
	if (mode == MODE_REDUCE && ctx->argc > 1) {
		lvm_error("Too many arguments: lvreduce takes one logical volume.");
		return -EINVAL;
	}
	return 0;
}

static uint32_t free_of_pvs(const struct resize *p)
{
	uint64_t n = 0;
	if (!p->n_pvs)
		return vg_free_extents(p->vg);
	for (unsigned i = 0; i < p->n_pvs; i++)
		n += pv_free_extents(p->vg, p->pvs[i].pv);
	return (uint32_t)n;
}

/* The requested size in extents (the delta when signed). */
static int requested(struct lvm_ctx *ctx, struct resize *p, uint64_t *n, char *sign)
{
	uint64_t es = p->vg->extent_size;
	char a[32];

	if (lvm_has(ctx, ARG_size)) {
		uint64_t s = lvm_num(ctx, ARG_size, 0);
		*sign = ctx->args[ARG_size].sign;
		*n = *sign == '-' ? s / es : (s + es - 1) / es;
		if (*n * es != s)
			lvm_print("Rounding size to boundary between physical extents: %s.",
				  size_str(*n * es, a, sizeof(a)));
		return 0;
	}
	const struct lvm_arg_value *l = &ctx->args[ARG_extents];
	uint64_t base = 0;
	*sign = l->sign;
	switch (l->percent) {
	case PERCENT_NONE:
		*n = l->num;
		return 0;
	case PERCENT_VG:
		for (const struct pv *pv = p->vg->pvs; pv; pv = pv->next)
			base += pv->pe_count;
		break;
	case PERCENT_FREE:
		base = vg_free_extents(p->vg);
		break;
	case PERCENT_PVS:
		base = free_of_pvs(p);
		break;
	case PERCENT_ORIGIN: {
		const struct lv_seg *cow = lv_cow_seg(p->lv);
		if (!cow) {
			lvm_error("Specified LV does not have an origin LV.");
			return -EINVAL;
		}
		base = cow->origin->le_count;
		break;
	}
	}
	p->approx = *sign != '-';
	/* LVM2 rounds a percentage up, except for a reduction by one. */
	*n = (base * l->num + (*sign == '-' ? 0 : 99)) / 100;
	return 0;
}

/* Stripes of the new space: -i/-I, else those of the last segment. */
static void stripes_for_extend(struct lvm_ctx *ctx, struct resize *p)
{
	const struct lv_seg *last = p->lv->segs;
	char a[32];

	while (last && last->next)
		last = last->next;
	p->stripes = 1;
	p->stripe_size = 0;
	if (last && !strcmp(last->type->name, "striped") && last->area_count > 1) {
		p->stripes = last->area_count;
		p->stripe_size = last->stripe_size;
	}
	if (lvm_has(ctx, ARG_stripes))
		p->stripes = (uint32_t)lvm_num(ctx, ARG_stripes, 1);
	if (!p->stripes)
		p->stripes = 1;
	if (lvm_has(ctx, ARG_stripesize))
		p->stripe_size = (uint32_t)lvm_num(ctx, ARG_stripesize, 128);
	else if (p->stripes > 1 && p->stripe_size)
		lvm_print("Using stripesize of last segment %s",
			  size_str(p->stripe_size, a, sizeof(a)));
	if (p->stripes > 1 && !p->stripe_size)
		p->stripe_size = (uint32_t)lvm_config_int(ctx, "metadata/stripesize", 64) * 2;
}

/* A reduce keeps whole stripes in the segment it cuts into. */
static uint32_t round_reduce(const struct lv *lv, uint32_t new_le)
{
	for (const struct lv_seg *s = lv->segs; s; s = s->next) {
		if (new_le <= s->le || new_le >= s->le + s->len || s->area_count < 2)
			continue;
		uint32_t k = s->area_count, in = new_le - s->le;
		if (in % k) {
			uint32_t r = s->le + (in / k + 1) * k;
			lvm_print("Rounding size (%u extents) up to stripe boundary size for "
				  "segment (%u extents).",
				  new_le, r);
			return r;
		}
	}
	return new_le;
}

/* A snapshot's store grows no further than the origin can fill (LVM2:
 * "Reached maximum COW size", then the store at that size, or unchanged
 * when it is there already). True when nothing is left to do. */
static bool cap_cow(struct resize *p, uint64_t *want)
{
	const struct lv_seg *cow = lv_cow_seg(p->lv);
	uint64_t es = p->vg->extent_size;
	char a[32];

	if (!cow)
		return false;
	uint64_t max =
	    snapshot_cow_max_sectors((uint64_t)cow->origin->le_count * es, cow->chunk_size);
	uint64_t max_le = (max + es - 1) / es;
	if (*want <= max_le)
		return false;
	lvm_print("Reached maximum COW size %s (%u extents).", size_str(max_le * es, a, sizeof(a)),
		  (uint32_t)max_le);
	*want = max_le > p->old_le ? max_le : p->old_le;
	p->unchanged = *want == p->old_le;
	return p->unchanged;
}

/* p->new_le from the request, with LVM2's checks and messages. */
static int new_size(struct lvm_ctx *ctx, struct resize *p)
{
	uint64_t n;
	char sign;

	if (requested(ctx, p, &n, &sign) < 0)
		return -EINVAL;
	uint64_t cur = p->old_le, want;
	if (sign == '+')
		want = cur + n;
	else if (sign == '-') {
		if (n >= cur) {
			lvm_error("Unable to reduce %s/%s below 1 extent.", p->vg->name,
				  p->lv->name);
			return -EINVAL;
		}
		want = cur - n;
	} else
		want = n;
	if (!want) {
		lvm_error("New size of 0 not permitted.");
		return -EINVAL;
	}
	if (want > UINT32_MAX) {
		lvm_error("Size too large: %llu extents.", (unsigned long long)want);
		return -EINVAL;
	}
	if (p->mode == MODE_RESIZE)
		p->mode = want > cur ? MODE_EXTEND : MODE_REDUCE;
	if (want > cur && cap_cow(p, &want))
		return 0;
	if (want == cur) {
		lvm_error("New size (%u extents) matches existing size (%u extents).",
			  (uint32_t)want, p->old_le);
		return -EINVAL;
	}
	if (p->mode == MODE_EXTEND && want < cur) {
		lvm_error("New size given (%u extents) not larger than existing size (%u extents)",
			  (uint32_t)want, p->old_le);
		return -EINVAL;
	}
	if (p->mode == MODE_REDUCE && want > cur) {
		lvm_error("New size given (%u extents) not less than existing size (%u extents)",
			  (uint32_t)want, p->old_le);
		return -EINVAL;
	}
	p->new_le = (uint32_t)want;
	if (p->mode == MODE_EXTEND) {
		stripes_for_extend(ctx, p);
		uint32_t add = p->new_le - p->old_le;
		if (add % p->stripes) {
			uint32_t r = (add / p->stripes + 1) * p->stripes;
			lvm_print("Rounding size (%u extents) up to stripe boundary size for "
				  "segment (%u extents).",
				  p->new_le, p->old_le + r);
			p->new_le = p->old_le + r;
		}
	} else {
		p->new_le = round_reduce(p->lv, p->new_le);
		if (p->new_le == p->old_le) {
			lvm_error("New size (%u extents) matches existing size (%u extents).",
				  p->new_le, p->old_le);
			return -EINVAL;
		}
	}
	return 0;
}

static int grow(struct lvm_ctx *ctx, struct resize *p)
{
	uint32_t need = p->new_le - p->old_le, avail = free_of_pvs(p);
	unsigned npv = p->n_pvs;
	if (!npv)
		for (const struct pv *pv = p->vg->pvs; pv; pv = pv->next)
			npv++;
	if (p->stripes > npv) {
		lvm_error("Number of stripes (%u) must not exceed number of physical volumes (%u)",
			  p->stripes, npv);
		return -EINVAL;
	}
	if (avail < need && !p->approx) {
		lvm_error("Insufficient free space: %u extents needed, but only %u available", need,
			  avail);
		return -ENOSPC;
	}
	struct alloc_request req = {
	    .extents = need,
	    .stripes = p->stripes,
	    .stripe_size = p->stripes > 1 ? p->stripe_size : 0,
	    .policy = lvm_has(ctx, ARG_alloc) ? (enum alloc_policy)lvm_num(ctx, ARG_alloc, 0)
		      : p->lv->alloc != ALLOC_INHERIT ? p->lv->alloc
						      : p->vg->alloc,
	    .pvs = p->n_pvs ? p->pvs : NULL,
	    .n_pvs = p->n_pvs,
	};
	if (req.policy == ALLOC_INHERIT)
		req.policy = ALLOC_NORMAL;
	if (lv_extend(p->lv, &req) == 0)
		return 0;
	/* A percentage asks for "as much as fits" (LVM2's approx_alloc):
	 * the most whole stripes the allocator can place. lv_extend leaves
	 * the LV untouched when it fails, so the search is free of effects. */
	if (p->approx) {
		uint32_t lo = 0, hi = need / p->stripes; /* lo fits, hi does not */
		while (hi - lo > 1) {
			struct alloc_request t = req;
			uint32_t mid = lo + (hi - lo) / 2;
			t.extents = mid * p->stripes;
			if (lv_extend(p->lv, &t) == 0) {
				cut(p->lv, p->old_le);
				lo = mid;
			} else
				hi = mid;
		}
		req.extents = lo * p->stripes;
		if (lo && lv_extend(p->lv, &req) == 0) {
			p->new_le = p->old_le + req.extents;
			return 0;
		}
	}
	lvm_error("%s", err_msg());
	return -ENOSPC;
}

/* Drops the extents from new_le on (segments cut at whole stripes). */
static void cut(struct lv *lv, uint32_t new_le)
{
	for (struct lv_seg **sp = &lv->segs; *sp; sp = &(*sp)->next) {
		struct lv_seg *s = *sp;
		if (s->le >= new_le) {
			*sp = NULL;
			break;
		}
		if (s->le + s->len > new_le) {
			s->len = new_le - s->le;
			s->area_len = s->len / (s->area_count ? s->area_count : 1);
		}
	}
	lv->le_count = new_le;
}

static const char *pv_path(const struct pv *pv, void *baton)
{
	(void)baton;
	if (pv->status & PV_MISSING) {
		err_set(ENODEV, "physical volume '%s' is missing", pv->device ? pv->device : "?");
		return NULL;
	}
	return pv->device;
}

/* Loads the new table of an active LV, suspends and resumes it. */
static int reload(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct lvm_lv_state st;
	struct strbuf table = STRBUF_INIT, name = STRBUF_INIT;
	int r;

	if (lvm_snap_involved(lv)) /* a snapshot's store: its -cow layer */
		return lvm_snap_reload(ctx, lv);
	if (lvm_has(ctx, ARG_test) || lvm_lv_state(ctx, lv, &st) < 0 || !st.active)
		return 0;
	dm_name_build(&name, lv->vg->name, lv->name, NULL);
	struct ulvm_devid id = ULVM_DEV_NAME(sb_str(&name));
	if ((r = lv_table(lv, pv_path, NULL, &table)) < 0 ||
	    (r = ulvm_load(ctx->client, id, sb_str(&table), !(lv->status & LV_WRITE), NULL)) < 0 ||
	    (r = ulvm_suspend(ctx->client, id, 0, NULL)) < 0 ||
	    (r = ulvm_resume(ctx->client, id, NULL)) < 0) {
		lvm_error("Problem reactivating logical volume %s/%s: %s", lv->vg->name, lv->name,
			  err_msg());
		ulvm_resume(ctx->client, id, NULL);
	}
	sb_release(&table);
	sb_release(&name);
	return r;
}

/* The LV's block device, activating the LV for the time of the command
 * when it is not active (*activated set). NULL when it cannot be had. */
static const char *open_device(struct lvm_ctx *ctx, const struct lv *lv, bool *activated)
{
	struct lvm_lv_state st;

	*activated = false;
	if (lvm_lv_state(ctx, lv, &st) < 0)
		return NULL;
	if (!st.active) {
		if (lvm_lv_activate(ctx, lv) < 0)
			return NULL;
		*activated = true;
	}
	/* The loop export attaches the block device right after the resume. */
	for (int i = 0; i < 500; i++) {
		if (lvm_lv_state(ctx, lv, &st) == 0 && st.blockdev[0])
			return lvm_lv_path(ctx, lv);
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	lvm_error("No block device for %s/%s.", lv->vg->name, lv->name);
	return NULL;
}

/* The filesystem steps before a reduce; 0 to go on. */
static int before_reduce(struct lvm_ctx *ctx, struct resize *p, const struct fs_info *fs)
{
	const struct lv *lv = p->lv;
	uint64_t new_bytes = (uint64_t)p->new_le * p->vg->extent_size * 512;
	bool cuts = fs->kind != FS_NONE && fs->size > new_bytes;
	struct lvm_lv_state st;
	char a[32], b[32];

	if (lvm_has(ctx, ARG_resizefs)) {
		/* A mounted filesystem's superblock on disk may lag behind
		 * its size (grown online, not yet checkpointed): treat it as
		 * cut, and xfs as never shrinkable. */
		char mnt[4096];
		if (fs->kind == FS_XFS ||
		    (fs->kind != FS_NONE && fs_mount_point(lvm_lv_path(ctx, lv), mnt, sizeof(mnt))))
			cuts = true;
		if (!cuts || lvm_has(ctx, ARG_test))
			return 0;
		bool activated;
		const char *dev = open_device(ctx, lv, &activated);
		int r = dev ? fs_shrink(dev, fs, new_bytes, lvm_has(ctx, ARG_nofsck)) : -1;
		if (activated)
			lvm_lv_deactivate(ctx, lv);
		return r;
	}
	lvm_lv_state(ctx, lv, &st);
	if (!cuts && !st.active)
		return 0;
	if (cuts)
		lvm_warn("%s/%s holds a %s filesystem of %s: reducing to %s cuts it (use -r "
			 "to shrink the filesystem too).",
			 lv->vg->name, lv->name, fs->name, size_str(fs->size / 512, a, sizeof(a)),
			 size_str(new_bytes / 512, b, sizeof(b)));
	if (st.active)
		lvm_warn("Reducing active%s logical volume to %s.",
			 st.open_count ? " and open" : "", size_str(new_bytes / 512, a, sizeof(a)));
	lvm_print("THIS MAY DESTROY YOUR DATA (filesystem etc.)");
	if (lvm_has(ctx, ARG_force) ||
	    lvm_yes(ctx, "Do you really want to reduce %s/%s?", lv->vg->name, lv->name))
		return 0;
	lvm_error("Logical volume %s/%s NOT reduced.", lv->vg->name, lv->name);
	return -ECANCELED;
}

static int after_grow(struct lvm_ctx *ctx, struct resize *p, const struct fs_info *fs)
{
	if (!lvm_has(ctx, ARG_resizefs) || fs->kind == FS_NONE || lvm_has(ctx, ARG_test))
		return 0;
	bool activated;
	const char *dev = open_device(ctx, p->lv, &activated);
	int r = dev ? fs_grow(dev, fs, lvm_has(ctx, ARG_nofsck)) : -1;
	if (activated)
		lvm_lv_deactivate(ctx, p->lv);
	return r;
}

static bool resizable(const struct lv *lv)
{
	for (const struct lv_seg *s = lv->segs; s; s = s->next)
		if (strcmp(s->type->name, "striped") || s->raw)
			return false;
	return true;
}

static int find_lv(struct lvm_ctx *ctx, struct resize *p)
{
	const char *vgname, *lvname;
	if (lvm_split_lv_name(ctx, ctx->argv[0], &vgname, &lvname) < 0)
		return -EINVAL;
	if (!lvname) {
		lvm_error("Please provide the logical volume name.");
		return -EINVAL;
	}
	if (!(p->vg = lvm_vg_read(ctx, vgname, LVM_READ_WRITE)))
		return -ENOENT;
	if (!(p->lv = vg_find_lv(p->vg, lvname))) {
		lvm_error("Logical volume %s not found in volume group %s.", lvname, vgname);
		return -ENOENT;
	}
	if (!resizable(p->lv)) {
		lvm_error("Unable to resize logical volume %s/%s: only linear and striped "
			  "volumes can be resized.",
			  vgname, lvname);
		return -ENOTSUP;
	}
	if (lvm_snap_resize_check(ctx, p->lv) < 0)
		return -ENOTSUP;
	for (int i = 1; i < ctx->argc; i++) {
		if (p->n_pvs == sizeof(p->pvs) / sizeof(p->pvs[0]) ||
		    alloc_pv_parse(p->vg, ctx->argv[i], &p->pvs[p->n_pvs]) < 0) {
			lvm_error("%s", err_msg());
			return -ENOENT;
		}
		p->n_pvs++;
	}
	p->old_le = p->lv->le_count;
	return 0;
}

static int resize(struct lvm_ctx *ctx, enum mode mode)
{
	struct resize p = {.mode = mode};
	struct fs_info fs = {0};
	char a[32], b[32];

	if (check_args(ctx, mode) < 0)
		return LVM_EINVALID;
	int r = find_lv(ctx, &p);
	if (r < 0)
		return r == -EINVAL ? LVM_EINVALID : LVM_EFAILED;
	if (new_size(ctx, &p) < 0)
		return LVM_EFAILED;
	if (p.unchanged) {
		lvm_print("Size of logical volume %s/%s unchanged from %s (%u extents).",
			  p.vg->name, p.lv->name,
			  size_str((uint64_t)p.old_le * p.vg->extent_size, a, sizeof(a)), p.old_le);
		lvm_print("Logical volume %s/%s successfully resized.", p.vg->name, p.lv->name);
		return LVM_OK;
	}
	if ((lvm_has(ctx, ARG_resizefs) || p.mode == MODE_REDUCE) && fs_probe(p.lv, &fs) < 0)
		return LVM_EFAILED;
	if (p.mode == MODE_REDUCE) {
		if (before_reduce(ctx, &p, &fs) < 0)
			return LVM_EFAILED;
		cut(p.lv, p.new_le);
	} else if (grow(ctx, &p) < 0)
		return LVM_EFAILED;
	if (lvm_vg_commit(ctx, p.vg) < 0)
		return LVM_EFAILED;
	uint64_t es = p.vg->extent_size;
	lvm_print("Size of logical volume %s/%s changed from %s (%u extents) to %s (%u extents).",
		  p.vg->name, p.lv->name, size_str(p.old_le * es, a, sizeof(a)), p.old_le,
		  size_str(p.new_le * es, b, sizeof(b)), p.new_le);
	if (reload(ctx, p.lv) < 0)
		return LVM_EFAILED;
	lvm_print("Logical volume %s/%s successfully resized.", p.vg->name, p.lv->name);
	if (p.mode == MODE_EXTEND && after_grow(ctx, &p, &fs) < 0)
		return LVM_EFAILED;
	return LVM_OK;
}

int lvm_lvextend(struct lvm_ctx *ctx)
{
	return resize(ctx, MODE_EXTEND);
}

int lvm_lvreduce(struct lvm_ctx *ctx)
{
	return resize(ctx, MODE_REDUCE);
}

int lvm_lvresize(struct lvm_ctx *ctx)
{
	return resize(ctx, MODE_RESIZE);
}
