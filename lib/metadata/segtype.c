/* Segment-type registry, shared area-list code and the raw handler. */
#include "segtype.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "config/config.h"
#include "format_text/text_out.h"
#include "util/error.h"

static const struct {
	const char *name;
	const struct segtype *type;
} registry[] = {
#define X(name, handler) {name, &handler},
#include "segtypes.def"
#undef X
};

const struct segtype *segtype_find(const char *name)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (!strcmp(registry[i].name, name))
			return registry[i].type;
	return &segtype_raw;
}

static struct pv *pv_by_key(struct vg *vg, const char *key)
{
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (pv->key && !strcmp(pv->key, key))
			return pv;
	return NULL;
}

int segtype_import_areas(struct vg *vg, struct lv_seg *seg, const struct cfg_node *sn,
			 const char *key)
{
	const struct cfg_value *v;
	uint32_t i = 0;

	if (cfg_get_array(sn, key, &v) < 0)
		return err_set(EINVAL, "couldn't find %s array for segment %s of LV '%s'", key,
			       sn->key, seg->lv->name);
	for (; v; v = v->next ? v->next->next : NULL, i++) {
		const struct cfg_value *num = v->next;
		if (i == seg->area_count || v->type != CFG_STRING || !num || num->type != CFG_INT ||
		    num->v.i < 0 || num->v.i > UINT32_MAX)
			return err_set(EINVAL, "bad %s array in segment %s of LV '%s'", key,
				       sn->key, seg->lv->name);
		struct seg_area *a = &seg->areas[i];
		a->start = (uint32_t)num->v.i;
		if ((a->pv = pv_by_key(vg, v->v.s))) {
			a->type = AREA_PV;
		} else if ((a->lv = vg_find_lv(vg, v->v.s))) {
			a->type = AREA_LV;
		} else {
			return err_set(EINVAL,
				       "couldn't find volume '%s' for segment %s of LV '%s'",
				       v->v.s, sn->key, seg->lv->name);
		}
	}
	if (i != seg->area_count)
		return err_set(EINVAL, "segment %s of LV '%s' lists %u areas, expected %u", sn->key,
			       seg->lv->name, i, seg->area_count);
	return 0;
}

void segtype_export_areas(const struct vg *vg, const struct lv_seg *seg, struct text_out *o,
			  const char *key)
{
	out_nl(o);
	out_line(o, NULL, "%s = [", key);
	out_indent(o, 1);
	for (uint32_t s = 0; s < seg->area_count; s++) {
		const struct seg_area *a = &seg->areas[s];
		const char *comma = s == seg->area_count - 1 ? "" : ",";
		if (a->type == AREA_PV)
			out_line(o, NULL, "\"pv%u\", %u%s", vg_pv_index(vg, a->pv), a->start,
				 comma);
		else
			out_line(o, NULL, "\"%s\", %u%s", a->lv->name, a->start, comma);
	}
	out_indent(o, -1);
	out_line(o, NULL, "]");
}

/* --- raw: a segment type ulvm does not model, kept as it was read --- */

static int raw_import(struct vg *vg, struct lv_seg *seg, const struct cfg_node *sn)
{
	seg->raw = sn;
	return 0;
}

static bool common_key(const char *k)
{
	static const char *const keys[] = {"start_extent", "extent_count", "reshape_count",
					   "type",	   "tags",	   NULL};
	for (int i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

/* Area-like arrays are written one pair per line as out_areas does. */
static bool area_key(const char *k)
{
	return !strcmp(k, "stripes") || !strcmp(k, "mirrors") || !strcmp(k, "raids") ||
	       !strcmp(k, "raid0_lvs");
}

static void value_text(struct strbuf *sb, const struct cfg_value *v)
{
	if (v->type == CFG_INT)
		sb_printf(sb, "%" PRId64, v->v.i);
	else if (v->type == CFG_FLOAT)
		sb_printf(sb, "%f", v->v.f);
	else if (v->type == CFG_STRING) {
		sb_puts(sb, "\"");
		cfg_escape(sb, v->v.s);
		sb_puts(sb, "\"");
	}
}

static void raw_export_node(const struct cfg_node *n, struct text_out *o)
{
	struct strbuf sb = STRBUF_INIT;

	if (!n->v) {
		out_line(o, NULL, "%s {", n->key);
		out_indent(o, 1);
		for (const struct cfg_node *c = n->child; c; c = c->sib)
			raw_export_node(c, o);
		out_indent(o, -1);
		out_line(o, NULL, "}");
		return;
	}
	if (n->is_array && area_key(n->key)) {
		out_nl(o);
		out_line(o, NULL, "%s = [", n->key);
		out_indent(o, 1);
		for (const struct cfg_value *v = n->v; v && v->type != CFG_EMPTY_ARRAY;
		     v = v->next) {
			sb_reset(&sb);
			value_text(&sb, v);
			if (v->type == CFG_STRING && v->next && v->next->type == CFG_INT) {
				v = v->next;
				sb_puts(&sb, ", ");
				value_text(&sb, v);
			}
			out_line(o, NULL, "%s%s", sb_str(&sb), v->next ? "," : "");
		}
		out_indent(o, -1);
		out_line(o, NULL, "]");
	} else {
		if (n->is_array)
			sb_puts(&sb, "[");
		for (const struct cfg_value *v = n->v; v && v->type != CFG_EMPTY_ARRAY;
		     v = v->next) {
			value_text(&sb, v);
			if (v->next)
				sb_puts(&sb, ", ");
		}
		if (n->is_array)
			sb_puts(&sb, "]");
		out_line(o, NULL, "%s = %s", n->key, sb_str(&sb));
	}
	sb_release(&sb);
}

static void raw_export(const struct vg *vg, const struct lv_seg *seg, struct text_out *o)
{
	for (const struct cfg_node *n = seg->raw ? seg->raw->child : NULL; n; n = n->sib)
		if (!common_key(n->key))
			raw_export_node(n, o);
}

const struct segtype segtype_raw = {
    .name = "raw",
    .text_import = raw_import,
    .text_export = raw_export,
};
