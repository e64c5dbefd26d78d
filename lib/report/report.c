/* The report engine: columns (-o), sort keys (-O), rows and their cells.
 * Output forms are in output.c, selection in select.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report_int.h"
#include "util/error.h"

/* LVM2 2.03.16's defaults (lib/config/defaults.h). */
static const char *const default_cols[3][2] = {
    [REPORT_PVS] = {"pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free",
		    "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,dev_size,pv_uuid"},
    [REPORT_VGS] = {"vg_name,pv_count,lv_count,snap_count,vg_attr,vg_size,vg_free",
		    "vg_name,vg_attr,vg_extent_size,pv_count,lv_count,snap_count,vg_size,vg_free,"
		    "vg_uuid,vg_profile"},
    [REPORT_LVS] = {"lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,"
		    "metadata_percent,move_pv,mirror_log,copy_percent,convert_lv",
		    "lv_name,vg_name,seg_count,lv_attr,lv_size,lv_major,lv_minor,lv_kernel_major,"
		    "lv_kernel_minor,pool_lv,origin,data_percent,metadata_percent,move_pv,"
		    "copy_percent,mirror_log,convert_lv,lv_uuid,lv_profile"},
};
/* lvs --segments (LVM2's "seg" report). */
static const char *const default_seg_cols[2] = {
    "lv_name,vg_name,lv_attr,stripes,segtype,seg_size",
    "lv_name,vg_name,lv_attr,seg_start,seg_size,stripes,segtype,stripe_size,chunk_size"};
/* pvs --segments ("pvseg"; LVM2's -v form adds LV fields, which pvs
 * does not offer here). */
static const char *const default_pvseg_cols =
    "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,pvseg_start,pvseg_size";
static const char *const default_sort[3] = {
    [REPORT_PVS] = "pv_name",
    [REPORT_VGS] = "vg_name",
    [REPORT_LVS] = "vg_name,lv_name",
};
static const char *const kind_prefix[3] = {"pv", "vg", "lv"};

struct table {
	const struct field_def *f;
	const unsigned *n;
};
static const struct table tables[] = {
    {report_fields_lv, &report_n_fields_lv},
    {report_fields_pv, &report_n_fields_pv},
    {report_fields_vg, &report_n_fields_vg},
    {report_fields_seg, &report_n_fields_seg},
};

bool report_field_allowed(enum report_kind kind, const struct field_def *f)
{
	switch (kind) {
	case REPORT_PVS:
		return f->section == SEC_LABEL || f->section == SEC_PV || f->section == SEC_VG ||
		       f->section == SEC_PVSEG;
	case REPORT_VGS:
		return f->section == SEC_VG;
	case REPORT_LVS:
		return f->section <= SEC_LVINFOSTATUS || f->section == SEC_VG ||
		       f->section == SEC_SEG;
	}
	return false;
}

/* Lower case without '_', as LVM2 compares field names. */
static void canonical(const char *s, size_t len, char *out, size_t size)
{
	size_t j = 0;

	for (size_t i = 0; i < len && s[i] && j + 1 < size; i++)
		if (s[i] != '_')
			out[j++] = (char)tolower((unsigned char)s[i]);
	out[j] = 0;
}

const struct field_def *report_find_field(const struct report *r, const char *name, size_t len)
{
	char want[64], id[64];
	const char *pre = kind_prefix[r->o.kind];
	size_t plen = strlen(pre);

	canonical(name, len, want, sizeof(want));
	if (!*want)
		return NULL;
	for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (unsigned i = 0; i < *tables[t].n; i++) {
			const struct field_def *f = &tables[t].f[i];
			if (!report_field_allowed(r->o.kind, f))
				continue;
			canonical(f->id, strlen(f->id), id, sizeof(id));
			if (!strcmp(id, want) ||
			    (!strncmp(id, pre, plen) && !strcmp(id + plen, want)))
				return f;
		}
	return NULL;
}

void report_eval(struct report *r, const struct field_def *f, const struct report_obj *obj,
		 struct cell *out)
{
	struct field_ctx c = {.r = r, .a = &r->a, .o = &r->o, .obj = obj};

	memset(out, 0, sizeof(*out));
	if ((f->section == SEC_SEG && !obj->seg) || (f->section <= SEC_LVINFOSTATUS && !obj->lv) ||
	    ((f->section == SEC_PV || f->section == SEC_LABEL) && !obj->pv)) {
		out->str = "";
		return;
	}
	f->get(&c, out);
	if (!out->str)
		out->str = "";
}

static unsigned add_col(struct report *r, const struct field_def *f, bool hidden)
{
	if (r->n_cols % 16 == 0) {
		struct col *n = arena_alloc(&r->a, (r->n_cols + 16) * sizeof(*n));
		if (r->n_cols)
			memcpy(n, r->cols, r->n_cols * sizeof(*n));
		r->cols = n;
	}
	int h = (int)strlen(f->heading);
	r->cols[r->n_cols] = (struct col){f, f->width > h ? f->width : h, hidden};
	return r->n_cols++;
}

static void remove_col(struct report *r, const struct field_def *f)
{
	for (unsigned i = 0; i < r->n_cols; i++)
		if (r->cols[i].f == f && !r->cols[i].hidden) {
			memmove(&r->cols[i], &r->cols[i + 1],
				(r->n_cols - i - 1) * sizeof(*r->cols));
			r->n_cols--;
			return;
		}
}

/* "all" (LVM2: not the segment fields, nor VG fields in pvs), "lv_all", "pv_all", "vg_all",
 * "seg_all", "pvseg_all": every field of those sections the kind allows. Returns false when `name`
 * is none of them. */
static bool add_all(struct report *r, const char *name, size_t len, bool remove)
{
	static const struct {
		const char *name;
		unsigned char lo, hi;
	} groups[] = {{"all", 0, SEC_COUNT - 1},    {"lvall", SEC_LV, SEC_LVINFOSTATUS},
		      {"pvall", SEC_LABEL, SEC_PV}, {"vgall", SEC_VG, SEC_VG},
		      {"segall", SEC_SEG, SEC_SEG}, {"pvsegall", SEC_PVSEG, SEC_PVSEG}};
	char want[64];

	canonical(name, len, want, sizeof(want));
	for (unsigned g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (strcmp(want, groups[g].name))
			continue;
		for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
			for (unsigned i = 0; i < *tables[t].n; i++) {
				const struct field_def *f = &tables[t].f[i];
				if (f->section < groups[g].lo || f->section > groups[g].hi ||
				    !report_field_allowed(r->o.kind, f) ||
				    (g == 0 && (f->section == SEC_SEG || f->section == SEC_PVSEG ||
						(r->o.kind == REPORT_PVS && f->section == SEC_VG))))
					continue;
				if (remove)
					remove_col(r, f);
				else
					add_col(r, f, false);
			}
		return true;
	}
	return false;
}

/* Adds (or removes) each field of a comma-separated list. */
static int col_list(struct report *r, const char *list, bool remove, bool *help)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		const struct field_def *f;

		if ((len == 4 && !strncmp(p, "help", 4)) || (len == 1 && *p == '?')) {
			*help = true;
			return 0;
		}
		if (len && !add_all(r, p, len, remove)) {
			if (!(f = report_find_field(r, p, len)))
				return err_set(EINVAL, "unrecognised field: %.*s", (int)len, p);
			if (remove)
				remove_col(r, f);
			else
				add_col(r, f, false);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* -o: a plain list replaces the defaults (the first time), "+list"
 * appends to them and "-list" takes fields away. */
static int parse_columns(struct report *r, bool *help)
{
	const struct report_opts *o = &r->o;
	bool replaced = false;
	int rc;

	for (unsigned i = 0; i < o->n_columns; i++)
		if (o->columns[i][0] != '+' && o->columns[i][0] != '-')
			replaced = true;
	const char *defaults = !o->segments	       ? default_cols[o->kind][o->verbose]
			       : o->kind == REPORT_LVS ? default_seg_cols[o->verbose]
			       : o->kind == REPORT_PVS ? default_pvseg_cols
						       : default_cols[o->kind][o->verbose];
	if (!replaced && (rc = col_list(r, defaults, false, help)) < 0)
		return rc;
	for (unsigned i = 0; i < o->n_columns; i++) {
		const char *a = o->columns[i];
		bool rm = a[0] == '-';
		if ((rc = col_list(r, a + (a[0] == '+' || rm), rm, help)) < 0 || *help)
			return rc;
	}
	return 0;
}

/* -O: keys in order, '-' before a name sorts it descending, '+'
 * ascending. Keys that are not columns become hidden columns. */
static int sort_list(struct report *r, const char *list)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		bool desc = *p == '-';
		const char *name = p + (*p == '-' || *p == '+');
		size_t nlen = len - (size_t)(name - p);
		const struct field_def *f = report_find_field(r, name, nlen);
		unsigned col;

		if (!f)
			return err_set(EINVAL, "unrecognised field: %.*s", (int)nlen, name);
		for (col = 0; col < r->n_cols && r->cols[col].f != f; col++)
			;
		if (col == r->n_cols)
			col = add_col(r, f, true);
		r->keys = realloc(r->keys, (r->n_keys + 1) * sizeof(*r->keys));
		if (!r->keys)
			abort();
		r->keys[r->n_keys++] = (struct sort_key){col, desc};
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int parse_sort(struct report *r)
{
	int rc;

	if (!r->o.n_sort)
		return sort_list(r, default_sort[r->o.kind]);
	for (unsigned i = 0; i < r->o.n_sort; i++)
		if ((rc = sort_list(r, r->o.sort[i])) < 0)
			return rc;
	return 0;
}

struct report *report_new(const struct report_opts *o, FILE *out, bool *help_shown)
{
	struct report *r = calloc(1, sizeof(*r));
	bool help = false;

	if (!r)
		abort();
	r->o = *o;
	*help_shown = false;
	if (parse_columns(r, &help) < 0)
		goto fail;
	if (help) {
		report_print_help(r, stderr); /* LVM2 logs the list: stderr */
		*help_shown = true;
		report_free(r);
		return NULL;
	}
	if (parse_sort(r) < 0)
		goto fail;
	if (o->select && *o->select && !(r->sel = sel_parse(r, o->select)))
		goto fail;
	for (unsigned i = 0; i < r->n_cols; i++)
		r->segs |= r->cols[i].f->section == SEC_SEG || r->cols[i].f->section == SEC_PVSEG;
	r->segs |= r->sel && sel_uses_segs(r->sel);
	r->segs |= r->o.segments;
	return r;
fail:
	report_free(r);
	return NULL;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	sel_free(r->sel);
	free(r->rows);
	free(r->keys);
	arena_release(&r->a);
	free(r);
}

bool report_wants_segs(const struct report *r)
{
	return r->segs;
}

int report_add(struct report *r, const struct report_obj *obj)
{
	const struct lv *lv = obj->lv;

	if (lv && (!(lv->status & LV_VISIBLE) && !r->o.all))
		return 0;
	/* LVM2 never lists the internal snapshot LVs, even with -a. */
	if (lv && lv_is_snapshot(lv))
		return 0;
	if (r->sel && !sel_match(r, r->sel, obj))
		return 0;
	struct row *row = arena_alloc(&r->a, sizeof(*row));
	row->cells = arena_alloc(&r->a, (r->n_cols + 1) * sizeof(*row->cells));
	row->seq = r->n_rows;
	for (unsigned i = 0; i < r->n_cols; i++)
		report_eval(r, r->cols[i].f, obj, &row->cells[i]);
	if (r->n_rows == r->cap_rows) {
		r->cap_rows = r->cap_rows ? 2 * r->cap_rows : 64;
		r->rows = realloc(r->rows, r->cap_rows * sizeof(*r->rows));
		if (!r->rows)
			abort();
	}
	r->rows[r->n_rows++] = row;
	return 0;
}
