/* Backing stores: image files and block devices, opened once and shared by
 * every table that names them, with their I/O on the worker's io_uring. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/worker.h"
#include "util/error.h"
#include "util/log.h"

static pthread_mutex_t backing_lock = PTHREAD_MUTEX_INITIALIZER;
static struct backing *backings;

/* Per backing request state, kept in io->engine_private's place: the
 * uring_op must live as long as the SQE, so it is embedded in a small
 * allocation tied to the io. */
struct backing_req {
	struct uring_op op;
	struct io *io;
	struct backing *b;
	bool buffered; /* retried on the buffered fd */
	bool punch;    /* write-zeroes done as a hole punch */
};

static struct backing *backing_find(const struct stat *st)
{
	for (struct backing *b = backings; b; b = b->next) {
		if (S_ISBLK(st->st_mode)
			? (b->is_blockdev && b->rdev == st->st_rdev)
			: (!b->is_blockdev && b->st_dev == st->st_dev && b->ino == st->st_ino))
			return b;
	}
	return NULL;
}

static int open_fds(struct backing *b, const char *path, bool writable)
{
	int mode = writable ? O_RDWR : O_RDONLY;

	b->fd_buffered = open(path, mode | O_CLOEXEC);
	if (b->fd_buffered < 0)
		return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
	b->fd = open(path, mode | O_CLOEXEC | O_DIRECT);
	b->direct = b->fd >= 0;
	if (!b->direct)
		b->fd = b->fd_buffered;
	return 0;
}

/* Files in memory (tmpfs, ramfs) cannot be read or written without
 * blocking as io_uring understands it (no RWF_NOWAIT), so the ring hands
 * every request to a kernel worker thread: a context switch or two per io
 * for what is a memory copy. Such files are served inline on the worker,
 * which never waits for a device there. */
static bool in_memory(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return false;
	return sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC;
}

static int size_of(struct backing *b, const struct stat *st)
{
	uint64_t bytes = (uint64_t)st->st_size;

	b->dio_align = 512;
	if (b->is_blockdev) {
		int ssz = 512;
		if (ioctl(b->fd_buffered, BLKGETSIZE64, &bytes) < 0)
			return err_set(errno, "cannot get size of '%s': %s", b->path,
				       strerror(errno));
		if (ioctl(b->fd_buffered, BLKSSZGET, &ssz) == 0 && ssz > 512)
			b->dio_align = (unsigned)ssz;
	}
	b->size = bytes >> SECTOR_SHIFT;
	return 0;
}

int backing_open(const char *path, bool writable, struct backing **out)
{
	struct stat st;
	struct backing *b;
	int r;

	if (stat(path, &st) < 0)
		return err_set(errno, "device '%s' not found: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return err_set(EINVAL, "'%s' is neither an image file nor a block device", path);

	pthread_mutex_lock(&backing_lock);
	b = backing_find(&st);
	if (b && (b->writable || !writable)) {
		b->refs++;
		pthread_mutex_unlock(&backing_lock);
		*out = b;
		return 0;
	}
	if (b) {
		/* Open read-only before, wanted writable now: open a second one. */
		b = NULL;
	}
	b = calloc(1, sizeof(*b));
	char *real = realpath(path, NULL);
	if (!b || !real) {
		r = err_set(errno ? errno : ENOMEM, "cannot resolve '%s': %s", path,
			    strerror(errno));
		goto fail;
	}
	b->path = real;
	b->is_blockdev = S_ISBLK(st.st_mode);
	b->rdev = st.st_rdev;
	b->st_dev = st.st_dev;
	b->ino = st.st_ino;
	b->writable = writable;
	b->fd = b->fd_buffered = -1;
	r = open_fds(b, path, writable);
	if (r == -EACCES || r == -EROFS) {
		if (writable)
			err_clear();
		r = writable ? open_fds(b, path, false) : r;
		b->writable = false;
	}
	if (r)
		goto fail;
	r = size_of(b, &st);
	if (r)
		goto fail;
	b->inline_io = !b->is_blockdev && in_memory(b->fd_buffered);
	b->refs = 1;
	b->next = backings;
	backings = b;
	pthread_mutex_unlock(&backing_lock);
	*out = b;
	return 0;
fail:
	pthread_mutex_unlock(&backing_lock);
	if (b) {
		if (b->fd >= 0 && b->fd != b->fd_buffered)
			close(b->fd);
		if (b->fd_buffered >= 0)
			close(b->fd_buffered);
		free(b->path);
		free(b);
	} else {
		free(real);
	}
	return r;
}

void backing_put(struct backing *b)
{
	pthread_mutex_lock(&backing_lock);
	if (--b->refs) {
		pthread_mutex_unlock(&backing_lock);
		return;
	}
	for (struct backing **p = &backings; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	pthread_mutex_unlock(&backing_lock);
	if (b->fd != b->fd_buffered)
		close(b->fd);
	close(b->fd_buffered);
	free(b->path);
	free(b);
}

int backing_flush_sync(struct backing *b)
{
	if (!b->writable)
		return 0;
	if (fdatasync(b->fd_buffered) < 0)
		return err_set(errno, "flush of '%s' failed: %s", b->path, strerror(errno));
	return 0;
}

static bool aligned_for_direct(const struct backing *b, const struct io *io)
{
	uint64_t mask = b->dio_align - 1;

	return !(((uintptr_t)io->data | (io->sector << SECTOR_SHIFT) | io_bytes(io)) & mask);
}

static void backing_issue(struct backing_req *req);

static void backing_done(struct uring_op *op, int res)
{
	struct backing_req *req = (struct backing_req *)op;
	struct io *io = req->io;

	if (res == -EINVAL && !req->buffered && req->b->direct && io_has_data(io)) {
		/* The direct fd refused this alignment: the buffered one won't. */
		req->buffered = true;
		backing_issue(req);
		return;
	}
	if (res == -EOPNOTSUPP && io->op == IO_WRITE_ZEROES && !req->b->is_blockdev &&
	    !req->punch) {
		/* tmpfs and others lack ZERO_RANGE; a hole in a file reads as
		 * zeros just the same. */
		req->punch = true;
		backing_issue(req);
		return;
	}
	if (res == -EOPNOTSUPP && io->op == IO_DISCARD)
		res = 0; /* discard is a hint; a store without it loses nothing */
	if (res > 0 && io_has_data(io)) {
		io->done_bytes += (uint32_t)res;
		if (io->done_bytes < io_bytes(io)) {
			backing_issue(req); /* short transfer: continue */
			return;
		}
		res = 0;
	} else if (res == 0 && io_has_data(io) && io->done_bytes < io_bytes(io)) {
		res = -EIO; /* end of file inside the mapped range */
	}
	free(req);
	io->end_io(io, res < 0 ? res : 0);
}

static void backing_issue(struct backing_req *req)
{
	struct io *io = req->io;
	struct backing *b = req->b;
	struct worker *w = io->worker;
	int fd = req->buffered ? b->fd_buffered : b->fd;
	uint64_t off = (io->sector << SECTOR_SHIFT) + io->done_bytes;
	uint32_t left = (uint32_t)(io_bytes(io) - io->done_bytes);
	struct io_uring_sqe *sqe = worker_sqe(w, &req->op);

	switch (io->op) {
	case IO_READ:
		io_uring_prep_read(sqe, fd, (char *)io->data + io->done_bytes, left, off);
		break;
	case IO_WRITE:
		io_uring_prep_write(sqe, fd, (char *)io->data + io->done_bytes, left, off);
		if (io->flags & IO_FUA)
			sqe->rw_flags = RWF_DSYNC;
		break;
	case IO_FLUSH:
		io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
		break;
	case IO_DISCARD:
		io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)off, (off_t)io_bytes(io));
		break;
	case IO_WRITE_ZEROES:
		io_uring_prep_fallocate(sqe, fd,
					(req->punch ? FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE) |
					    FALLOC_FL_KEEP_SIZE,
					(off_t)off, (off_t)io_bytes(io));
		break;
	}
}

/* The in-memory file path: the same operations done at once. */
static int backing_inline(struct backing *b, struct io *io)
{
	off_t off = (off_t)(io->sector << SECTOR_SHIFT);
	size_t len = (size_t)io_bytes(io), done = 0;
	int mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

	switch (io->op) {
	case IO_READ:
	case IO_WRITE:
		while (done < len) {
			char *p = (char *)io->data + done;
			ssize_t n = io->op == IO_READ
					? pread(b->fd_buffered, p, len - done, off + (off_t)done)
					: pwrite(b->fd_buffered, p, len - done, off + (off_t)done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			if (n == 0)
				return -EIO; /* end of file inside the mapped range */
			done += (size_t)n;
		}
		return 0;
	case IO_FLUSH:
		return 0; /* memory has no cache in front of it */
	case IO_DISCARD:
	case IO_WRITE_ZEROES:
		return fallocate(b->fd_buffered, mode, off, (off_t)len) < 0 ? -errno : 0;
	}
	return -EINVAL;
}

void backing_submit(struct backing *b, struct io *io)
{
	struct backing_req *req;

	if (!b->writable && io->op != IO_READ) {
		io->end_io(io, io->op == IO_FLUSH ? 0 : -EROFS);
		return;
	}
	if (b->inline_io) {
		io->end_io(io, backing_inline(b, io));
		return;
	}
	req = malloc(sizeof(*req));
	if (!req) {
		io->end_io(io, -ENOMEM);
		return;
	}
	req->op.done = backing_done;
	req->io = io;
	req->b = b;
	req->punch = false;
	req->buffered = !b->direct || (io_has_data(io) && !aligned_for_direct(b, io));
	io->done_bytes = 0;
	backing_issue(req);
}
