/* The FUSE data path, run on the worker that read the request
 * (fuse_dev.c) or got it on a ring entry (fuse_uring.c): each read, write,
 * fsync or fallocate becomes an io submitted right there, and its end_io
 * writes the reply: to /dev/fuse (a header and the data in one writev) or
 * into the ring entry, committed with the worker's next submission. So
 * many requests are in flight at once, and a request on a file in memory
 * completes without leaving the worker.
 *
 * The worker's read buffer is reused for the next request as soon as the
 * handler returns, and O_DIRECT backing I/O wants aligned memory: both
 * reasons to move write data into a bounce buffer. A ring entry's payload
 * buffer is ours until the reply, and page aligned: requests from the ring
 * that start on a sector use it in place, with no bounce and no copy. Byte-granular requests
 * are widened to whole sectors (unaligned writes read the edges first;
 * two such writes racing on one sector may lose one, as with any
 * read-modify-write over a block device).
 */
#include "exports/fuse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "util/log.h"

/* Discard/zeroes longer than this go as several ios, one after another. */
#define FX_MAX_NODATA_SECTORS (1u << 30)

struct fx_req {
	struct io io;
	struct fx_origin origin; /* the request's, for the reply */
	struct mapped_device *md;
	char *buf;	  /* sector-aligned bounce buffer, or NULL */
	bool buf_is_ring; /* buf is the ring entry's payload: never freed */
	size_t skip, len; /* the caller's bytes within buf */
	char *wdata;	  /* unaligned write: the caller's bytes, until merged */
	enum io_op op;	  /* what the request is (io.op may be a first read) */
	unsigned flags;
	uint64_t next; /* no-data ops: next sector and sectors left */
	uint64_t left;
};

static void fx_end_io(struct io *io, int error);

void fx_reply(const struct fx_origin *o, int error, const void *data, size_t len)
{
	if (o->ent) {
		fx_ring_reply(o->ent, error, data, len);
		return;
	}
	struct fuse_out_header out = {
	    .len = (uint32_t)(sizeof(out) + len), .error = error, .unique = o->unique};
	struct iovec iov[2] = {{&out, sizeof(out)}, {(void *)data, len}};

	/* ENOENT: the request was interrupted meanwhile; ENODEV: the
	 * connection is gone. Nobody waits for the answer either way. */
	if (writev(fx.dev_fd, iov, len ? 2 : 1) < 0 && errno != ENOENT && errno != ENODEV)
		log_warn("fuse: cannot reply: %s", strerror(errno));
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
	md_submit(r->md, &r->io);
}

static void finish(struct fx_req *r, int error)
{
	if (error == -ENODEV)
		error = -EIO; /* the device went away under an open file */
	if (error) {
		fx_reply(&r->origin, error, NULL, 0);
	} else if (r->op == IO_READ) {
		fx_reply(&r->origin, 0, r->buf + r->skip, r->len);
	} else if (r->op == IO_WRITE) {
		struct fuse_write_out out = {.size = (uint32_t)r->len};
		fx_reply(&r->origin, 0, &out, sizeof(out));
	} else {
		fx_reply(&r->origin, 0, NULL, 0);
	}
	if (!r->buf_is_ring)
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
 * engine keeps a removed device suspended), so none is sent. `fh` is the
 * handle fx_open gave the kernel. */
static struct fx_req *req_new(const struct fx_origin *o, uint64_t fh, enum io_op op)
{
	struct fuse_handle *h = (struct fuse_handle *)(uintptr_t)fh;

	if (atomic_load(&h->node->removed)) {
		fx_reply(o, -EIO, NULL, 0);
		return NULL;
	}
	struct fx_req *r = calloc(1, sizeof(*r));
	if (!r) {
		fx_reply(o, -ENOMEM, NULL, 0);
		return NULL;
	}
	r->origin = *o;
	r->md = h->md;
	r->op = op;
	return r;
}

static uint64_t handle_size(uint64_t fh)
{
	return atomic_load(&((struct fuse_handle *)(uintptr_t)fh)->node->size);
}

/* Sets up r->buf for bytes [off, off+len) widened to whole sectors;
 * returns the sector count, 0 when out of memory (reply sent, r freed). */
static uint32_t bounce_alloc(struct fx_req *r, uint64_t off, size_t len, uint64_t *sector)
{
	uint64_t first = off >> SECTOR_SHIFT;
	uint64_t end = (off + len + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
	uint32_t nr = (uint32_t)(end - first);
	size_t ring_size = 0;
	char *ring_buf = r->origin.ent ? fx_ring_payload(r->origin.ent, &ring_size) : NULL;

	/* On the ring, a request starting on a sector boundary uses the
	 * entry's payload buffer (page aligned): a read lands where the reply
	 * is taken from, a write's data is already there. */
	if (ring_buf && off == first << SECTOR_SHIFT && (size_t)nr << SECTOR_SHIFT <= ring_size) {
		r->buf = ring_buf;
		r->buf_is_ring = true;
	} else if (posix_memalign((void **)&r->buf, 4096, (size_t)nr << SECTOR_SHIFT)) {
		fx_reply(&r->origin, -ENOMEM, NULL, 0);
		free(r);
		return 0;
	}
	r->skip = off - (first << SECTOR_SHIFT);
	r->len = len;
	*sector = first;
	return nr;
}

static void fx_read(const struct fx_origin *o, const struct fuse_read_in *in)
{
	uint64_t dev_size = handle_size(in->fh), off = in->offset, sector;
	size_t size = in->size;

	if (off >= dev_size || size == 0) {
		fx_reply(o, 0, NULL, 0);
		return;
	}
	if (size > dev_size - off)
		size = dev_size - off;
	struct fx_req *r = req_new(o, in->fh, IO_READ);
	if (!r)
		return;
	uint32_t nr = bounce_alloc(r, off, size, &sector);
	if (!nr)
		return;
	io_prepare(r, IO_READ, sector, nr);
	dispatch(r);
}

/* `data` holds in->size bytes. */
static void fx_write(const struct fx_origin *o, const struct fuse_write_in *in, const char *data)
{
	uint64_t dev_size = handle_size(in->fh), off = in->offset, sector;
	size_t size = in->size;

	if (off >= dev_size) {
		fx_reply(o, size ? -ENOSPC : 0, NULL, 0);
		return;
	}
	if (size > dev_size - off)
		size = dev_size - off; /* a short write, as at a disk's end */
	struct fx_req *r = req_new(o, in->fh, IO_WRITE);
	if (!r)
		return;
	if (in->flags & (O_DSYNC | O_SYNC))
		r->flags = IO_FUA;
	uint32_t nr = bounce_alloc(r, off, size, &sector);
	if (!nr)
		return;
	bool aligned = r->skip == 0 && size % SECTOR_SIZE == 0;
	if (aligned) {
		if (r->buf != data) /* on the ring the data is in place */
			memcpy(r->buf, data, size);
		io_prepare(r, IO_WRITE, sector, nr);
	} else {
		r->wdata = malloc(size);
		if (!r->wdata) {
			fx_reply(o, -ENOMEM, NULL, 0);
			if (!r->buf_is_ring)
				free(r->buf);
			free(r);
			return;
		}
		memcpy(r->wdata, data, size);
		io_prepare(r, IO_READ, sector, nr);
	}
	dispatch(r);
}

static void fx_fsync(const struct fx_origin *o, const struct fuse_fsync_in *in)
{
	struct fx_req *r = req_new(o, in->fh, IO_FLUSH);

	if (!r)
		return;
	io_prepare(r, IO_FLUSH, 0, 0);
	dispatch(r);
}

/* The io for a punched hole or a zeroed range; -errno when there is none
 * to send (then that is the reply, 0 included). */
static int fallocate_range(const struct fuse_fallocate_in *in, enum io_op *op, uint64_t *first,
			   uint64_t *last)
{
	uint64_t dev_size = handle_size(in->fh);

	if (in->mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		*op = IO_DISCARD;
	else if ((in->mode & ~FALLOC_FL_KEEP_SIZE) == FALLOC_FL_ZERO_RANGE)
		*op = IO_WRITE_ZEROES;
	else
		return -EOPNOTSUPP;
	if ((int64_t)in->offset < 0 || (int64_t)in->length <= 0)
		return -EINVAL;
	if (in->offset >= dev_size)
		return 0;
	uint64_t end = in->offset + in->length;
	if (end > dev_size || end < in->offset)
		end = dev_size;
	*first = (in->offset + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
	*last = end >> SECTOR_SHIFT;
	if (*op == IO_WRITE_ZEROES && ((in->offset | end) & (SECTOR_SIZE - 1)) && end != dev_size)
		return -EINVAL;
	return *last > *first ? 1 : 0;
}

/* Punching a hole is a discard (the sectors inside the range), zeroing a
 * range is write-zeroes (whole sectors only). Growing is impossible. */
static void fx_fallocate(const struct fx_origin *o, const struct fuse_fallocate_in *in)
{
	enum io_op op;
	uint64_t first = 0, last = 0;
	int r0 = fallocate_range(in, &op, &first, &last);

	if (r0 <= 0) {
		fx_reply(o, r0, NULL, 0);
		return;
	}
	struct fx_req *r = req_new(o, in->fh, op);
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

bool fx_io_request(const struct fuse_in_header *h, const void *op_in, size_t op_len,
		   const char *data, size_t data_len, const struct fx_origin *o)
{
	switch (h->opcode) {
	case FUSE_READ:
		if (op_len < sizeof(struct fuse_read_in))
			break;
		fx_read(o, op_in);
		return true;
	case FUSE_WRITE: {
		const struct fuse_write_in *in = op_in;
		if (op_len < sizeof(*in))
			break;
		/* From /dev/fuse the data follows the argument; on the ring
		 * it is the payload. */
		if (!o->ent) {
			data = (const char *)op_in + sizeof(*in);
			data_len = op_len - sizeof(*in);
		}
		if (data_len < in->size)
			break;
		fx_write(o, in, data);
		return true;
	}
	case FUSE_FSYNC:
		if (op_len < sizeof(struct fuse_fsync_in))
			break;
		fx_fsync(o, op_in);
		return true;
	case FUSE_FALLOCATE:
		if (op_len < sizeof(struct fuse_fallocate_in))
			break;
		fx_fallocate(o, op_in);
		return true;
	default:
		return false;
	}
	fx_reply(o, -EINVAL, NULL, 0);
	return true;
}
