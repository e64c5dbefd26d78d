/* lvcreate: a new linear or striped LV. The size is -L (rounded up to
 * whole extents and stripes) or -l (extents, or a percentage of the VG,
 * its free space or the free space of the listed PVs, rounded down to the
 * stripes). The metadata is committed first, then the LV is activated and
 * its first 4 KiB zeroed (-Z, default y) so no old signature shows
 * through. -an leaves it inactive and unzeroed, as LVM2 does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activate/activate.h"
#include "lvm.h"
#include "lvm_int.h"
#include "snapshot.h"
#include "metadata/alloc.h"
#include "ulvm/protocol.h"
#include "util/error.h"
#include "util/strbuf.h"

struct lvcreate {
	const char *vgname, *lvname;
	uint32_t extents, stripes, stripe_size;
	struct alloc_pv pvs[64];
	unsigned n_pvs;
};

/* VG and LV names from the operand and -n; LVM2's messages. */
static int names(struct lvm_ctx *ctx, struct lvcreate *p)
{
	const char *vg = NULL, *lv = NULL, *nvg = NULL, *nlv = NULL;

	if (ctx->argc < 1) {
		lvm_error("Please provide a volume group name");
		return -EINVAL;
	}
	if (lvm_split_lv_name(ctx, ctx->argv[0], &vg, &lv) < 0)
		return -EINVAL;
	if (lvm_has(ctx, ARG_name)) {
		const char *n = lvm_str(ctx, ARG_name, "");
		const char *slash = strrchr(n, '/');
		if (slash) {
			if (lvm_split_lv_name(ctx, n, &nvg, &nlv) < 0)
				return -EINVAL;
			if (strcmp(nvg, vg)) {
				lvm_error(
				    "Inconsistent volume group names given: \"%s\" and \"%s\"", nvg,
				    vg);
				return -EINVAL;
			}
		} else
			nlv = n;
		if (lv && strcmp(lv, nlv)) {
			lvm_error("Inconsistent logical volume names given: \"%s\" and \"%s\"", nlv,
				  lv);
			return -EINVAL;
		}
		lv = nlv;
	}
	if (lvm_check_vg_name(vg) < 0 || (lv && lvm_check_lv_name(lv) < 0))
		return -EINVAL;
	p->vgname = vg;
	p->lvname = lv;
	return 0;
}

static int stripe_params(struct lvm_ctx *ctx, struct lvcreate *p)
{
	char buf[32];
	p->stripes = (uint32_t)lvm_num(ctx, ARG_stripes, 1);
	if (!p->stripes || p->stripes > 128) {
		lvm_error("Number of stripes (%u) must be between 1 and 128.", p->stripes);
		return -EINVAL;
	}
	if (p->stripes == 1) {
		if (lvm_has(ctx, ARG_stripesize))
			lvm_warn("Ignoring stripesize argument with single stripe.");
		return 0;
	}
	if (!lvm_has(ctx, ARG_stripesize)) {
		p->stripe_size = (uint32_t)lvm_config_int(ctx, "metadata/stripesize", 64) * 2;
		lvm_print("Using default stripesize %s.",
			  lvm_size_str(p->stripe_size, 'h', true, true, buf, sizeof(buf)));
		return 0;
	}
	uint64_t s = lvm_num(ctx, ARG_stripesize, 128);
	if (s < 8 || (s & (s - 1)) || s > UINT32_MAX) {
		lvm_error("Invalid stripe size %s.",
			  lvm_size_str(s, 'h', true, true, buf, sizeof(buf)));
		return -EINVAL;
	}
	p->stripe_size = (uint32_t)s;
	return 0;
}

static uint32_t free_of_pvs(const struct vg *vg, const struct lvcreate *p)
{
	return alloc_pvs_free(vg, p->pvs, p->n_pvs);
}

/* The LV's size in extents, rounded as LVM2 rounds it (messages too). */
static int extents(struct lvm_ctx *ctx, const struct vg *vg, struct lvcreate *p)
{
	const struct lvm_arg_value *l = &ctx->args[ARG_extents];
	uint64_t es = vg->extent_size, n;
	char a[32], b[32];
	bool round_up = true;

	if (lvm_has(ctx, ARG_size)) {
		uint64_t s = lvm_num(ctx, ARG_size, 0);
		n = (s + es - 1) / es;
		if (n * es != s)
			lvm_print("Rounding up size to full physical extent %s",
				  lvm_size_str(n * es, 'h', true, true, a, sizeof(a)));
	} else if (l->percent != PERCENT_NONE) {
		uint64_t base = l->percent == PERCENT_FREE  ? vg_free_extents(vg)
				: l->percent == PERCENT_PVS ? free_of_pvs(vg, p)
							    : 0;
		if (l->percent == PERCENT_VG)
			for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
				base += pv->pe_count;
		n = base * l->num / 100;
		round_up = false;
	} else
		n = l->num;
	if (n % p->stripes) {
		uint64_t r =
		    round_up ? (n / p->stripes + 1) * p->stripes : n / p->stripes * p->stripes;
		if (round_up)
			lvm_print("Rounding size %s (%llu extents) up to stripe boundary size %s "
				  "(%llu extents).",
				  lvm_size_str(n * es, 'h', true, true, a, sizeof(a)),
				  (unsigned long long)n,
				  lvm_size_str(r * es, 'h', true, true, b, sizeof(b)),
				  (unsigned long long)r);
		else
			lvm_print("Rounding size (%llu extents) down to stripe boundary size "
				  "(%llu extents)",
				  (unsigned long long)n, (unsigned long long)r);
		n = r;
	}
	if (!n || n > UINT32_MAX) {
		lvm_error("Invalid size: %llu extents.", (unsigned long long)n);
		return -EINVAL;
	}
	p->extents = (uint32_t)n;
	return 0;
}

static const char *next_lvol(struct lvm_ctx *ctx, const struct vg *vg)
{
	for (unsigned i = 0;; i++) {
		const char *n = arena_printf(&ctx->arena, "lvol%u", i);
		if (!vg_find_lv(vg, n))
			return n;
	}
}

/* Checks against the VG and allocates the new LV's extents. */
static struct lv *allocate(struct lvm_ctx *ctx, struct vg *vg, struct lvcreate *p)
{
	unsigned npv = 0;
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		npv++;
	if (p->n_pvs)
		npv = p->n_pvs;
	if (p->stripes > npv) {
		lvm_error("Number of stripes (%u) must not exceed number of physical volumes (%u)",
			  p->stripes, npv);
		return NULL;
	}
	if (p->stripe_size > vg->extent_size) {
		char a[32];
		lvm_print("Reducing requested stripe size %s to maximum, physical extent size %s.",
			  lvm_size_str(p->stripe_size, 'h', true, true, a, sizeof(a)),
			  lvm_size_str(vg->extent_size, 'h', true, true, a, sizeof(a)));
		p->stripe_size = vg->extent_size;
	}
	if (vg_find_lv(vg, p->lvname)) {
		lvm_error("Logical Volume \"%s\" already exists in volume group \"%s\"", p->lvname,
			  vg->name);
		return NULL;
	}
	uint32_t avail = free_of_pvs(vg, p);
	if (avail < p->extents) {
		lvm_error("Volume group \"%s\" has insufficient free space (%u extents): %u "
			  "required.",
			  vg->name, avail, p->extents);
		return NULL;
	}
	struct lv *lv = vg_new_lv(vg, p->lvname);
	if (!lv) {
		lvm_error("%s", err_msg());
		return NULL;
	}
	struct alloc_request req = {
	    .extents = p->extents,
	    .stripes = p->stripes,
	    .stripe_size = p->stripe_size,
	    .policy =
		lvm_has(ctx, ARG_alloc) ? (enum alloc_policy)lvm_num(ctx, ARG_alloc, 0) : vg->alloc,
	    .pvs = p->n_pvs ? p->pvs : NULL,
	    .n_pvs = p->n_pvs,
	};
	if (lvm_has(ctx, ARG_contiguous) && lvm_num(ctx, ARG_contiguous, 0))
		req.policy = ALLOC_CONTIGUOUS;
	if (lvm_has(ctx, ARG_alloc))
		lv->alloc = req.policy;
	if (req.policy == ALLOC_INHERIT)
		req.policy = ALLOC_NORMAL;
	if (lv_extend(lv, &req) < 0) {
		lvm_error("%s", err_msg());
		vg_remove_lv(vg, lv);
		return NULL;
	}
	if (lvm_has(ctx, ARG_permission) && !lvm_num(ctx, ARG_permission, 1))
		lv->status &= ~(uint64_t)LV_WRITE;
	return lv;
}

/* Zeroes the first 4 KiB of the active LV through its FUSE file. */
static int zero_start(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct strbuf name = STRBUF_INIT;
	static const char zero[4096];
	char path[4200];

	dm_name_build(&name, lv->vg->name, lv->name, NULL);
	snprintf(path, sizeof(path), "%s/dev/%s", ulvm_run_dir(), sb_str(&name));
	sb_release(&name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(lvm_lv_dm_path(ctx, lv), O_WRONLY | O_CLOEXEC);
	uint64_t len = (uint64_t)lv->le_count * lv->vg->extent_size * 512;
	size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
	bool ok = fd >= 0 && pwrite(fd, zero, n, 0) == (ssize_t)n && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		lvm_error("Failed to wipe start of new LV %s/%s.", lv->vg->name, lv->name);
		return -EIO;
	}
	return 0;
}

/* Activates and zeroes the new LV; on failure takes it out again. */
static int activate_new(struct lvm_ctx *ctx, struct vg *vg, struct lv *lv)
{
	bool activate = !lvm_has(ctx, ARG_activate) || lvm_num(ctx, ARG_activate, 1);
	bool zero = !lvm_has(ctx, ARG_zero) || lvm_num(ctx, ARG_zero, 1);

	if (!(lv->status & LV_WRITE))
		zero = false;
	if (!activate || !zero || lvm_has(ctx, ARG_test)) {
		if (!lvm_has(ctx, ARG_test))
			lvm_warn("Logical volume %s/%s not zeroed.", vg->name, lv->name);
		if (!activate || lvm_has(ctx, ARG_test))
			return 0;
	}
	if (lvm_lv_activate(ctx, lv) == 0 && (!zero || zero_start(ctx, lv) == 0))
		return 0;
	lvm_lv_deactivate(ctx, lv);
	vg_remove_lv(vg, lv);
	if (lvm_vg_commit(ctx, vg) == 0)
		lvm_error("Aborting. Failed to activate new LV to wipe the start of it.");
	return -EIO;
}

int lvm_lvcreate(struct lvm_ctx *ctx)
{
	struct lvcreate p = {0};

	if (lvm_has(ctx, ARG_snapshot))
		return lvm_lvcreate_snapshot(ctx);
	if (names(ctx, &p) < 0 || stripe_params(ctx, &p) < 0)
		return LVM_EINVALID;
	if (lvm_has(ctx, ARG_size) == lvm_has(ctx, ARG_extents)) {
		lvm_error("Please specify either size or extents but not both.");
		return LVM_EINVALID;
	}
	if ((lvm_has(ctx, ARG_size) && !lvm_num(ctx, ARG_size, 0)) ||
	    ctx->args[ARG_size].sign == '-') {
		lvm_error("--size may not be %s.", lvm_num(ctx, ARG_size, 0) ? "negative" : "zero");
		return LVM_EINVALID;
	}
	struct vg *vg = lvm_vg_read(ctx, p.vgname, LVM_READ_WRITE);
	if (!vg) {
		lvm_error("Cannot process volume group %s", p.vgname);
		return LVM_EFAILED;
	}
	for (int i = 1; i < ctx->argc; i++) {
		if (p.n_pvs == sizeof(p.pvs) / sizeof(p.pvs[0]) ||
		    alloc_pv_parse(vg, ctx->argv[i], &p.pvs[p.n_pvs]) < 0) {
			lvm_error("%s", err_msg());
			return LVM_EFAILED;
		}
		p.n_pvs++;
	}
	if (!p.lvname)
		p.lvname = next_lvol(ctx, vg);
	if (extents(ctx, vg, &p) < 0)
		return LVM_EINVALID;
	struct lv *lv = allocate(ctx, vg, &p);
	/* Test hook: N more LVs NAME_1..NAME_N in the same commit (bench). */
	const char *bulk = getenv("ULVM_TEST_LVCREATE_COUNT");
	for (long i = 1, n = bulk ? atol(bulk) : 0; lv && i < n; i++) {
		struct lvcreate q = p;
		q.lvname = arena_printf(&ctx->arena, "%s_%ld", p.lvname, i);
		if (!allocate(ctx, vg, &q))
			return LVM_EFAILED;
	}
	if (!lv || lvm_vg_commit(ctx, vg) < 0)
		return LVM_EFAILED;
	if (activate_new(ctx, vg, lv) < 0)
		return LVM_EFAILED;
	lvm_print("Logical volume \"%s\" created.", lv->name);
	return LVM_OK;
}
