#include "activate.h"

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "util/error.h"

static void add_doubled(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		sb_add(out, s, 1);
		if (*s == '-')
			sb_add(out, "-", 1);
	}
}

void dm_name_build(struct strbuf *out, const char *vg, const char *lv, const char *layer)
{
	add_doubled(out, vg);
	sb_puts(out, "-");
	add_doubled(out, lv);
	if (layer && *layer) {
		if (*layer != '_')
			sb_puts(out, "-");
		add_doubled(out, layer);
	}
}

void dm_uuid_build(struct strbuf *out, const char *vg_id, const char *lv_id, const char *layer)
{
	sb_printf(out, "LVM-%s%s", vg_id, lv_id);
	if (layer && *layer)
		sb_printf(out, "-%s", layer);
}

int lv_table(const struct lv *lv, pv_dev_fn pv_dev, void *baton, struct strbuf *out)
{
	struct table_ctx ctx = {.pv_dev = pv_dev, .baton = baton, .vg = lv->vg};
	uint64_t start = 0;
	unsigned n = 1;

	for (const struct lv_seg *s = lv->segs; s; s = s->next, n++) {
		int r;
		if (!s->type->table_line) {
			const char *name = s->type->name;
			if (s->raw)
				cfg_get_str(s->raw, "type", &name);
			return err_set(ENOTSUP,
				       "LV '%s' segment %u: segment type '%s' cannot be activated",
				       lv->name, n, name);
		}
		if ((r = s->type->table_line(&ctx, s, start, out)) < 0) {
			err_prefix("LV '%s' segment %u", lv->name, n);
			return r;
		}
		start += (uint64_t)s->len * lv->vg->extent_size;
	}
	return 0;
}
