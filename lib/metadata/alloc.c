#include "alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/segtype.h"
#include "util/error.h"
#include "util/parse.h"

/* A run of free extents on one PV. */
struct free_area {
	struct pv *pv;
	uint32_t start, len;
};

struct space {
	struct free_area *a;
	unsigned n, cap;
};

static bool in_ranges(const struct alloc_pv *c, uint32_t pe)
{
	if (!c->n_ranges)
		return true;
	for (unsigned i = 0; i < c->n_ranges; i++)
		if (pe >= c->ranges[i].start && pe <= c->ranges[i].end)
			return true;
	return false;
}

static void mark_used(const struct vg *vg, const struct pv *pv, unsigned char *used)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++)
				if (s->areas[a].type == AREA_PV && s->areas[a].pv == pv)
					for (uint32_t e = 0; e < s->area_len; e++)
						if (s->areas[a].start + e < pv->pe_count)
							used[s->areas[a].start + e] = 1;
}

static void space_add(struct space *sp, struct pv *pv, uint32_t start, uint32_t len)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 16;
		sp->a = realloc(sp->a, sp->cap * sizeof(*sp->a));
		if (!sp->a)
			abort();
	}
	sp->a[sp->n++] = (struct free_area){pv, start, len};
}

/* Collects the free runs of one candidate PV in extent order. */
static void collect(const struct vg *vg, const struct alloc_pv *c, struct space *sp)
{
	struct pv *pv = c->pv;
	if (!(pv->status & PV_ALLOCATABLE) || !pv->pe_count)
		return;
	unsigned char *used = calloc(pv->pe_count, 1);
	if (!used)
		abort();
	mark_used(vg, pv, used);
	for (uint32_t e = 0; e < pv->pe_count;) {
		if (used[e] || !in_ranges(c, e)) {
			e++;
			continue;
		}
		uint32_t s = e;
		while (e < pv->pe_count && !used[e] && in_ranges(c, e))
			e++;
		space_add(sp, pv, s, e - s);
	}
	free(used);
}

static struct space gather(const struct lv *lv, const struct alloc_request *req)
{
	struct space sp = {0};
	if (req->pvs) {
		for (unsigned i = 0; i < req->n_pvs; i++)
			collect(lv->vg, &req->pvs[i], &sp);
	} else {
		for (struct pv *pv = lv->vg->pvs; pv; pv = pv->next) {
			struct alloc_pv c = {.pv = pv};
			collect(lv->vg, &c, &sp);
		}
	}
	return sp;
}

static struct lv_seg *last_seg(const struct lv *lv)
{
	struct lv_seg *s = lv->segs;
	while (s && s->next)
		s = s->next;
	return s;
}

/* The free area starting exactly at `pv`:`start`, or NULL. */
static struct free_area *area_at(struct space *sp, const struct pv *pv, uint32_t start)
{
	for (unsigned i = 0; i < sp->n; i++)
		if (sp->a[i].pv == pv && sp->a[i].start == start && sp->a[i].len)
			return &sp->a[i];
	return NULL;
}

static bool lv_uses_pv(const struct lv *lv, const struct pv *pv)
{
	for (const struct lv_seg *s = lv->segs; s; s = s->next)
		for (uint32_t a = 0; a < s->area_count; a++)
			if (s->areas[a].type == AREA_PV && s->areas[a].pv == pv)
				return true;
	return false;
}

/* Candidates are ordered by the space they can give (their length capped
 * at what is still needed), largest first; equal ones keep PV order. This
 * is how LVM2 ranks areas, so a stripe set on equally usable PVs follows
 * the PV order. */
struct candidate {
	struct free_area *a;
	uint32_t usable;
	unsigned order;
};

static int by_usable(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	if (a->usable != b->usable)
		return a->usable < b->usable ? 1 : -1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Appends `len` extents per stripe at the chosen areas, merging into the
 * last segment when every stripe continues it. */
static void add_space(struct lv *lv, const struct alloc_request *req, struct free_area **pick,
		      uint32_t len)
{
	struct lv_seg *last = last_seg(lv);
	bool merge = last && last->type == &segtype_striped && last->area_count == req->stripes &&
		     (req->stripes == 1 || last->stripe_size == req->stripe_size);
	for (uint32_t s = 0; merge && s < req->stripes; s++)
		merge = last->areas[s].type == AREA_PV && last->areas[s].pv == pick[s]->pv &&
			last->areas[s].start + last->area_len == pick[s]->start;
	if (merge) {
		last->len += len * req->stripes;
		last->area_len += len;
		lv->le_count += len * req->stripes;
	} else {
		struct lv_seg *seg =
		    lv_add_seg(lv, &segtype_striped, len * req->stripes, req->stripes);
		seg->stripe_size = req->stripes > 1 ? req->stripe_size : 0;
		for (uint32_t s = 0; s < req->stripes; s++)
			seg->areas[s] = (struct seg_area){
			    .type = AREA_PV, .pv = pick[s]->pv, .start = pick[s]->start};
	}
	for (uint32_t s = 0; s < req->stripes; s++) {
		pick[s]->start += len;
		pick[s]->len -= len;
	}
}

#define MAX_STRIPES 64

/* Where each stripe's space would continue the LV, if anywhere. */
struct tail {
	bool valid;
	const struct pv *pv[MAX_STRIPES];
	uint32_t next[MAX_STRIPES];
};

static bool pick_continuation(struct space *sp, const struct alloc_request *req,
			      const struct tail *t, struct free_area **pick)
{
	if (!t->valid)
		return false;
	for (uint32_t s = 0; s < req->stripes; s++)
		if (!(pick[s] = area_at(sp, t->pv[s], t->next[s])))
			return false;
	return true;
}

/* Whether `a` is the largest free area of its PV (the first if tied). */
static bool largest_on_pv(const struct space *sp, const struct free_area *a)
{
	for (unsigned i = 0; i < sp->n; i++) {
		const struct free_area *o = &sp->a[i];
		if (o->pv == a->pv && (o->len > a->len || (o->len == a->len && o < a)))
			return false;
	}
	return true;
}

/* Fills pick[] with the best areas for `need` extents per stripe, on
 * distinct PVs unless the stage is anywhere; the cling stage keeps to the
 * PVs the LV already uses. Returns how many stripes got an area. */
static uint32_t pick_largest(const struct lv *lv, struct space *sp, const struct alloc_request *req,
			     enum alloc_policy stage, uint32_t need, struct free_area **pick)
{
	struct candidate *c = malloc((sp->n ? sp->n : 1) * sizeof(*c));
	bool cling = stage == ALLOC_CLING || stage == ALLOC_CLING_BY_TAGS;
	bool anywhere = stage == ALLOC_ANYWHERE, lv_has_pvs = false;
	unsigned n = 0;
	uint32_t got = 0;

	if (!c)
		abort();
	for (const struct lv_seg *sg = lv->segs; sg; sg = sg->next)
		for (uint32_t a = 0; a < sg->area_count; a++)
			lv_has_pvs |= sg->areas[a].type == AREA_PV;
	for (unsigned i = 0; i < sp->n; i++) {
		struct free_area *a = &sp->a[i];
		if (!a->len || (cling && lv_has_pvs && !lv_uses_pv(lv, a->pv)))
			continue;
		if (!anywhere && !largest_on_pv(sp, a))
			continue;
		c[n++] = (struct candidate){a, a->len < need ? a->len : need, i};
	}
	qsort(c, n, sizeof(*c), by_usable);
	for (unsigned i = 0; i < n && got < req->stripes; i++) {
		bool dup = false;
		/* anywhere may reuse a PV, never one free area twice. */
		for (uint32_t s = 0; s < got; s++)
			dup |= anywhere ? pick[s] == c[i].a : pick[s]->pv == c[i].a->pv;
		if (!dup)
			pick[got++] = c[i].a;
	}
	free(c);
	return got;
}

struct step {
	struct free_area at[MAX_STRIPES]; /* pv and start of each stripe */
	uint32_t len;			  /* extents per stripe */
};

static void tail_init(const struct lv *lv, const struct alloc_request *req, struct tail *t)
{
	struct lv_seg *last = last_seg(lv);
	t->valid = last && last->type == &segtype_striped && last->area_count == req->stripes;
	for (uint32_t s = 0; t->valid && s < req->stripes; s++) {
		t->valid = last->areas[s].type == AREA_PV;
		t->pv[s] = last->areas[s].pv;
		t->next[s] = last->areas[s].start + last->area_len;
	}
}

/* One stage of the allocation with the rules of `stage`, as much as it
 * can; `*remaining` (extents per stripe) goes down. Returns the new step
 * count. The contiguous stage only continues the LV's tail (or, for an
 * empty LV under the contiguous policy, takes one whole area per stripe). */
static int plan_stage(struct lv *lv, const struct alloc_request *req, enum alloc_policy stage,
		      struct space *sp, struct tail *t, uint32_t *remaining, struct step *steps,
		      int n, int max_steps)
{
	struct free_area *pick[MAX_STRIPES];
	bool whole = stage == ALLOC_CONTIGUOUS && !t->valid;

	if (whole && req->policy != ALLOC_CONTIGUOUS)
		return n;
	while (*remaining && n < max_steps) {
		bool cont = pick_continuation(sp, req, t, pick);
		uint32_t got = req->stripes;
		if (!cont && stage == ALLOC_CONTIGUOUS && !whole)
			break;
		if (!cont)
			got = pick_largest(lv, sp, req, stage, *remaining, pick);
		if (got < req->stripes)
			break;
		uint32_t len = *remaining;
		for (uint32_t s = 0; s < req->stripes; s++)
			if (pick[s]->len < len)
				len = pick[s]->len;
		if (whole && len < *remaining)
			break;
		for (uint32_t s = 0; s < req->stripes; s++) {
			steps[n].at[s] = *pick[s];
			t->pv[s] = pick[s]->pv;
			t->next[s] = pick[s]->start + len;
			pick[s]->start += len;
			pick[s]->len -= len;
		}
		t->valid = true;
		whole = false;
		steps[n++].len = len;
		*remaining -= len;
	}
	return n;
}

/* Plans the allocation without touching the LV: like LVM2, every policy
 * from contiguous up to the requested one is tried in turn, each taking
 * what it can (so normal first continues the tail, then clings to the
 * LV's PVs, then takes the largest areas). Returns the number of steps,
 * or -ENOSPC with LVM's message. */
static int plan(struct lv *lv, const struct alloc_request *req, struct space *sp,
		struct step *steps, int max_steps)
{
	static const enum alloc_policy stages[] = {ALLOC_CONTIGUOUS, ALLOC_CLING, ALLOC_NORMAL,
						   ALLOC_ANYWHERE};
	uint32_t remaining = req->extents / req->stripes;
	enum alloc_policy last = req->policy == ALLOC_CLING_BY_TAGS ? ALLOC_CLING : req->policy;

	if (last == ALLOC_INHERIT)
		last = ALLOC_NORMAL;
	struct tail t;
	int n = 0;

	tail_init(lv, req, &t);
	for (unsigned i = 0; i < 4 && remaining; i++) {
		if (stages[i] > last)
			break;
		/* Cling to nothing is no rule: skip it for an LV without PVs
		 * unless cling is the policy asked for. */
		if (stages[i] == ALLOC_CLING && !lv->segs && !t.valid && last != ALLOC_CLING)
			continue;
		n = plan_stage(lv, req, stages[i], sp, &t, &remaining, steps, n, max_steps);
	}
	if (remaining)
		return err_set(ENOSPC,
			       "Insufficient suitable %sallocatable extents for logical volume %s: "
			       "%u more required",
			       last == ALLOC_CONTIGUOUS ? "contiguous " : "", lv->name,
			       remaining * req->stripes);
	return n;
}

int lv_extend(struct lv *lv, const struct alloc_request *req)
{
	if (!req->stripes || req->stripes > MAX_STRIPES || !req->extents ||
	    req->extents % req->stripes)
		return err_set(EINVAL, "cannot allocate %u extents in %u stripes", req->extents,
			       req->stripes);
	struct space sp = gather(lv, req);
	int max_steps = (int)sp.n + 1;
	struct step *steps = calloc((size_t)max_steps, sizeof(*steps));
	if (!steps)
		abort();
	int n = plan(lv, req, &sp, steps, max_steps);
	for (int i = 0; i < n; i++) {
		struct free_area *pick[MAX_STRIPES];
		for (uint32_t s = 0; s < req->stripes; s++)
			pick[s] = &steps[i].at[s];
		add_space(lv, req, pick, steps[i].len);
	}
	free(steps);
	free(sp.a);
	return n < 0 ? n : 0;
}

/* One ":A-B", ":A", ":A-" or ":-B" range, clipped to the PV. */
static int parse_range(const char *s, uint32_t pe_count, struct pe_range *r)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *dash = strchr(buf, '-');
	uint32_t a = 0, b = pe_count ? pe_count - 1 : 0;
	if (dash)
		*dash = '\0';
	if (*buf && parse_u32(buf, &a) < 0)
		return -EINVAL;
	if (dash && dash[1] && parse_u32(dash + 1, &b) < 0)
		return -EINVAL;
	if (!dash)
		b = a;
	if (a > b)
		return -EINVAL;
	r->start = a;
	r->end = b;
	return 0;
}

int alloc_pv_parse(struct vg *vg, const char *arg, struct alloc_pv *out)
{
	char path[4096];
	const char *colon = strchr(arg, ':');
	size_t plen = colon ? (size_t)(colon - arg) : strlen(arg);

	if (plen >= sizeof(path))
		return err_set(EINVAL, "physical volume path too long");
	memcpy(path, arg, plen);
	path[plen] = '\0';
	memset(out, 0, sizeof(*out));
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (pv->device && !strcmp(pv->device, path))
			out->pv = pv;
	if (!out->pv)
		return err_set(ENOENT, "Physical Volume \"%s\" not found in Volume Group \"%s\".",
			       path, vg->name);
	while (colon) {
		const char *next = strchr(colon + 1, ':');
		char part[64];
		size_t n = next ? (size_t)(next - colon - 1) : strlen(colon + 1);
		if (n >= sizeof(part) || out->n_ranges == 16)
			return err_set(EINVAL, "bad physical extent range '%s'", arg);
		memcpy(part, colon + 1, n);
		part[n] = '\0';
		if (parse_range(part, out->pv->pe_count, &out->ranges[out->n_ranges++]) < 0)
			return err_set(EINVAL, "bad physical extent range '%s'", arg);
		colon = next;
	}
	return 0;
}

uint32_t alloc_pvs_free(const struct vg *vg, const struct alloc_pv *pvs, unsigned n_pvs)
{
	uint64_t n = 0;

	if (!n_pvs)
		return vg_free_extents(vg);
	for (unsigned i = 0; i < n_pvs; i++)
		n += pv_free_extents(vg, pvs[i].pv);
	return (uint32_t)n;
}
