/* The FUSE data path. A FUSE thread turns each request into an io and
 * posts it to a worker, then goes back to reading requests; the worker
 * submits it and replies from end_io. So many requests are in flight at
 * once however few FUSE threads there are.
 *
 * The request buffer of a FUSE thread is reused as soon as the handler
 * returns, and O_DIRECT backing I/O wants aligned memory: both reasons to
 * move write data into a bounce buffer. Byte-granular requests are widened
 * to whole sectors (unaligned writes read the edges first; two such
 * writes racing on one sector may lose one, as with any read-modify-write
 * over a block device).
 */
#include "exports/fuse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"

/* Discard/zeroes longer than this go as several ios, one after another. */
#define FX_MAX_NODATA_SECTORS (1u << 30)

struct fx_req {
	struct io io;
	fuse_req_t req;
	struct mapped_device *md;
	char *buf;	  /* sector-aligned bounce buffer, or NULL */
	size_t skip, len; /* the caller's bytes within buf */
	char *wdata;	  /* unaligned write: the caller's bytes, until merged */
	enum io_op op;	  /* what the request is (io.op may be a first read) */
	unsigned flags;
	uint64_t next; /* no-data ops: next sector and sectors left */
	uint64_t left;
};

static void fx_end_io(struct io *io, int error);

static void submit_on_worker(void *arg)
{
	struct fx_req *r = arg;

	md_submit(r->md, &r->io);
}

/* (Re)arms r->io; the engine-owned fields start cleared each time. */
static void io_prepare(struct fx_req *r, enum io_op op, uint64_t sector, uint32_t nr)
{
	memset(&r->io, 0, sizeof(r->io));
	r->io.op = op;
	r->io.flags = op == IO_WRITE ? r->flags : 0;
	r->io.sector = sector;
	r->io.nr_sectors = nr;
	r->io.data = (op == IO_READ || op == IO_WRITE) ? r->buf : NULL;
	r->io.end_io = fx_end_io;
	r->io.private = r;
}

static void dispatch(struct fx_req *r)
{
	atomic_fetch_add(&fx.inflight, 1);
	worker_post(worker_pick(), submit_on_worker, r);
}

static void finish(struct fx_req *r, int error)
{
	if (error == -ENODEV)
		error = -EIO; /* the device went away under an open file */
	if (error)
		fuse_reply_err(r->req, -error);
	else if (r->op == IO_READ)
		fuse_reply_buf(r->req, r->buf + r->skip, r->len);
	else if (r->op == IO_WRITE)
		fuse_reply_write(r->req, r->len);
	else
		fuse_reply_err(r->req, 0);
	free(r->buf);
	free(r->wdata);
	free(r);
	atomic_fetch_sub(&fx.inflight, 1);
}

/* The next piece of a discard/zeroes; false when all was sent. */
static bool nodata_continue(struct fx_req *r)
{
	if (!r->left)
		return false;
	uint32_t nr = r->left > FX_MAX_NODATA_SECTORS ? FX_MAX_NODATA_SECTORS : (uint32_t)r->left;
	io_prepare(r, r->op, r->next, nr);
	r->next += nr;
	r->left -= nr;
	md_submit(r->md, &r->io);
	return true;
}

/* Runs on the worker the io was submitted on. */
static void fx_end_io(struct io *io, int error)
{
	struct fx_req *r = io->private;

	if (!error && r->wdata) {
		/* The edges are read: merge the caller's bytes, write it all. */
		memcpy(r->buf + r->skip, r->wdata, r->len);
		free(r->wdata);
		r->wdata = NULL;
		io_prepare(r, IO_WRITE, io->sector, io->nr_sectors);
		md_submit(r->md, &r->io);
		return;
	}
	if (!error && (r->op == IO_DISCARD || r->op == IO_WRITE_ZEROES) && nodata_continue(r))
		return;
	finish(r, error);
}

/* An io sent to a removed device could wait forever in its queue (the
 * engine keeps a removed device suspended), so none is sent. */
static struct fx_req *req_new(fuse_req_t req, struct fuse_file_info *fi, enum io_op op)
{
	struct fuse_handle *h = (struct fuse_handle *)(uintptr_t)fi->fh;

	if (atomic_load(&h->node->removed)) {
		fuse_reply_err(req, EIO);
		return NULL;
	}
	struct fx_req *r = calloc(1, sizeof(*r));
	if (!r) {
		fuse_reply_err(req, ENOMEM);
		return NULL;
	}
	r->req = req;
	r->md = h->md;
	r->op = op;
	return r;
}

static uint64_t handle_size(struct fuse_file_info *fi)
{
	return atomic_load(&((struct fuse_handle *)(uintptr_t)fi->fh)->node->size);
}

/* Sets up r->buf for bytes [off, off+len) widened to whole sectors;
 * returns the sector count, 0 when out of memory (reply sent). */
static uint32_t bounce_alloc(struct fx_req *r, uint64_t off, size_t len, uint64_t *sector)
{
	uint64_t first = off >> SECTOR_SHIFT;
	uint64_t end = (off + len + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
	uint32_t nr = (uint32_t)(end - first);

	if (posix_memalign((void **)&r->buf, 4096, (size_t)nr << SECTOR_SHIFT)) {
		fuse_reply_err(r->req, ENOMEM);
		free(r);
		return 0;
	}
	r->skip = off - (first << SECTOR_SHIFT);
	r->len = len;
	*sector = first;
	return nr;
}

void fx_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	uint64_t dev_size = handle_size(fi), sector;

	if (off < 0 || (uint64_t)off >= dev_size || size == 0) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > dev_size - (uint64_t)off)
		size = dev_size - (uint64_t)off;
	struct fx_req *r = req_new(req, fi, IO_READ);
	if (!r)
		return;
	uint32_t nr = bounce_alloc(r, (uint64_t)off, size, &sector);
	if (!nr)
		return;
	io_prepare(r, IO_READ, sector, nr);
	dispatch(r);
}

void fx_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	      struct fuse_file_info *fi)
{
	uint64_t dev_size = handle_size(fi), sector;

	if (off < 0 || (uint64_t)off >= dev_size) {
		fuse_reply_err(req, size ? ENOSPC : 0);
		return;
	}
	if (size > dev_size - (uint64_t)off)
		size = dev_size - (uint64_t)off; /* a short write, as at a disk's end */
	struct fx_req *r = req_new(req, fi, IO_WRITE);
	if (!r)
		return;
	if (fi->flags & (O_DSYNC | O_SYNC))
		r->flags = IO_FUA;
	uint32_t nr = bounce_alloc(r, (uint64_t)off, size, &sector);
	if (!nr)
		return;
	bool aligned = r->skip == 0 && size % SECTOR_SIZE == 0;
	if (aligned) {
		memcpy(r->buf, buf, size);
		io_prepare(r, IO_WRITE, sector, nr);
	} else {
		r->wdata = malloc(size);
		if (!r->wdata) {
			finish(r, -ENOMEM);
			return;
		}
		memcpy(r->wdata, buf, size);
		io_prepare(r, IO_READ, sector, nr);
	}
	dispatch(r);
}

void fx_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct fx_req *r = req_new(req, fi, IO_FLUSH);

	if (!r)
		return;
	io_prepare(r, IO_FLUSH, 0, 0);
	dispatch(r);
}

/* Punching a hole is a discard (the sectors inside the range), zeroing a
 * range is write-zeroes (whole sectors only). Growing is impossible. */
void fx_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t length,
		  struct fuse_file_info *fi)
{
	uint64_t dev_size = handle_size(fi);
	enum io_op op;

	if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		op = IO_DISCARD;
	else if ((mode & ~FALLOC_FL_KEEP_SIZE) == FALLOC_FL_ZERO_RANGE)
		op = IO_WRITE_ZEROES;
	else {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	if (off < 0 || length <= 0 || (uint64_t)off >= dev_size) {
		fuse_reply_err(req, off < 0 || length <= 0 ? EINVAL : 0);
		return;
	}
	uint64_t end = (uint64_t)off + (uint64_t)length;
	if (end > dev_size)
		end = dev_size;
	uint64_t first = ((uint64_t)off + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
	uint64_t last = end >> SECTOR_SHIFT;
	if (op == IO_WRITE_ZEROES && (((uint64_t)off | end) & (SECTOR_SIZE - 1)) &&
	    end != dev_size) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (last <= first) {
		fuse_reply_err(req, 0);
		return;
	}
	struct fx_req *r = req_new(req, fi, op);
	if (!r)
		return;
	r->next = first;
	r->left = last - first;
	uint32_t nr = r->left > FX_MAX_NODATA_SECTORS ? FX_MAX_NODATA_SECTORS : (uint32_t)r->left;
	io_prepare(r, op, r->next, nr);
	r->next += nr;
	r->left -= nr;
	dispatch(r);
}
