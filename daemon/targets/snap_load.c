/* Opening an exception store when the first target over a COW device is
 * made: synchronous I/O from the control thread (through a worker, which
 * does the actual I/O), header checks, and reading every metadata area of
 * a persistent store back into the exception table. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"
#include "targets/snap.h"
#include "util/log.h"

void *snap_alloc_buf(size_t bytes)
{
	void *p;

	if (posix_memalign(&p, 4096, bytes ? bytes : 4096))
		return NULL;
	return p;
}

struct sync_req {
	struct target_dev *dev;
	enum io_op op;
	unsigned flags;
	uint64_t sector;
	uint32_t nr;
	void *buf;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int error;
};

static void sync_end(struct io *io, int error)
{
	struct sync_req *r = io->private;

	io_free(io);
	pthread_mutex_lock(&r->lock);
	r->done = true;
	r->error = error;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void sync_start(void *arg)
{
	struct sync_req *r = arg;
	struct io *io = io_alloc();

	io->op = r->op;
	io->flags = r->flags;
	io->sector = r->sector;
	io->nr_sectors = r->nr;
	io->data = r->buf;
	io->end_io = sync_end;
	io->private = r;
	io_submit_dev(r->dev, io);
}

int snap_sync_io(struct target_dev *dev, enum io_op op, unsigned flags, uint64_t sector,
		 uint32_t nr_sectors, void *buf)
{
	struct sync_req r = {
	    .dev = dev, .op = op, .flags = flags, .sector = sector, .nr = nr_sectors, .buf = buf};

	if (sector + nr_sectors > target_dev_size(dev))
		return -EIO; /* as a block device would say */
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	worker_post(worker_pick(), sync_start, &r);
	pthread_mutex_lock(&r.lock);
	while (!r.done)
		pthread_cond_wait(&r.cond, &r.lock);
	pthread_mutex_unlock(&r.lock);
	pthread_mutex_destroy(&r.lock);
	pthread_cond_destroy(&r.cond);
	return r.error;
}

static int add_exception(void *ctx, uint64_t old_chunk, uint64_t new_chunk)
{
	struct snap *s = ctx;

	return snap_map_put(&s->complete, old_chunk, new_chunk);
}

/* Reads areas 0, 1, ... until one is not full; ps->area keeps the last. */
static int read_exceptions(struct snap *s, struct snap_binding *b)
{
	struct snap_pstore *ps = &s->ps;

	for (ps->current_area = 0;; ps->current_area++) {
		uint64_t chunk = snap_pstore_area_chunk(ps, ps->current_area);
		int r = snap_sync_io(b->cow, IO_READ, 0, chunk << s->chunk_shift, s->chunk_size,
				     ps->area);
		if (r)
			return r;
		r = snap_pstore_load_area(ps, add_exception, s);
		if (r < 0)
			return r;
		if (r == 0)
			break;
	}
	snap_pstore_skip_metadata(ps);
	return 0;
}

/* A new store: header, then an empty area 0 (LVM zeroes the start of a
 * new COW, but the kernel does not rely on it and neither do we). */
static int format_store(struct snap *s, struct snap_binding *b)
{
	size_t bytes = (size_t)s->chunk_size << SECTOR_SHIFT;
	struct snap_header h = {SNAP_MAGIC, 1, SNAP_DISK_VERSION, s->chunk_size};
	int r;

	memset(s->ps.area, 0, bytes);
	snap_header_encode(s->ps.area, &h);
	r = snap_sync_io(b->cow, IO_WRITE, IO_FUA, 0, s->chunk_size, s->ps.area);
	memset(s->ps.area, 0, bytes);
	if (!r)
		r = snap_sync_io(b->cow, IO_WRITE, IO_FUA, s->chunk_size, s->chunk_size,
				 s->ps.area);
	return r;
}

static int set_chunk_size(struct snap *s, uint32_t chunk_size)
{
	s->chunk_size = chunk_size;
	s->chunk_shift = snap_chunk_shift(chunk_size);
	free(s->zero_chunk);
	s->zero_chunk = snap_alloc_buf((size_t)chunk_size << SECTOR_SHIFT);
	if (!s->zero_chunk)
		return -ENOMEM;
	memset(s->zero_chunk, 0, (size_t)chunk_size << SECTOR_SHIFT);
	return 0;
}

/* Reads the header; on return *h holds it (magic 0: a new store). */
static int read_header(struct snap_binding *b, struct snap_header *h, const char **why)
{
	void *buf = snap_alloc_buf(SECTOR_SIZE);
	int r;

	if (!buf)
		return -ENOMEM;
	r = snap_sync_io(b->cow, IO_READ, 0, 0, 1, buf);
	if (!r)
		snap_header_decode(buf, h);
	else
		*why = "cannot read the snapshot header";
	free(buf);
	if (r || h->magic == 0)
		return r;
	if (h->magic != SNAP_MAGIC) {
		*why = "invalid or corrupt snapshot";
		return -ENXIO;
	}
	if (h->version != SNAP_DISK_VERSION) {
		*why = "unable to handle snapshot disk version";
		return -EINVAL;
	}
	if (snap_chunk_size_check(h->chunk_size) || !h->chunk_size) {
		*why = "invalid chunk size in the snapshot header";
		return -EINVAL;
	}
	return 0;
}

int snap_load(struct snap *s, struct snap_binding *b, uint32_t chunk_size, const char **why)
{
	struct snap_header h = {0};
	int r;

	s->valid = true;
	if (!s->persistent) {
		if (!chunk_size) {
			*why = "chunk size not set";
			return -EINVAL;
		}
		return set_chunk_size(s, chunk_size);
	}
	r = read_header(b, &h, why);
	if (r)
		return r;
	if (h.magic && chunk_size && h.chunk_size != chunk_size)
		log_warn("snapshot: chunk size %u in '%s' overrides table chunk size %u",
			 h.chunk_size, target_dev_name(b->cow), chunk_size);
	if (h.magic)
		chunk_size = h.chunk_size;
	else if (!chunk_size)
		chunk_size = SNAP_DEFAULT_CHUNK;
	r = set_chunk_size(s, chunk_size);
	if (!r)
		r = snap_pstore_init(&s->ps, chunk_size);
	if (r) {
		*why = "out of memory";
		return r;
	}
	if (!h.magic)
		r = format_store(s, b);
	else if (!h.valid)
		s->valid = false; /* loads, reports Invalid, reads nothing */
	else
		r = read_exceptions(s, b);
	if (r)
		*why = "failed to read snapshot metadata";
	return r;
}
