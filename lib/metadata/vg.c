/* Building, searching and checking the in-memory VG model. */
#include "metadata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "config/config.h"
#include "metadata/uuid.h"
#include "util/error.h"

struct vg *vg_new(const char *name, uint32_t extent_size)
{
	struct arena a = ARENA_INIT;
	struct vg *vg = arena_alloc(&a, sizeof(*vg));

	vg->arena = a;
	vg->name = arena_strdup(&vg->arena, name);
	vg->extent_size = extent_size;
	vg->status = VG_RESIZEABLE | VG_READ | VG_WRITE;
	vg->alloc = ALLOC_NORMAL;
	return vg;
}

void vg_free(struct vg *vg)
{
	if (!vg)
		return;
	cfg_free(vg->cft);
	free(vg->file_body);
	/* The vg struct itself lives in its arena: copy the arena out first. */
	struct arena a = vg->arena;
	arena_release(&a);
}

void str_list_add(struct arena *a, struct str_list **l, const char *s)
{
	while (*l)
		l = &(*l)->next;
	*l = arena_alloc(a, sizeof(**l));
	(*l)->s = arena_strdup(a, s);
}

/* snprintf(out, 33, "%s", id) without its cost: once per LV of an import. */
static void copy_id(char out[33], const char *id)
{
	size_t n = strnlen(id, 32);
	memcpy(out, id, n);
	out[n] = '\0';
}

struct pv *vg_add_pv(struct vg *vg, const char *id, const char *device)
{
	struct pv *pv = arena_alloc(&vg->arena, sizeof(*pv)), **pp = &vg->pvs;

	copy_id(pv->id, id);
	pv->device = device ? arena_strdup(&vg->arena, device) : NULL;
	pv->fd = -1;
	while (*pp)
		pp = &(*pp)->next;
	*pp = pv;
	return pv;
}

struct pv *vg_find_pv(const struct vg *vg, const char *id)
{
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (!strcmp(pv->id, id))
			return pv;
	return NULL;
}

unsigned vg_pv_index(const struct vg *vg, const struct pv *pv)
{
	unsigned i = 0;
	for (const struct pv *p = vg->pvs; p && p != pv; p = p->next)
		i++;
	return i;
}

struct lv *vg_add_lv(struct vg *vg, const char *name, const char *id)
{
	struct lv **tail = NULL;

	return vg_add_lv_at(vg, &tail, name, id);
}

struct lv *vg_add_lv_at(struct vg *vg, struct lv ***tail, const char *name, const char *id)
{
	struct lv *lv = arena_alloc(&vg->arena, sizeof(*lv)), **pp = *tail ? *tail : &vg->lvs;

	lv->vg = vg;
	lv->name = arena_strdup(&vg->arena, name);
	copy_id(lv->id, id);
	lv->alloc = ALLOC_INHERIT;
	lv->read_ahead = READ_AHEAD_AUTO;
	lv->major = lv->minor = -1;
	while (*pp)
		pp = &(*pp)->next;
	*pp = lv;
	*tail = &lv->next;
	return lv;
}

struct lv *vg_find_lv(const struct vg *vg, const char *name)
{
	for (struct lv *lv = vg->lvs; lv; lv = lv->next)
		if (!strcmp(lv->name, name))
			return lv;
	return NULL;
}

struct lv *vg_new_lv(struct vg *vg, const char *name)
{
	char id[UUID_LEN + 1];
	struct utsname u;
	int r;

	if (vg_find_lv(vg, name)) {
		err_set(EEXIST, "Logical Volume \"%s\" already exists in volume group \"%s\"", name,
			vg->name);
		return NULL;
	}
	if (!*name || strlen(name) > 127 || name[0] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-") != strlen(name) ||
	    !strcmp(name, ".") || !strcmp(name, "..")) {
		err_set(EINVAL, "logical volume name \"%s\" is invalid", name);
		return NULL;
	}
	if ((r = uuid_generate(id)) < 0)
		return NULL;
	struct lv *lv = vg_add_lv(vg, name, id);
	lv->status = LV_READ | LV_WRITE | LV_VISIBLE;
	lv->creation_time = (int64_t)time(NULL);
	lv->creation_host = arena_strdup(&vg->arena, uname(&u) == 0 ? u.nodename : "");
	return lv;
}

void vg_remove_lv(struct vg *vg, struct lv *lv)
{
	for (struct lv **pp = &vg->lvs; *pp; pp = &(*pp)->next) {
		if (*pp == lv) {
			*pp = lv->next;
			return;
		}
	}
}

struct lv_seg *lv_add_seg(struct lv *lv, const struct segtype *type, uint32_t len,
			  uint32_t area_count)
{
	struct arena *a = &lv->vg->arena;
	struct lv_seg *seg = arena_alloc(a, sizeof(*seg)), **pp = &lv->segs;

	seg->lv = lv;
	seg->type = type;
	seg->type_flags = "";
	seg->le = lv->le_count;
	seg->len = len;
	seg->area_count = area_count;
	seg->area_len = area_count ? len / area_count : len;
	seg->areas = area_count ? arena_alloc(a, area_count * sizeof(*seg->areas)) : NULL;
	while (*pp)
		pp = &(*pp)->next;
	*pp = seg;
	lv->le_count += len;
	return seg;
}

/* Marks the PEs of `pv` used by segments in `map` (pe_count bytes). */
static int pv_usage(const struct vg *vg, const struct pv *pv, unsigned char *map)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++) {
				const struct seg_area *ar = &s->areas[a];
				if (ar->type != AREA_PV || ar->pv != pv)
					continue;
				if ((uint64_t)ar->start + s->area_len > pv->pe_count)
					return err_set(
					    EINVAL,
					    "LV '%s' uses extents %u-%u beyond the %u of PV '%s'",
					    lv->name, ar->start, ar->start + s->area_len - 1,
					    pv->pe_count, pv->device ? pv->device : pv->id);
				for (uint32_t e = ar->start; e < ar->start + s->area_len; e++) {
					if (map && map[e])
						return err_set(EINVAL,
							       "LV '%s' overlaps another LV on PV "
							       "'%s' extent %u",
							       lv->name,
							       pv->device ? pv->device : pv->id, e);
					if (map)
						map[e] = 1;
				}
			}
	return 0;
}

uint32_t pv_free_extents(const struct vg *vg, const struct pv *pv)
{
	uint32_t used = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next)
			for (uint32_t a = 0; a < s->area_count; a++)
				if (s->areas[a].type == AREA_PV && s->areas[a].pv == pv)
					used += s->area_len;
	return used > pv->pe_count ? 0 : pv->pe_count - used;
}

uint32_t vg_free_extents(const struct vg *vg)
{
	uint32_t n = 0;
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		n += pv_free_extents(vg, pv);
	return n;
}

int vg_validate(const struct vg *vg)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		uint32_t le = 0;
		for (const struct lv_seg *s = lv->segs; s; s = s->next) {
			if (s->le != le)
				return err_set(EINVAL,
					       "LV '%s' segment at extent %u should start at %u",
					       lv->name, s->le, le);
			le += s->len;
		}
		if (le != lv->le_count)
			return err_set(EINVAL, "LV '%s' has %u extents but its segments cover %u",
				       lv->name, lv->le_count, le);
	}
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next) {
		unsigned char *map = calloc(pv->pe_count ? pv->pe_count : 1, 1);
		if (!map)
			return err_set(ENOMEM, "out of memory");
		int r = pv_usage(vg, pv, map);
		free(map);
		if (r < 0)
			return r;
	}
	return 0;
}
