/* The device stack of an origin and its snapshots (snapshot.h), in
 * ulvmd. Tables name the stacked devices by their mapped names. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "activate/activate.h"
#include "lvm_int.h"
#include "snapshot.h"
#include "ulvm/client.h"
#include "ulvm/protocol.h"
#include "util/error.h"
#include "util/strbuf.h"

bool lvm_snap_involved(const struct lv *lv)
{
	return lv_is_origin(lv) || lv_cow_seg(lv);
}

static const char *dev_name(struct lvm_ctx *ctx, const struct lv *lv, const char *layer)
{
	struct strbuf sb = STRBUF_INIT;
	dm_name_build(&sb, lv->vg->name, lv->name, layer);
	const char *s = arena_strdup(&ctx->arena, sb_str(&sb));
	sb_release(&sb);
	return s;
}

static const char *dev_uuid(struct lvm_ctx *ctx, const struct lv *lv, const char *layer)
{
	struct strbuf sb = STRBUF_INIT;
	dm_uuid_build(&sb, lv->vg->id, lv->id, layer);
	const char *s = arena_strdup(&ctx->arena, sb_str(&sb));
	sb_release(&sb);
	return s;
}

static const char *pv_path(const struct pv *pv, void *baton)
{
	(void)baton;
	if (pv->fd < 0 || (pv->status & PV_MISSING)) {
		err_set(ENODEV, "physical volume '%s' is missing", pv->device ? pv->device : "?");
		return NULL;
	}
	return pv->device;
}

static uint64_t lv_sectors(const struct lv *lv)
{
	return (uint64_t)lv->le_count * lv->vg->extent_size;
}

static bool dev_info(struct lvm_ctx *ctx, const char *name, struct ulvm_info *info)
{
	struct ulvm_client *c = lvm_client(ctx, false);
	struct ulvm_info tmp;
	return c && ulvm_info(c, ULVM_DEV_NAME(name), info ? info : &tmp) == 0;
}

/* Creates `name` if missing, loads `table` and resumes it. */
static int dev_set(struct lvm_ctx *ctx, const char *name, const char *uuid, const char *table,
		   bool ro)
{
	struct ulvm_client *c = lvm_client(ctx, true);
	int r;

	if (!c)
		return -ECONNREFUSED;
	bool exists = dev_info(ctx, name, NULL);
	if (!exists && (r = ulvm_create(c, name, uuid, ro, NULL)) < 0)
		return r;
	if ((r = ulvm_load(c, ULVM_DEV_NAME(name), table, ro, NULL)) < 0 ||
	    (r = ulvm_resume(c, ULVM_DEV_NAME(name), NULL)) < 0) {
		if (!exists)
			ulvm_remove(c, ULVM_DEV_NAME(name), true);
		return r;
	}
	return 0;
}

static int dev_remove(struct lvm_ctx *ctx, const char *name)
{
	if (!dev_info(ctx, name, NULL))
		return 0;
	return ulvm_remove(ctx->client, ULVM_DEV_NAME(name), false);
}

static int lv_own_table(const struct lv *lv, struct strbuf *t)
{
	return lv_table(lv, pv_path, NULL, t);
}

/* Loads the LV's own mapping under `name` (the -real and -cow layers). */
static int layer_set(struct lvm_ctx *ctx, const struct lv *lv, const char *name, const char *layer)
{
	struct strbuf t = STRBUF_INIT;
	int r = lv_own_table(lv, &t);
	if (r == 0)
		r = dev_set(ctx, name, dev_uuid(ctx, lv, layer), sb_str(&t), false);
	sb_release(&t);
	return r;
}

static const char *snap_table(struct lvm_ctx *ctx, const struct lv_seg *seg, const char *target,
			      const char *cow_dev)
{
	return arena_printf(&ctx->arena, "0 %" PRIu64 " %s %s %s P %u", lv_sectors(seg->origin),
			    target, dev_name(ctx, seg->origin, "real"), cow_dev, seg->chunk_size);
}

/* One snapshot's COW layer and snapshot device. */
static int snapshot_set(struct lvm_ctx *ctx, const struct lv_seg *seg)
{
	const char *cow = dev_name(ctx, seg->cow, "cow");
	int r = layer_set(ctx, seg->cow, cow, "cow");
	if (r == 0)
		r = dev_set(ctx, dev_name(ctx, seg->cow, NULL), dev_uuid(ctx, seg->cow, NULL),
			    snap_table(ctx, seg, "snapshot", cow), !(seg->cow->status & LV_WRITE));
	return r;
}

/* The origin's top table: snapshot-origin, or snapshot-merge. */
static int origin_top(struct lvm_ctx *ctx, const struct lv *origin, const char **table)
{
	const struct lv_seg *m = lv_merging_seg(origin);
	int r;

	if (!m) {
		*table = arena_printf(&ctx->arena, "0 %" PRIu64 " snapshot-origin %s",
				      lv_sectors(origin), dev_name(ctx, origin, "real"));
		return 0;
	}
	const char *cow = dev_name(ctx, origin, "cow");
	if ((r = layer_set(ctx, m->cow, cow, "cow")) < 0)
		return r;
	*table = snap_table(ctx, m, "snapshot-merge", cow);
	return 0;
}

/* Sets the origin's device to `table`: a new device, or a suspended
 * reload of the live one (ulvmd freezes a filesystem mounted on it). */
static int origin_load(struct lvm_ctx *ctx, const struct lv *origin, const char *table)
{
	const char *name = dev_name(ctx, origin, NULL);
	struct ulvm_client *c = lvm_client(ctx, true);
	int r;

	if (!c)
		return -ECONNREFUSED;
	if (!dev_info(ctx, name, NULL))
		return dev_set(ctx, name, dev_uuid(ctx, origin, NULL), table,
			       !(origin->status & LV_WRITE));
	if ((r = ulvm_suspend(c, ULVM_DEV_NAME(name), 0, NULL)) < 0)
		return r;
	r = ulvm_load(c, ULVM_DEV_NAME(name), table, !(origin->status & LV_WRITE), NULL);
	int r2 = ulvm_resume(c, ULVM_DEV_NAME(name), NULL);
	return r < 0 ? r : r2;
}

/* Runs `ulvm lvconvert --merge VG/SNAP` in the background: it waits for
 * this command's VG lock, then for the merge, and finishes it. */
static void merge_poll_start(const struct lv_seg *m)
{
	char self[4096], arg[600];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return;
	self[n] = '\0';
	snprintf(arg, sizeof(arg), "%s/%s", m->lv->vg->name, m->cow->name);
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(1);
		if (fork() == 0) {
			execl(self, "lvconvert", "lvconvert", "--merge", "--background", arg,
			      (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static int origin_activate(struct lvm_ctx *ctx, const struct lv *origin)
{
	struct lv_seg *segs[256];
	unsigned n = lv_origin_snapshots(origin, segs, 256);
	const char *top;
	int r;

	if ((r = layer_set(ctx, origin, dev_name(ctx, origin, "real"), "real")) < 0)
		return r;
	for (unsigned i = 0; i < n && i < 256; i++)
		if (!segs[i]->merging && (r = snapshot_set(ctx, segs[i])) < 0)
			return r;
	if ((r = origin_top(ctx, origin, &top)) < 0 || (r = origin_load(ctx, origin, top)) < 0)
		return r;
	const struct lv_seg *m = lv_merging_seg(origin);
	if (m && !getenv("ULVM_LVCONVERT_POLLING"))
		merge_poll_start(m);
	return 0;
}

int lvm_snap_activate(struct lvm_ctx *ctx, const struct lv *lv)
{
	const struct lv_seg *cow = lv_cow_seg(lv);
	const struct lv *origin = cow ? cow->origin : lv;

	if (lvm_has(ctx, ARG_test))
		return 0;
	int r = origin_activate(ctx, origin);
	if (r < 0)
		lvm_error("Failed to activate %s/%s: %s", lv->vg->name, lv->name, err_msg());
	return r;
}

/* Open: the daemon counts users of the device, and a filesystem mounted
 * on its block device holds that exclusively (O_EXCL opens fail). */
static bool dev_open(struct lvm_ctx *ctx, const char *name)
{
	struct ulvm_info info;

	if (!dev_info(ctx, name, &info))
		return false;
	if (info.open_count > 0)
		return true;
	if (!info.blockdev[0])
		return false;
	int fd = open(info.blockdev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return errno == EBUSY;
	close(fd);
	return false;
}

static int snapshot_remove_devs(struct lvm_ctx *ctx, const struct lv_seg *seg)
{
	int r = dev_remove(ctx, dev_name(ctx, seg->cow, NULL));
	if (r == 0)
		r = dev_remove(ctx, dev_name(ctx, seg->cow, "cow"));
	return r;
}

static int in_use(const struct lv *lv)
{
	lvm_error("Logical volume %s/%s in use.", lv->vg->name, lv->name);
	return -EBUSY;
}

int lvm_snap_deactivate(struct lvm_ctx *ctx, const struct lv *lv)
{
	const struct lv_seg *cow = lv_cow_seg(lv);
	struct lv_seg *segs[256];
	int r = 0;

	if (lvm_has(ctx, ARG_test))
		return 0;
	if (cow) {
		if (dev_open(ctx, dev_name(ctx, lv, NULL)))
			return in_use(lv);
		r = snapshot_remove_devs(ctx, cow);
		goto out;
	}
	unsigned n = lv_origin_snapshots(lv, segs, 256);
	if (dev_open(ctx, dev_name(ctx, lv, NULL)))
		return in_use(lv);
	for (unsigned i = 0; i < n && i < 256; i++)
		if (dev_open(ctx, dev_name(ctx, segs[i]->cow, NULL)))
			return in_use(segs[i]->cow);
	for (unsigned i = 0; i < n && i < 256 && r == 0; i++)
		r = snapshot_remove_devs(ctx, segs[i]);
	if (r == 0)
		r = dev_remove(ctx, dev_name(ctx, lv, NULL));
	if (r == 0)
		r = dev_remove(ctx, dev_name(ctx, lv, "cow"));
	if (r == 0)
		r = dev_remove(ctx, dev_name(ctx, lv, "real"));
out:
	if (r < 0)
		lvm_error("Failed to deactivate %s/%s: %s", lv->vg->name, lv->name, err_msg());
	return r;
}

int lvm_snap_origin_refresh(struct lvm_ctx *ctx, const struct lv *origin)
{
	struct strbuf t = STRBUF_INIT;
	int r;

	if (lvm_has(ctx, ARG_test) || !dev_info(ctx, dev_name(ctx, origin, NULL), NULL))
		return 0;
	if (lv_is_origin(origin)) {
		const char *top;
		r = origin_top(ctx, origin, &top);
		if (r == 0)
			r = origin_load(ctx, origin, top);
	} else if ((r = lv_own_table(origin, &t)) == 0 &&
		   (r = origin_load(ctx, origin, sb_str(&t))) == 0) {
		dev_remove(ctx, dev_name(ctx, origin, "cow"));
		r = dev_remove(ctx, dev_name(ctx, origin, "real"));
	}
	sb_release(&t);
	if (r < 0)
		lvm_error("Failed to refresh %s/%s: %s", origin->vg->name, origin->name, err_msg());
	return r;
}

/* "<allocated>/<total> <metadata>", "Invalid", "Merge failed". */
static int parse_status(const char *s, struct lvm_snap_status *st)
{
	unsigned long long a, t, m;

	memset(st, 0, sizeof(*st));
	if (!strncmp(s, "Invalid", 7) || !strncmp(s, "Overflow", 8)) {
		st->invalid = true;
		return 0;
	}
	if (!strncmp(s, "Merge failed", 12)) {
		st->merge_failed = true;
		return 0;
	}
	if (sscanf(s, "%llu/%llu %llu", &a, &t, &m) != 3)
		return -EINVAL;
	st->allocated = a;
	st->total = t;
	st->metadata = m;
	return 0;
}

const char *lvm_snap_status_dev(struct lvm_ctx *ctx, const struct lv *cow)
{
	const struct lv_seg *seg = lv_cow_seg(cow);
	return seg ? dev_name(ctx, seg->merging ? seg->origin : cow, NULL) : NULL;
}

int lvm_snap_status(struct lvm_ctx *ctx, const struct lv *cow, struct lvm_snap_status *st)
{
	const char *name = lvm_snap_status_dev(ctx, cow);

	memset(st, 0, sizeof(*st));
	return name ? lvm_snap_status_of(ctx, name, st) : -ENODEV;
}

int lvm_snap_status_of(struct lvm_ctx *ctx, const char *name, struct lvm_snap_status *st)
{
	struct ulvm_client *c = lvm_client(ctx, false);
	struct ulvm_table *tab = NULL;

	memset(st, 0, sizeof(*st));
	if (!c)
		return -ENODEV;
	int r = ulvm_status(c, ULVM_DEV_NAME(name), 0, NULL, &tab);
	if (r < 0)
		return r == -ENXIO || r == -ENOENT ? -ENODEV : r;
	if (tab->count != 1 || strncmp(tab->target[0].type, "snapshot", 8))
		r = -ENODEV;
	else
		r = parse_status(tab->target[0].params, st);
	free(tab);
	return r;
}

double lvm_snap_percent(const struct lvm_snap_status *st)
{
	if (st->invalid || !st->total)
		return 100.0;
	if (st->allocated == st->metadata)
		return 0.0;
	return 100.0 * (double)st->allocated / (double)st->total;
}

/* Zeroes the first `bytes` of mapped device `name` through its file. */
static int dev_zero(const char *name, size_t bytes)
{
	char path[4200];
	static const char zero[65536];
	int fd;

	snprintf(path, sizeof(path), "%s/dev/%s", ulvm_run_dir(), name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	bool ok = true;
	for (size_t off = 0; ok && off < bytes; off += sizeof(zero)) {
		size_t n = bytes - off < sizeof(zero) ? bytes - off : sizeof(zero);
		ok = pwrite(fd, zero, n, (off_t)off) == (ssize_t)n;
	}
	ok = ok && fsync(fd) == 0;
	close(fd);
	return ok ? 0 : -EIO;
}

int lvm_snap_start(struct lvm_ctx *ctx, const struct lv_seg *seg)
{
	const struct lv *origin = seg->origin;
	const char *cow = dev_name(ctx, seg->cow, "cow");
	const char *oname = dev_name(ctx, origin, NULL);
	const char *real = dev_name(ctx, origin, "real");
	struct ulvm_client *c;
	int r;

	if (lvm_has(ctx, ARG_test))
		return 0;
	/* A new store starts with a zero header (magic 0 = new snapshot). */
	if ((r = layer_set(ctx, seg->cow, cow, "cow")) < 0 ||
	    (r = dev_zero(cow, (size_t)seg->chunk_size * 512 * 2)) < 0)
		goto fail;
	bool active = dev_info(ctx, oname, NULL);
	if (!active)
		return dev_remove(ctx, cow);
	c = lvm_client(ctx, true);
	bool had_real = dev_info(ctx, real, NULL);
	if (!had_real && (r = layer_set(ctx, origin, real, "real")) < 0)
		goto fail;
	if ((r = ulvm_suspend(c, ULVM_DEV_NAME(oname), 0, NULL)) < 0)
		goto fail;
	const char *top;
	if ((r = dev_set(ctx, dev_name(ctx, seg->cow, NULL), dev_uuid(ctx, seg->cow, NULL),
			 snap_table(ctx, seg, "snapshot", cow), false)) == 0 &&
	    (r = origin_top(ctx, origin, &top)) == 0)
		r = ulvm_load(c, ULVM_DEV_NAME(oname), top, !(origin->status & LV_WRITE), NULL);
	int r2 = ulvm_resume(c, ULVM_DEV_NAME(oname), NULL);
	if (r == 0 && (r = r2) == 0)
		return 0;
	dev_remove(ctx, dev_name(ctx, seg->cow, NULL));
	if (!had_real)
		dev_remove(ctx, real);
fail:
	lvm_error("Failed to activate snapshot %s/%s: %s", seg->cow->vg->name, seg->cow->name,
		  err_msg());
	dev_remove(ctx, cow);
	return r < 0 ? r : -EIO;
}

/* lvconvert --merge, device side: the snapshot's devices go, the store
 * becomes VG-ORIGIN-cow and the origin snapshot-merge. */
int lvm_snap_merge_start(struct lvm_ctx *ctx, const struct lv_seg *seg)
{
	const char *top;
	int r;

	if ((r = snapshot_remove_devs(ctx, seg)) < 0 ||
	    (r = origin_top(ctx, seg->origin, &top)) < 0 ||
	    (r = origin_load(ctx, seg->origin, top)) < 0)
		lvm_error("Failed to start merge of %s/%s: %s", seg->cow->vg->name, seg->cow->name,
			  err_msg());
	return r;
}

bool lvm_snap_dev_open(struct lvm_ctx *ctx, const struct lv *lv)
{
	return dev_open(ctx, dev_name(ctx, lv, NULL));
}

bool lvm_snap_dev_active(struct lvm_ctx *ctx, const struct lv *lv)
{
	return dev_info(ctx, dev_name(ctx, lv, NULL), NULL);
}

int lvm_snap_resize_check(struct lvm_ctx *ctx, const struct lv *lv)
{
	const struct lv_seg *seg = lv_cow_seg(lv);

	if (seg && seg->merging) {
		lvm_error("Cannot resize snapshot %s/%s while it is merging.", lv->vg->name,
			  lv->name);
		return -ENOTSUP;
	}
	if (!seg && lv_is_origin(lv) && dev_info(ctx, dev_name(ctx, lv, NULL), NULL)) {
		lvm_error("Snapshot origin volumes can be resized only while inactive: try "
			  "lvchange -an.");
		return -ENOTSUP;
	}
	return 0;
}

int lvm_snap_reload(struct lvm_ctx *ctx, const struct lv *lv)
{
	const struct lv_seg *seg = lv_cow_seg(lv);
	const char *snap = dev_name(ctx, lv, NULL), *cow = dev_name(ctx, lv, "cow");
	struct strbuf t = STRBUF_INIT;
	int r;

	if (!seg || lvm_has(ctx, ARG_test) || !dev_info(ctx, cow, NULL))
		return 0;
	struct ulvm_client *c = lvm_client(ctx, true);
	if ((r = lv_own_table(lv, &t)) < 0 ||
	    (r = ulvm_suspend(c, ULVM_DEV_NAME(snap), 0, NULL)) < 0)
		goto out;
	if ((r = ulvm_load(c, ULVM_DEV_NAME(cow), sb_str(&t), false, NULL)) == 0 &&
	    (r = ulvm_suspend(c, ULVM_DEV_NAME(cow), 0, NULL)) == 0)
		r = ulvm_resume(c, ULVM_DEV_NAME(cow), NULL);
	int r2 = ulvm_resume(c, ULVM_DEV_NAME(snap), NULL);
	if (r == 0)
		r = r2;
out:
	if (r < 0)
		lvm_error("Problem reactivating logical volume %s/%s: %s", lv->vg->name, lv->name,
			  err_msg());
	sb_release(&t);
	return r;
}
