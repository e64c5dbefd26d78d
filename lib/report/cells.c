/* Cell setters: each field's value as printed and as sorted/selected. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/uuid.h"
#include "report/report_int.h"
#include "util/strbuf.h"

void cell_str(const struct field_ctx *c, struct cell *out, const char *s)
{
	out->str = arena_strdup(c->a, s);
}

void cell_num(const struct field_ctx *c, struct cell *out, uint64_t v)
{
	out->str = arena_printf(c->a, "%" PRIu64, v);
	out->num = (double)v;
}

void cell_snum(const struct field_ctx *c, struct cell *out, int64_t v)
{
	out->str = arena_printf(c->a, "%" PRId64, v);
	out->num = (double)v;
	out->undef = v < 0;
}

void cell_size(const struct field_ctx *c, struct cell *out, uint64_t sectors)
{
	char buf[64];

	units_format(&c->o->units, sectors, buf, sizeof(buf));
	out->str = arena_strdup(c->a, buf);
	out->num = (double)sectors;
}

void cell_bin(const struct field_ctx *c, struct cell *out, bool v, const char *word)
{
	out->str = c->o->binary ? (v ? "1" : "0") : (v ? word : "");
	out->num = v;
}

/* Two decimals that never show 0.00 for a non-zero or 100.00 for a
 * not-quite-full value (libdevmapper's dm_percent_to_round_float). */
void cell_pct(const struct field_ctx *c, struct cell *out, bool known, double pct)
{
	if (!known) {
		out->str = "";
		out->undef = true;
		return;
	}
	if (pct > 0 && pct < 0.01)
		pct = 0.01;
	else if (pct < 100 && pct > 99.99)
		pct = 99.99;
	out->str = arena_printf(c->a, "%.2f", pct);
	out->num = pct;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cell_strl(const struct field_ctx *c, struct cell *out, const char **items, unsigned n,
	       const char *sep, bool sorted)
{
	struct strbuf sb = STRBUF_INIT;
	const char **copy = arena_alloc(c->a, (n + 1) * sizeof(*copy));

	memcpy(copy, items, n * sizeof(*copy));
	if (sorted)
		qsort(copy, n, sizeof(*copy), cmp_str);
	for (unsigned i = 0; i < n; i++)
		sb_printf(&sb, "%s%s", i ? sep : "", copy[i]);
	out->str = arena_strdup(c->a, sb_str(&sb));
	sb_release(&sb);
	/* Selection compares the items as a set: keep a sorted copy. */
	if (!sorted) {
		const char **s = arena_alloc(c->a, (n + 1) * sizeof(*s));
		memcpy(s, copy, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmp_str);
		copy = s;
	}
	out->items = copy;
	out->n_items = n;
}

void cell_tags(const struct field_ctx *c, struct cell *out, const struct str_list *tags)
{
	unsigned n = 0;

	for (const struct str_list *t = tags; t; t = t->next)
		n++;
	const char **items = arena_alloc(c->a, (n + 1) * sizeof(*items));
	n = 0;
	for (const struct str_list *t = tags; t; t = t->next)
		items[n++] = t->s;
	cell_strl(c, out, items, n, ",", true);
}

void cell_uuid(const struct field_ctx *c, struct cell *out, const char *id)
{
	char buf[UUID_DASHED_LEN + 1];

	uuid_format(id, buf);
	cell_str(c, out, buf);
}

bool rep_pv_is_orphan(const struct report_obj *o)
{
	return !o->vg || !strncmp(o->vg->name, "#orphans", 8);
}

const char *rep_pv_name(const struct report_obj *o)
{
	if (o->pv_name)
		return o->pv_name;
	if (!o->pv->device || (o->pv->status & PV_MISSING))
		return "[unknown]";
	return o->pv->device;
}

void rep_lv_info(const struct field_ctx *c, const struct lv *lv, struct report_lv_info *out)
{
	memset(out, 0, sizeof(*out));
	out->major = out->minor = -1;
	if (c->o->lv_info)
		c->o->lv_info(lv, out, c->o->baton);
}
