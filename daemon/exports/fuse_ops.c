/* FUSE metadata requests: one flat directory of device files. */
#include "exports/fuse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "util/log.h"

/* Attributes may be cached for a second: every change of size goes
 * through fuse_export_sync_size(), which invalidates them at once. */
#define ATTR_TIMEOUT 1.0

static void fx_init(void *userdata, struct fuse_conn_info *conn)
{
	/* Loop devices and fio send many large requests at once: allow
	 * 1 MiB per request (libfuse derives max_pages from max_write) and
	 * many background (async direct I/O) requests in flight. */
	conn->max_write = 1u << 20;
	conn->max_background = 256;
	conn->congestion_threshold = 192;
	if (conn->capable & FUSE_CAP_ASYNC_DIO)
		conn->want |= FUSE_CAP_ASYNC_DIO;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	/* Device data must never sit in the page cache twice (here and in
	 * the filesystem above the loop device). */
	conn->want &= ~(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_AUTO_INVAL_DATA | FUSE_CAP_SPLICE_READ |
			FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
}

static void root_attr(struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = FUSE_ROOT_ID;
	st->st_mode = S_IFDIR | 0755;
	st->st_nlink = 2;
}

static void fx_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e = {.attr_timeout = ATTR_TIMEOUT, .entry_timeout = ATTR_TIMEOUT};

	if (parent != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	pthread_mutex_lock(&fx.lock);
	struct fuse_node *n = fx_node_by_name(name);
	if (n) {
		n->nlookup++;
		e.ino = n->ino;
		fx_node_attr(n, &e.attr);
	}
	pthread_mutex_unlock(&fx.lock);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_entry(req, &e);
}

static void forget_one(fuse_ino_t ino, uint64_t nlookup)
{
	struct fuse_node *n = fx_node_by_ino(ino);

	if (n)
		fx_node_unref(n, nlookup);
}

static void fx_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pthread_mutex_lock(&fx.lock);
	forget_one(ino, nlookup);
	pthread_mutex_unlock(&fx.lock);
	fuse_reply_none(req);
}

static void fx_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	pthread_mutex_lock(&fx.lock);
	for (size_t i = 0; i < count; i++)
		forget_one(forgets[i].ino, forgets[i].nlookup);
	pthread_mutex_unlock(&fx.lock);
	fuse_reply_none(req);
}

static void fx_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;
	struct fuse_node *n = NULL;

	if (ino == FUSE_ROOT_ID) {
		root_attr(&st);
	} else {
		pthread_mutex_lock(&fx.lock);
		n = fx_node_by_ino(ino);
		if (n)
			fx_node_attr(n, &st);
		pthread_mutex_unlock(&fx.lock);
		if (!n) {
			fuse_reply_err(req, ENOENT);
			return;
		}
	}
	fuse_reply_attr(req, &st, ATTR_TIMEOUT);
}

/* A device's size is its table's: truncation is refused; mode and time
 * changes are accepted and forgotten, so `touch` and `cp -p` work. */
static void fx_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	struct stat st;
	struct fuse_node *n = NULL;

	if (ino == FUSE_ROOT_ID) {
		root_attr(&st);
	} else {
		pthread_mutex_lock(&fx.lock);
		n = fx_node_by_ino(ino);
		if (n)
			fx_node_attr(n, &st);
		pthread_mutex_unlock(&fx.lock);
		if (!n) {
			fuse_reply_err(req, ENOENT);
			return;
		}
	}
	if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != st.st_size) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	fuse_reply_attr(req, &st, ATTR_TIMEOUT);
}

/* The loop attachment opens the file from inside ulvmd: the request then
 * comes from one of our own threads. */
static bool opened_by_us(fuse_req_t req)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	char path[64];

	if (ctx->pid <= 0)
		return false;
	if (ctx->pid == getpid())
		return true;
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)ctx->pid);
	return access(path, F_OK) == 0;
}

static void handle_kick(struct md_opener *o)
{
	/* Nothing to do: after a forced removal the engine fails our ios
	 * with -ENODEV, and the handle goes at release. */
}

static int handle_open(fuse_req_t req, struct fuse_node *n, int flags, struct fuse_handle **out)
{
	if (!n || !n->md)
		return ENOENT;
	if ((flags & O_ACCMODE) != O_RDONLY && n->read_only)
		return EROFS;
	struct fuse_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return ENOMEM;
	h->md = n->md;
	h->node = n;
	md_get(h->md);
	h->opener.kick = handle_kick;
	if (!opened_by_us(req)) {
		int r = md_open(h->md, &h->opener);
		if (r < 0) {
			md_put(h->md);
			free(h);
			return -r;
		}
		h->counted = true;
	}
	*out = h;
	return 0;
}

static void fx_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_handle *h = NULL;

	pthread_mutex_lock(&fx.lock);
	int err = handle_open(req, fx_node_by_ino(ino), fi->flags, &h);
	pthread_mutex_unlock(&fx.lock);
	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = (uintptr_t)h;
	/* No page cache for device data: a filesystem on the loop device
	 * caches it already, and a second copy would also be stale after
	 * writes through NBD. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fi->noflush = 1;
	if (fuse_reply_open(req, fi) == -ENOENT) {
		/* The open was interrupted: the kernel will never release it. */
		if (h->counted)
			md_close(h->md, &h->opener);
		md_put(h->md);
		free(h);
	}
}

static void fx_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_handle *h = (struct fuse_handle *)(uintptr_t)fi->fh;

	if (h->counted)
		md_close(h->md, &h->opener);
	md_put(h->md);
	free(h);
	fuse_reply_err(req, 0);
}

static void fx_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	/* close() is not a flush for a block device either: fsync is. */
	fuse_reply_err(req, 0);
}

/* Adds one entry; false when the reply buffer is full. */
static bool dir_add(fuse_req_t req, char *buf, size_t size, size_t *used, const char *name,
		    uint64_t ino, mode_t mode, off_t next)
{
	struct stat st = {.st_ino = ino, .st_mode = mode};
	size_t len = fuse_add_direntry(req, buf + *used, size - *used, name, &st, next);

	if (len > size - *used)
		return false;
	*used += len;
	return true;
}

/* Offsets: "." is 1, ".." is 2, a device file is its inode + 2, so a
 * listing resumes correctly even when devices come and go meanwhile. The
 * node list is newest first, so it is walked oldest first here. */
static size_t dir_fill(fuse_req_t req, char *buf, size_t size, off_t off)
{
	size_t used = 0;

	if (off < 1 && !dir_add(req, buf, size, &used, ".", FUSE_ROOT_ID, S_IFDIR, 1))
		return used;
	if (off < 2 && !dir_add(req, buf, size, &used, "..", FUSE_ROOT_ID, S_IFDIR, 2))
		return used;
	uint64_t after = off > 2 ? (uint64_t)off - 2 : 0;
	for (;;) {
		struct fuse_node *best = NULL;
		for (struct fuse_node *n = fx.nodes; n; n = n->next)
			if (n->md && n->ino > after && (!best || n->ino < best->ino))
				best = n;
		if (!best || !dir_add(req, buf, size, &used, best->name, best->ino, S_IFREG,
				      (off_t)best->ino + 2))
			return used;
		after = best->ino;
	}
}

static void fx_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	char *buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&fx.lock);
	size_t used = dir_fill(req, buf, size, off);
	pthread_mutex_unlock(&fx.lock);
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void fx_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = ULVM_NAME_MAX};

	fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops fx_ops = {
    .init = fx_init,
    .lookup = fx_lookup,
    .forget = fx_forget,
    .forget_multi = fx_forget_multi,
    .getattr = fx_getattr,
    .setattr = fx_setattr,
    .open = fx_open,
    .release = fx_release,
    .flush = fx_flush,
    /* read, write, fsync and fallocate never get here: fuse_io.c */
    .readdir = fx_readdir,
    .statfs = fx_statfs,
};
