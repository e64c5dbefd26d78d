/* LVs as mapped devices in ulvmd: activation loads the table lib/activate
 * builds (PV areas on the PVs' device paths) under the name VG-LV and the
 * uuid LVM-<vg id><lv id>; deactivation removes the device. The daemon's
 * loop export makes $ULVM_DEV_DIR/VG/LV and mapper/VG-LV from those. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activate/activate.h"
#include "lvm.h"
#include "lvm_int.h"
#include "snapshot.h"
#include "ulvm/client.h"
#include "util/error.h"
#include "util/strbuf.h"

/* Without `start`, a missing ulvmd is remembered for the rest of the
 * command: lvs of 10,000 LVs with no daemon tried 20,000 connects. */
struct ulvm_client *lvm_client(struct lvm_ctx *ctx, bool start)
{
	if (!ctx->client && (start || !ctx->no_daemon)) {
		ctx->client = ulvm_client_open(start ? ULVM_CONNECT_AUTOSTART : 0);
		ctx->no_daemon = !ctx->client && !start;
	}
	return ctx->client;
}

static const char *dm_name(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct strbuf sb = STRBUF_INIT;
	dm_name_build(&sb, lv->vg->name, lv->name, NULL);
	const char *s = arena_strdup(&ctx->arena, sb_str(&sb));
	sb_release(&sb);
	return s;
}

/* Report commands change nothing, so one `list` request answers every
 * LV's state (lvs of 10,000 LVs: one round trip instead of 10,000). The
 * cache belongs to one command context. */
static struct {
	const struct lvm_ctx *ctx;
	struct ulvm_list *list;
} state_cache;

static int info_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ulvm_info *)elem)->name);
}

static int cached_info(struct lvm_ctx *ctx, struct ulvm_client *c, const char *name,
		       struct ulvm_info *info)
{
	if (state_cache.ctx != ctx) {
		free(state_cache.list);
		state_cache.list = NULL;
		state_cache.ctx = ctx;
		int r = ulvm_list(c, NULL, &state_cache.list);
		if (r < 0) {
			state_cache.ctx = NULL;
			return r;
		}
	}
	/* ulvmd lists devices sorted by name. */
	const struct ulvm_info *hit =
	    bsearch(name, state_cache.list->dev, state_cache.list->count, sizeof(*hit), info_cmp);
	if (!hit)
		return -ENXIO;
	*info = *hit;
	return 0;
}

int lvm_lv_state(struct lvm_ctx *ctx, const struct lv *lv, struct lvm_lv_state *st)
{
	struct ulvm_info info;
	struct ulvm_client *c = lvm_client(ctx, false);

	memset(st, 0, sizeof(*st));
	if (!c)
		return 0;
	const char *name = dm_name(ctx, lv);
	int r = (ctx->cmd->flags & LVM_CMD_REPORT) ? cached_info(ctx, c, name, &info)
						   : ulvm_info(c, ULVM_DEV_NAME(name), &info);
	if (r == -ENXIO || r == -ENOENT || r == -ENODEV)
		return 0;
	if (r < 0)
		return r;
	st->active = true;
	st->live_table = info.live_table;
	st->suspended = info.suspended;
	st->read_only = info.read_only;
	st->open_count = info.open_count;
	st->major = info.major;
	st->minor = info.minor;
	st->size = info.size;
	snprintf(st->blockdev, sizeof(st->blockdev), "%s", info.blockdev);
	return 0;
}

const char *lvm_lv_path(struct lvm_ctx *ctx, const struct lv *lv)
{
	return arena_printf(&ctx->arena, "%s/%s/%s", ulvm_dev_dir(), lv->vg->name, lv->name);
}

const char *lvm_lv_dm_path(struct lvm_ctx *ctx, const struct lv *lv)
{
	return arena_printf(&ctx->arena, "%s/mapper/%s", ulvm_dev_dir(), dm_name(ctx, lv));
}

/* Stands for a missing PV in a table built for --activationmode partial;
 * the lines naming it become "error" lines. */
static const char missing_marker[] = "@missing@";

static const char *pv_path(const struct pv *pv, void *baton)
{
	if (pv->fd < 0 || (pv->status & PV_MISSING)) {
		if (baton)
			return missing_marker;
		err_set(ENODEV, "physical volume '%s' is missing", pv->device ? pv->device : "?");
		return NULL;
	}
	return pv->device;
}

static bool lv_partial(const struct lv *lv)
{
	for (const struct lv_seg *s = lv->segs; s; s = s->next)
		for (uint32_t a = 0; a < s->area_count; a++)
			if (s->areas[a].type == AREA_PV && s->areas[a].pv &&
			    (s->areas[a].pv->fd < 0 || (s->areas[a].pv->status & PV_MISSING)))
				return true;
	return false;
}

/* Rewrites each table line naming the missing marker as "START LEN error",
 * as LVM2 maps the lost parts of a partially activated LV. */
static void table_error_missing(struct strbuf *table)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = sb_str(table);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		unsigned long long start, count;
		if (memmem(p, len, missing_marker, sizeof(missing_marker) - 1) &&
		    sscanf(p, "%llu %llu", &start, &count) == 2)
			sb_printf(&out, "%llu %llu error\n", start, count);
		else
			sb_printf(&out, "%.*s%s", (int)len, p, nl ? "\n" : "");
		p += len + (nl ? 1 : 0);
	}
	sb_release(table);
	*table = out;
}

/* Loads the LV's table into a new device, or into the existing one (a
 * reload, e.g. after lvchange -p). An LV on a missing PV is refused unless
 * --activationmode partial, which maps the missing parts to errors. */
int lvm_lv_activate(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct strbuf table = STRBUF_INIT, uuid = STRBUF_INIT;
	const char *name = dm_name(ctx, lv);
	bool ro = !(lv->status & LV_WRITE);
	struct ulvm_info info;
	int r;

	if (lvm_snap_involved(lv)) /* the origin's device stack (snapshot.h) */
		return lvm_snap_activate(ctx, lv);
	bool partial = !strcmp(lvm_str(ctx, ARG_activationmode, ""), "partial");
	if (lv_partial(lv) && !partial) {
		lvm_error(
		    "Refusing activation of partial LV %s/%s.  Use '--activationmode partial' "
		    "to override.",
		    lv->vg->name, lv->name);
		return -ENODEV;
	}
	if (lvm_has(ctx, ARG_test))
		return 0;
	if ((r = lv_table(lv, pv_path, partial ? (void *)ctx : NULL, &table)) < 0) {
		lvm_error("Cannot activate %s/%s: %s", lv->vg->name, lv->name, err_msg());
		goto out;
	}
	if (partial)
		table_error_missing(&table);
	struct ulvm_client *c = lvm_client(ctx, true);
	if (!c) {
		lvm_error("Cannot activate %s/%s: %s", lv->vg->name, lv->name, err_msg());
		r = -ECONNREFUSED;
		goto out;
	}
	dm_uuid_build(&uuid, lv->vg->id, lv->id, NULL);
	bool exists = ulvm_info(c, ULVM_DEV_NAME(name), &info) == 0;
	if (!exists && (r = ulvm_create(c, name, sb_str(&uuid), ro, NULL)) < 0)
		goto fail;
	if ((r = ulvm_load(c, ULVM_DEV_NAME(name), sb_str(&table), ro, NULL)) < 0 ||
	    (r = ulvm_resume(c, ULVM_DEV_NAME(name), NULL)) < 0) {
		if (!exists)
			ulvm_remove(c, ULVM_DEV_NAME(name), true);
		goto fail;
	}
	goto out;
fail:
	lvm_error("Failed to activate %s/%s: %s", lv->vg->name, lv->name, err_msg());
out:
	sb_release(&table);
	sb_release(&uuid);
	return r;
}

int lvm_lv_deactivate(struct lvm_ctx *ctx, const struct lv *lv)
{
	struct lvm_lv_state st;
	int r = lvm_lv_state(ctx, lv, &st);

	if (r == 0 && lvm_snap_involved(lv))
		return lvm_snap_deactivate(ctx, lv);
	if (r < 0 || !st.active || lvm_has(ctx, ARG_test))
		return r;
	if (st.open_count) {
		lvm_error("Logical volume %s/%s in use.", lv->vg->name, lv->name);
		return -EBUSY;
	}
	if ((r = ulvm_remove(ctx->client, ULVM_DEV_NAME(dm_name(ctx, lv)), false)) < 0)
		lvm_error("Failed to deactivate %s/%s: %s", lv->vg->name, lv->name, err_msg());
	return r;
}
