#include "import.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "metadata/segtype.h"
#include "metadata/uuid.h"
#include "util/error.h"

static int get_id(const struct cfg_node *sn, const char *what, char out[33])
{
	const char *s;
	if (cfg_get_str(sn, "id", &s) < 0)
		return err_set(EINVAL, "%s '%s' has no id", what, sn->key);
	return uuid_parse(s, out);
}

static bool is_segtype_flag(const char *w)
{
	static const char *const words[] = {"RESHAPE",
					    "RESHAPE_DATA_OFFSET",
					    "RESHAPE_DELTA_DISKS_PLUS",
					    "RESHAPE_DELTA_DISKS_MINUS",
					    "REMOVE_AFTER_RESHAPE",
					    "METADATA_FORMAT",
					    "CROP_METADATA",
					    "CACHE_USES_CACHEVOL",
					    NULL};
	for (int i = 0; words[i]; i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* Reads `status` (required when `required`) and `flags` into a bit set. */
static int get_flags(const struct cfg_node *sn, enum flag_kind kind, uint64_t *out)
{
	const struct cfg_value *v;
	uint64_t bit;

	*out = 0;
	if (cfg_get_array(sn, "status", &v) < 0)
		return err_set(EINVAL, "'%s' has no status array", sn->key);
	for (; v; v = v->next) {
		if (v->type != CFG_STRING)
			return err_set(EINVAL, "'%s': status entries must be strings", sn->key);
		/* Segment-type flags were once stored in status: accept them. */
		if (flags_from_word(kind, false, v->v.s, &bit) == 0)
			*out |= bit;
		else if (kind != FLAGS_LV || !is_segtype_flag(v->v.s))
			return err_set(EINVAL, "'%s': unknown status flag '%s'", sn->key, v->v.s);
	}
	/* Unknown compatible flags are ignored, that is their point. */
	if (cfg_get_array(sn, "flags", &v) == 0)
		for (; v; v = v->next)
			if (v->type == CFG_STRING && flags_from_word(kind, true, v->v.s, &bit) == 0)
				*out |= bit;
	return 0;
}

static int get_tags(struct arena *a, const struct cfg_node *sn, struct str_list **out)
{
	const struct cfg_value *v;
	if (cfg_get_array(sn, "tags", &v) < 0)
		return 0;
	for (; v; v = v->next) {
		if (v->type != CFG_STRING)
			return err_set(EINVAL, "'%s': tags must be strings", sn->key);
		str_list_add(a, out, v->v.s);
	}
	return 0;
}

static const char *opt_str(struct vg *vg, const struct cfg_node *sn, const char *key)
{
	const char *s;
	return cfg_get_str(sn, key, &s) == 0 ? arena_strdup(&vg->arena, s) : NULL;
}

static int import_pv(struct vg *vg, const struct cfg_node *sn)
{
	char id[33];
	int r;

	if ((r = get_id(sn, "PV", id)) < 0)
		return r;
	if (vg_find_pv(vg, id))
		return err_set(EINVAL, "PV '%s' is listed twice", sn->key);
	struct pv *pv = vg_add_pv(vg, id, opt_str(vg, sn, "device"));
	pv->key = arena_strdup(&vg->arena, sn->key);
	if ((r = get_flags(sn, FLAGS_PV, &pv->status)) < 0 ||
	    (r = get_tags(&vg->arena, sn, &pv->tags)) < 0)
		return r;
	if (cfg_get_u64(sn, "pe_start", &pv->pe_start) < 0 ||
	    cfg_get_u32(sn, "pe_count", &pv->pe_count) < 0)
		return err_set(EINVAL, "PV '%s' lacks pe_start or pe_count", sn->key);
	cfg_get_u64(sn, "dev_size", &pv->dev_size);
	cfg_get_u64(sn, "ba_start", &pv->ba_start);
	cfg_get_u64(sn, "ba_size", &pv->ba_size);
	pv->device_id_type = opt_str(vg, sn, "device_id_type");
	pv->device_id = opt_str(vg, sn, "device_id");
	return 0;
}

/* "striped+FLAG" -> handler and the "+FLAG" tail. */
static int import_segment(struct vg *vg, struct lv *lv, const struct cfg_node *sn)
{
	uint32_t le, len, count = 0;
	const char *type;
	int r;

	if (cfg_get_u32(sn, "start_extent", &le) < 0 || cfg_get_u32(sn, "extent_count", &len) < 0)
		return err_set(EINVAL, "segment '%s' lacks start_extent or extent_count", sn->key);
	if (cfg_get_str(sn, "type", &type) < 0)
		return err_set(EINVAL, "segment '%s' has no type", sn->key);
	size_t base = strcspn(type, "+");
	char *name = arena_strndup(&vg->arena, type, base);
	const struct segtype *st = segtype_find(name);
	if (st == &segtype_striped && cfg_get_u32(sn, "stripe_count", &count) < 0)
		return err_set(EINVAL, "couldn't read 'stripe_count' for segment '%s'", sn->key);
	if (le != lv->le_count)
		return err_set(EINVAL, "segment '%s' starts at extent %u, expected %u", sn->key, le,
			       lv->le_count);
	struct lv_seg *seg = lv_add_seg(lv, st, len, count);
	seg->type_flags = arena_strdup(&vg->arena, type + base);
	cfg_get_u32(sn, "reshape_count", &seg->reshape_count);
	cfg_get_u32(sn, "data_copies", &seg->data_copies);
	if ((r = get_tags(&vg->arena, sn, &seg->tags)) < 0)
		return r;
	return st->text_import(vg, seg, sn);
}

/* LV names are unique: the parser merges a section given twice. */
static int import_lv_header(struct vg *vg, const struct cfg_node *sn, struct lv ***tail)
{
	char id[33];
	const char *s;
	int r;

	if ((r = get_id(sn, "LV", id)) < 0)
		return r;
	struct lv *lv = vg_add_lv_at(vg, tail, sn->key, id);
	if ((r = get_flags(sn, FLAGS_LV, &lv->status)) < 0 ||
	    (r = get_tags(&vg->arena, sn, &lv->tags)) < 0)
		return r;
	bool has_time = cfg_get_int(sn, "creation_time", &lv->creation_time) == 0;
	lv->creation_host = opt_str(vg, sn, "creation_host");
	if (has_time != (lv->creation_host != NULL))
		return err_set(EINVAL, "LV '%s': creation_time and creation_host go together",
			       sn->key);
	lv->lock_args = opt_str(vg, sn, "lock_args");
	lv->profile = opt_str(vg, sn, "profile");
	if (cfg_get_str(sn, "allocation_policy", &s) == 0 && alloc_policy_parse(s, &lv->alloc) < 0)
		return err_set(EINVAL, "LV '%s': unknown allocation policy '%s'", sn->key, s);
	cfg_get_int(sn, "read_ahead", &lv->read_ahead);
	int64_t v;
	if (cfg_get_int(sn, "major", &v) == 0)
		lv->major = (int32_t)v;
	if (cfg_get_int(sn, "minor", &v) == 0)
		lv->minor = (int32_t)v;
	return 0;
}

/* "segment<i>" into `key` (snprintf cost ~300 instructions per LV). */
static void segment_key(char key[32], uint32_t i)
{
	char digits[10], *d = digits + sizeof(digits);

	memcpy(key, "segment", 7);
	do
		*--d = (char)('0' + i % 10);
	while ((i /= 10));
	size_t n = (size_t)(digits + sizeof(digits) - d);
	memcpy(key + 7, d, n);
	key[7 + n] = '\0';
}

static int import_lv_segments(struct vg *vg, struct lv *lv, const struct cfg_node *sn)
{
	uint32_t count;
	char key[32];
	int r;

	if (cfg_get_u32(sn, "segment_count", &count) < 0)
		return err_set(EINVAL, "LV '%s' has no segment_count", sn->key);
	for (uint32_t i = 1; i <= count; i++) {
		const struct cfg_node *seg;
		segment_key(key, i);
		if (cfg_get_section(sn, key, &seg) < 0)
			return err_set(EINVAL, "LV '%s' lacks %s", sn->key, key);
		if ((r = import_segment(vg, lv, seg)) < 0) {
			err_prefix("LV '%s'", sn->key);
			return r;
		}
	}
	return 0;
}

static int import_vg_fields(struct vg *vg, const struct cfg_node *sn)
{
	const char *s;
	int r;

	if ((r = get_id(sn, "VG", vg->id)) < 0)
		return r;
	if (cfg_get_u32(sn, "seqno", &vg->seqno) < 0)
		return err_set(EINVAL, "no seqno");
	if (cfg_get_u32(sn, "extent_size", &vg->extent_size) < 0 || !vg->extent_size)
		return err_set(EINVAL, "no valid extent_size");
	if (cfg_get_u32(sn, "max_lv", &vg->max_lv) < 0 ||
	    cfg_get_u32(sn, "max_pv", &vg->max_pv) < 0)
		return err_set(EINVAL, "no max_lv or max_pv");
	if ((r = get_flags(sn, FLAGS_VG, &vg->status)) < 0 ||
	    (r = get_tags(&vg->arena, sn, &vg->tags)) < 0)
		return r;
	vg->system_id = opt_str(vg, sn, "system_id");
	vg->lock_type = opt_str(vg, sn, "lock_type");
	vg->lock_args = opt_str(vg, sn, "lock_args");
	vg->profile = opt_str(vg, sn, "profile");
	cfg_get_u32(sn, "metadata_copies", &vg->mda_copies);
	if (cfg_get_str(sn, "allocation_policy", &s) == 0 && alloc_policy_parse(s, &vg->alloc) < 0)
		return err_set(EINVAL, "unknown allocation policy '%s'", s);
	return 0;
}

static int import_vg(struct vg *vg, const struct cfg_node *sn)
{
	const struct cfg_node *pvs, *lvs, *n;
	int r;

	if ((r = import_vg_fields(vg, sn)) < 0)
		return r;
	if (cfg_get_section(sn, "physical_volumes", &pvs) < 0)
		return err_set(EINVAL, "no physical_volumes section");
	for (n = pvs->child; n; n = n->sib)
		if (n->v || (r = import_pv(vg, n)) < 0)
			return r < 0 ? r
				     : err_set(EINVAL, "stray value '%s' in physical_volumes",
					       n->key);
	if (cfg_get_section(sn, "logical_volumes", &lvs) < 0)
		return vg_validate(vg);
	/* LVs first, then segments, which may name LVs defined later. The
	 * LV list follows the section order, so both walk side by side. */
	struct lv **tail = NULL;
	for (n = lvs->child; n; n = n->sib)
		if (n->v || (r = import_lv_header(vg, n, &tail)) < 0)
			return r < 0
				   ? r
				   : err_set(EINVAL, "stray value '%s' in logical_volumes", n->key);
	struct lv *lv = vg->lvs;
	for (n = lvs->child; n; n = n->sib, lv = lv->next)
		if ((r = import_lv_segments(vg, lv, n)) < 0)
			return r;
	return vg_validate(vg);
}

/* Whether a segment of a type ulvm does not model points into the tree.
 * Everything else was copied into the VG's arena. */
static bool keeps_raw_sections(const struct vg *vg)
{
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *seg = lv->segs; seg; seg = seg->next)
			if (seg->raw)
				return true;
	return false;
}

struct vg *vg_import(const char *text, size_t len)
{
	struct cfg_tree *t = cfg_parse(text, len);
	const struct cfg_node *n;
	const char *contents;
	int64_t version;
	int r;

	if (!t)
		return NULL;
	if (cfg_get_str(&t->root, "contents", &contents) < 0 ||
	    strcmp(contents, "Text Format Volume Group") ||
	    cfg_get_int(&t->root, "version", &version) < 0 || version != 1) {
		cfg_free(t);
		errno = EINVAL;
		err_set(EINVAL, "not LVM2 text metadata (contents/version)");
		return NULL;
	}
	for (n = t->root.child; n && n->v; n = n->sib)
		;
	if (!n) {
		cfg_free(t);
		errno = EINVAL;
		err_set(EINVAL, "no volume group section in metadata");
		return NULL;
	}
	struct vg *vg = vg_new(n->key, 0);
	vg->cft = t;
	vg->creation_host = opt_str(vg, &t->root, "creation_host");
	cfg_get_int(&t->root, "creation_time", &vg->creation_time);
	vg->alloc = ALLOC_NORMAL;
	if ((r = import_vg(vg, n)) < 0) {
		err_prefix("vg '%s'", vg->name);
		vg_free(vg);
		errno = -r;
		return NULL;
	}
	if (!keeps_raw_sections(vg)) {
		cfg_free(t);
		vg->cft = NULL;
	}
	return vg;
}
