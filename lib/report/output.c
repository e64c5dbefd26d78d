/* Printing a report as LVM2 does: every line after LVM2's two-blank
 * indent; columns padded to the widest of heading, minimum width and
 * values when aligned (numbers and sizes right, the rest left); the
 * LVM2_NAME='value' form; and the JSON form {"report":[{"lv":[...]}]}. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/strbuf.h"

#define INDENT "  "

static bool right_aligned(const struct field_def *f)
{
	return f->type == FT_NUM || f->type == FT_SNUM || f->type == FT_SIZ || f->type == FT_BIN;
}

static bool numeric(const struct field_def *f)
{
	return f->type != FT_STR && f->type != FT_STRL;
}

static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct report *r = arg;
	const struct row *x = *(struct row *const *)a, *y = *(struct row *const *)b;

	for (unsigned k = 0; k < r->n_keys; k++) {
		unsigned col = r->keys[k].col;
		const struct cell *p = &x->cells[col], *q = &y->cells[col];
		int c;

		if (numeric(r->cols[col].f))
			c = p->num < q->num ? -1 : p->num > q->num;
		else
			c = strcmp(p->sort_str ? p->sort_str : p->str,
				   q->sort_str ? q->sort_str : q->str);
		if (c)
			return r->keys[k].desc ? -c : c;
	}
	/* Equal keys keep the order the rows came in (LVM2's sort is stable). */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *kind_name(const struct report_opts *o)
{
	if (o->kind == REPORT_VGS)
		return "vg";
	if (o->kind == REPORT_PVS)
		return o->segments ? "pvseg" : "pv";
	return o->segments ? "seg" : "lv";
}

static void json_value(struct strbuf *sb, const char *s)
{
	/* LVM2 escapes only the double quote. */
	for (; *s; s++)
		sb_puts(sb, *s == '"' ? "\\\"" : (char[2]){*s, 0});
}

static void print_json(struct report *r, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	fprintf(out,
		INDENT "{\n" INDENT "    \"report\": [\n" INDENT "        {\n" INDENT
		       "            \"%s\": [\n",
		kind_name(&r->o));
	for (unsigned i = 0; i < r->n_rows; i++) {
		sb_reset(&sb);
		sb_puts(&sb, "{");
		bool first = true;
		for (unsigned c = 0; c < r->n_cols; c++) {
			if (r->cols[c].hidden)
				continue;
			sb_printf(&sb, "%s\"%s\":\"", first ? "" : ", ", r->cols[c].f->id);
			json_value(&sb, r->rows[i]->cells[c].str);
			sb_puts(&sb, "\"");
			first = false;
		}
		sb_puts(&sb, i + 1 < r->n_rows ? "}," : "}");
		fprintf(out, INDENT "                %s\n", sb_str(&sb));
	}
	fprintf(out, INDENT "            ]\n" INDENT "        }\n" INDENT "    ]\n" INDENT "}\n");
	sb_release(&sb);
}

/* printf's "%*s" / "%-*s" (width in bytes) without printf: ten thousand
 * rows of a dozen cells each. */
static void put_padded(struct strbuf *sb, const char *s, int width, bool right)
{
	static const char blanks[] = "                                ";
	size_t len = strlen(s), pad = width > (int)len ? (size_t)width - len : 0;

	if (!right)
		sb_add(sb, s, len);
	for (size_t n; pad; pad -= n) {
		n = pad < sizeof(blanks) - 1 ? pad : sizeof(blanks) - 1;
		sb_add(sb, blanks, n);
	}
	if (right)
		sb_add(sb, s, len);
}

static void put_field(struct strbuf *sb, const struct report *r, unsigned c, const char *s)
{
	const struct col *col = &r->cols[c];

	if (r->o.name_prefixes) {
		sb_puts(sb, "LVM2_");
		for (const char *p = col->f->id; *p; p++)
			sb_printf(sb, "%c", toupper((unsigned char)*p));
		sb_puts(sb, r->o.unquoted ? "=" : "='");
	}
	if (r->o.aligned)
		put_padded(sb, s, col->width, right_aligned(col->f));
	else
		sb_puts(sb, s);
	if (r->o.name_prefixes && !r->o.unquoted)
		sb_puts(sb, "'");
}

static void print_basic(struct report *r, FILE *out)
{
	const char *sep = r->o.separator ? r->o.separator : " ";
	struct strbuf sb = STRBUF_INIT;
	bool first;

	/* Widths grow to the widest value. */
	for (unsigned i = 0; i < r->n_rows; i++)
		for (unsigned c = 0; c < r->n_cols; c++) {
			int len = (int)strlen(r->rows[i]->cells[c].str);
			if (len > r->cols[c].width)
				r->cols[c].width = len;
		}
	if (!r->o.no_headings) {
		first = true;
		for (unsigned c = 0; c < r->n_cols; c++) {
			if (r->cols[c].hidden)
				continue;
			if (!first)
				sb_puts(&sb, sep);
			if (r->o.aligned)
				sb_printf(&sb, "%-*s", r->cols[c].width, r->cols[c].f->heading);
			else
				sb_puts(&sb, r->cols[c].f->heading);
			first = false;
		}
		fprintf(out, INDENT "%s\n", sb_str(&sb));
	}
	for (unsigned i = 0; i < r->n_rows; i++) {
		sb_reset(&sb);
		first = true;
		for (unsigned c = 0; c < r->n_cols; c++) {
			if (r->cols[c].hidden)
				continue;
			if (!first)
				sb_puts(&sb, sep);
			put_field(&sb, r, c, r->rows[i]->cells[c].str);
			first = false;
		}
		fputs(INDENT, out);
		fwrite(sb.buf, 1, sb.len, out);
		fputc('\n', out);
	}
	sb_release(&sb);
}

void report_print(struct report *r, FILE *out)
{
	if (r->n_rows > 1)
		qsort_r(r->rows, r->n_rows, sizeof(*r->rows), row_cmp, r);
	if (r->o.json)
		print_json(r, out);
	else if (r->n_rows) /* no rows: not even the headings, as LVM2 */
		print_basic(r, out);
}

void report_output(struct report *r, FILE *out)
{
	report_print(r, out);
	r->n_rows = 0;
}

static const char *const section_titles[SEC_COUNT] = {
    [SEC_LV] = "Logical Volume Fields",
    [SEC_LVINFO] = "Logical Volume Device Info Fields",
    [SEC_LVSTATUS] = "Logical Volume Device Status Fields",
    [SEC_LVINFOSTATUS] = "Logical Volume Device Info and Status Combined Fields",
    [SEC_LABEL] = "Physical Volume Label Fields",
    [SEC_PV] = "Physical Volume Fields",
    [SEC_VG] = "Volume Group Fields",
    [SEC_SEG] = "Logical Volume Segment Fields",
    [SEC_PVSEG] = "Physical Volume Segment Fields",
};
static const char *const section_all[SEC_COUNT] = {
    [SEC_LV] = "lv_all",	   [SEC_LVINFO] = "lv_all", [SEC_LVSTATUS] = "lv_all",
    [SEC_LVINFOSTATUS] = "lv_all", [SEC_LABEL] = "pv_all",  [SEC_PV] = "pv_all",
    [SEC_VG] = "vg_all",	   [SEC_SEG] = "seg_all",   [SEC_PVSEG] = "pvseg_all",
};

static void help_title(FILE *out, unsigned s, int w)
{
	size_t len = strlen(section_titles[s]);

	fprintf(out, INDENT "%s\n" INDENT, section_titles[s]);
	for (size_t k = 0; k < len; k++)
		fputc('-', out);
	fprintf(out, "\n" INDENT "  %-*s - %s\n", w, section_all[s], "All fields in this section.");
}

/* `-o help`: LVM2's layout, one section per object type. */
void report_print_help(const struct report *r, FILE *out)
{
	const struct field_def *tabs[] = {report_fields_lv, report_fields_pv, report_fields_vg,
					  report_fields_seg};
	const unsigned ns[] = {report_n_fields_lv, report_n_fields_pv, report_n_fields_vg,
			       report_n_fields_seg};
	int w = 0;

	for (unsigned t = 0; t < 4; t++)
		for (unsigned i = 0; i < ns[t]; i++)
			if ((int)strlen(tabs[t][i].id) > w)
				w = (int)strlen(tabs[t][i].id);
	for (unsigned s = 0; s < SEC_COUNT; s++) {
		unsigned shown = 0;
		for (unsigned t = 0; t < 4; t++)
			for (unsigned i = 0; i < ns[t]; i++) {
				const struct field_def *f = &tabs[t][i];
				if (f->section != s || !report_field_allowed(r->o.kind, f))
					continue;
				if (!shown++)
					help_title(out, s, w);
				fprintf(out, INDENT "  %-*s - %s\n", w, f->id, f->desc);
			}
		if (shown)
			fprintf(out, INDENT " \n");
	}
	fprintf(out, INDENT "Special Fields\n" INDENT "--------------\n");
	fprintf(out, INDENT "  %-*s - %s\n", w, "help", "Show help.");
	fprintf(out, INDENT "  %-*s - %s\n" INDENT " \n", w, "?", "Show help.");
}
