/* Reading VGs for the commands: lock, find the VG's devices in the scan,
 * read the newest metadata copy, keep what is needed to commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"
#include "ulvm/protocol.h"

struct open_vg {
	struct open_vg *next;
	struct vg *vg;
};

struct vg *lvm_vg_read(struct lvm_ctx *ctx, const char *name, unsigned flags)
{
	bool write = flags & LVM_READ_WRITE;

	if (!(flags & LVM_READ_NOLOCK) && lvm_lock_vg(ctx, name, write) < 0)
		return NULL;
	lvm_scan(ctx);
	const char **paths = arena_alloc(&ctx->arena, (ctx->n_devs + 1) * sizeof(*paths));
	struct mda_copy **copies = arena_alloc(&ctx->arena, (ctx->n_devs + 1) * sizeof(*copies));
	unsigned n = 0;
	bool named = false;
	for (unsigned i = 0; i < ctx->n_devs; i++) {
		const struct lvm_dev *d = &ctx->devs[i];
		bool mine = d->vgname && !strcmp(d->vgname, name);
		named |= mine && d->mdas_with_text;
		if (mine || (d->is_pv && !d->vgname)) {
			copies[n] = d->copies;
			paths[n++] = d->path;
		}
	}
	struct vg *vg = named ? vg_read_cached(paths, copies, n, name, write) : NULL;
	if (!vg) {
		if (!(flags & LVM_READ_QUIET))
			lvm_error("Volume group \"%s\" not found", name);
		return NULL;
	}
	bool missing = false;
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (pv->fd < 0) {
			pv->status |= PV_MISSING;
			missing = true;
		}
	if (missing && write && !(flags & LVM_READ_ALLOW_MISSING)) {
		lvm_error("Cannot change VG %s while PVs are missing.", name);
		vg_close(vg);
		return NULL;
	}
	if (write && (vg->status & VG_EXPORTED) && !(flags & LVM_READ_EXPORTED)) {
		lvm_error("Volume group %s is exported", name);
		vg_close(vg);
		return NULL;
	}
	if (write && lvm_vg_archive_prepare(ctx, vg) < 0) {
		vg_close(vg);
		return NULL;
	}
	struct open_vg *o = arena_alloc(&ctx->arena, sizeof(*o));
	o->vg = vg;
	o->next = ctx->open_vgs;
	ctx->open_vgs = o;
	return vg;
}

void lvm_vg_release(struct lvm_ctx *ctx, struct vg *vg)
{
	for (struct open_vg **p = (struct open_vg **)&ctx->open_vgs; *p; p = &(*p)->next)
		if ((*p)->vg == vg) {
			*p = (*p)->next;
			break;
		}
	lvm_archive_forget(ctx, vg);
	vg_close(vg);
}

void lvm_vgs_release_all(struct lvm_ctx *ctx)
{
	while (ctx->open_vgs)
		lvm_vg_release(ctx, ((struct open_vg *)ctx->open_vgs)->vg);
}

struct vg *lvm_orphans_read(struct lvm_ctx *ctx)
{
	struct vg *vg = vg_new(LVM_ORPHAN_VG, 0);

	lvm_scan(ctx);
	for (unsigned i = 0; i < ctx->n_devs; i++) {
		const struct lvm_dev *d = &ctx->devs[i];
		if (!d->is_pv || d->vgname)
			continue;
		struct pv *pv = vg_add_pv(vg, d->label.pv_uuid, d->path);
		pv->label = d->label;
		pv->dev_size = d->label.dev_size / 512;
		pv->pe_start = d->label.n_data ? d->label.data[0].offset / 512 : 0;
		pv->pe_count = 0;
		pv->fd = -1;
	}
	return vg;
}

/* "@tag" operand: every VG carrying the tag (none is not an error). */
static int for_each_tagged_vg(struct lvm_ctx *ctx, const char *tag, unsigned flags, lvm_vg_fn fn,
			      void *baton)
{
	const char **all = NULL;
	unsigned n = lvm_vg_names(ctx, &all);
	int status = LVM_OK;

	for (unsigned i = 0; i < n; i++) {
		struct vg *vg = lvm_vg_read(ctx, all[i], flags | LVM_READ_QUIET);
		if (!vg)
			continue;
		bool has = false;
		for (const struct str_list *t = vg->tags; t && !has; t = t->next)
			has = !strcmp(t->s, tag);
		int r = has ? fn(ctx, vg, baton) : LVM_OK;
		if (r > status)
			status = r;
		if (!(flags & LVM_READ_KEEP))
			lvm_vg_release(ctx, vg);
	}
	return status;
}

int lvm_for_each_vg(struct lvm_ctx *ctx, char **names, int n, unsigned flags, lvm_vg_fn fn,
		    void *baton)
{
	const char **all = NULL;
	int status = LVM_OK;

	if (n == 0) {
		n = (int)lvm_vg_names(ctx, &all);
		names = (char **)all;
	}
	for (int i = 0; i < n; i++) {
		if (names[i][0] == '@') {
			int r = for_each_tagged_vg(ctx, names[i] + 1, flags, fn, baton);
			if (r > status)
				status = r;
			continue;
		}
		struct vg *vg = lvm_vg_read(ctx, names[i], flags);
		if (!vg) {
			lvm_error("Cannot process volume group %s", names[i]);
			status = LVM_EFAILED;
			continue;
		}
		int r = fn(ctx, vg, baton);
		if (r > status)
			status = r;
		if (!(flags & LVM_READ_KEEP))
			lvm_vg_release(ctx, vg);
	}
	return status;
}

/* Undoes dm_name_build: "a--b-c" -> vg "a-b", lv "c". */
static int split_dm_name(struct lvm_ctx *ctx, const char *s, const char **vg, const char **lv)
{
	char *v = arena_strdup(&ctx->arena, s), *l = NULL, *o = v;
	for (const char *p = s; *p; p++) {
		if (*p == '-' && p[1] == '-')
			p++;
		else if (*p == '-' && !l) {
			*o++ = 0;
			l = o;
			continue;
		}
		*o++ = *p;
	}
	*o = 0;
	if (!l)
		return -EINVAL;
	*vg = v;
	*lv = l;
	return 0;
}

int lvm_split_lv_name(struct lvm_ctx *ctx, const char *arg, const char **vg, const char **lv)
{
	const char *dev = ulvm_dev_dir();
	size_t dl = strlen(dev);
	const char *s = arg;

	if (!strncmp(s, dev, dl) && s[dl] == '/')
		s += dl + 1;
	else if (!strncmp(s, "/dev/", 5))
		s += 5;
	if (!strncmp(s, "mapper/", 7)) {
		if (split_dm_name(ctx, s + 7, vg, lv) < 0) {
			lvm_error("Invalid logical volume path %s", arg);
			return -EINVAL;
		}
		return 0;
	}
	const char *slash = strchr(s, '/');
	if (!slash) {
		*vg = arena_strdup(&ctx->arena, s);
		*lv = NULL;
		return 0;
	}
	if (strchr(slash + 1, '/') || !slash[1]) {
		lvm_error("Invalid logical volume name %s", arg);
		return -EINVAL;
	}
	*vg = arena_strndup(&ctx->arena, s, (size_t)(slash - s));
	*lv = arena_strdup(&ctx->arena, slash + 1);
	return 0;
}

void lvm_rescan(struct lvm_ctx *ctx)
{
	lvm_scan_release(ctx);
	ctx->scanned = false;
	ctx->n_devs = 0;
	ctx->devs = NULL;
}
