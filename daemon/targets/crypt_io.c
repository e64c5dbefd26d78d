/* crypt: data-path helpers beyond one remapped io.
 *
 * Write-zeroes becomes writes of encrypted zeros (zeros on the disk would
 * read back as garbage). An io that does not cover whole encryption units
 * (sector_size > 512 under a 512-byte block device or FUSE file) goes
 * through a bounce buffer of whole units; a write reads, merges and
 * rewrites them. The kernel fails such ios; ulvm serves them because its
 * exports advertise 512-byte blocks whatever the table. As with any
 * read-modify-write under a block device, two such writes racing on one
 * unit may lose one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/worker.h"
#include "targets/crypt.h"

#define CRYPT_ZERO_CHUNK 2048u /* sectors per write of a write-zeroes */

/* IV sector of target-relative `sector`, and the IV step per unit. */
static uint64_t crypt_iv_sector(const struct crypt *cc, uint64_t sector)
{
	uint64_t s = sector + cc->iv_offset;

	return cc->iv_large_sectors ? s >> cc->sector_shift : s;
}

static uint64_t crypt_iv_step(const struct crypt *cc)
{
	return cc->iv_large_sectors ? 1 : (uint64_t)1 << cc->sector_shift;
}

/* Encrypts `nr` sectors at target-relative `sector` from `in` to `out`. */
int crypt_encrypt(struct crypt *cc, bool encrypt, uint64_t sector, uint32_t nr, const void *in,
		  void *out)
{
	return sector_cipher_run(cc->sc, encrypt, crypt_iv_sector(cc, sector), crypt_iv_step(cc),
				 cc->sector_size, in, out, (size_t)nr << SECTOR_SHIFT);
}

/* A write-zeroes in progress: encrypted zeros written one chunk at a time. */
struct crypt_zero {
	struct target *ti;
	struct io *clone;
	uint8_t *buf;
	size_t bytes;  /* of buf */
	uint64_t next; /* target-relative sector of the next chunk */
	uint64_t left;
	uint32_t chunk; /* sectors in flight */
};

static void crypt_zero_next(struct crypt_zero *z, int error);

static void crypt_zero_done(struct io *child, int error)
{
	struct crypt_zero *z = child->private;

	io_free(child);
	z->next += z->chunk;
	z->left -= z->chunk;
	crypt_zero_next(z, error);
}

static void crypt_zero_next(struct crypt_zero *z, int error)
{
	struct crypt *cc = z->ti->private;
	struct io *child;

	if (!error && z->left) {
		z->chunk = z->left < CRYPT_ZERO_CHUNK ? (uint32_t)z->left : CRYPT_ZERO_CHUNK;
		memset(z->buf, 0, (size_t)z->chunk << SECTOR_SHIFT);
		error = crypt_encrypt(cc, true, z->next, z->chunk, z->buf, z->buf);
	}
	if (error || !z->left) {
		struct io *clone = z->clone;

		crypt_bounce_free(z->buf, z->bytes);
		free(z);
		io_complete(clone, error);
		return;
	}
	child = io_alloc();
	child->op = IO_WRITE;
	child->flags = z->clone->flags;
	child->sector = cc->start + z->next;
	child->nr_sectors = z->chunk;
	child->data = z->buf;
	child->end_io = crypt_zero_done;
	child->private = z;
	io_submit_dev(cc->dev, child);
}

int crypt_map_zeroes(struct target *ti, struct io *io)
{
	struct crypt_zero *z = calloc(1, sizeof(*z));
	uint64_t bytes =
	    (uint64_t)(io->nr_sectors < CRYPT_ZERO_CHUNK ? io->nr_sectors : CRYPT_ZERO_CHUNK)
	    << SECTOR_SHIFT;

	if (z) {
		z->buf = crypt_bounce(bytes);
		z->bytes = bytes;
	}
	if (!z || !z->buf) {
		free(z);
		io_complete(io, -ENOMEM);
		return MAP_SUBMITTED;
	}
	z->ti = ti;
	z->clone = io;
	z->next = io->sector;
	z->left = io->nr_sectors;
	crypt_zero_next(z, 0);
	return MAP_SUBMITTED;
}
/* A read of partial units or a write of a large-unit mapping: whole
 * units [first, first + nr) in buf, locked (writes) while in flight. */
struct crypt_rmw {
	struct crypt_job job; /* first: done casts back */
	struct target *ti;
	struct io *clone;
	uint8_t *buf;
	uint64_t first; /* target-relative */
	uint32_t nr;
	size_t skip; /* where the clone's bytes start in buf */
	bool partial;
	struct crypt_rmw *next;	      /* on cc->held or cc->waiting */
	struct crypt_rmw *start_next; /* granted by one unlock */
};

static bool crypt_overlap(const struct crypt_rmw *a, const struct crypt_rmw *b)
{
	return a->first < b->first + b->nr && b->first < a->first + a->nr;
}

static bool crypt_list_overlaps(const struct crypt_rmw *list, const struct crypt_rmw *m,
				const struct crypt_rmw *stop)
{
	for (; list && list != stop; list = list->next)
		if (crypt_overlap(list, m))
			return true;
	return false;
}

static void crypt_rmw_start(void *arg);

/* Takes the units of m, or queues m behind what overlaps it (FIFO among
 * overlapping writes). Returns true when granted. */
static bool crypt_lock_units(struct crypt *cc, struct crypt_rmw *m)
{
	bool granted;
	struct crypt_rmw **tail;

	pthread_mutex_lock(&cc->lock);
	granted =
	    !crypt_list_overlaps(cc->held, m, NULL) && !crypt_list_overlaps(cc->waiting, m, NULL);
	if (granted) {
		m->next = cc->held;
		cc->held = m;
	} else {
		for (tail = &cc->waiting; *tail; tail = &(*tail)->next)
			;
		m->next = NULL;
		*tail = m;
	}
	pthread_mutex_unlock(&cc->lock);
	return granted;
}

/* Releases m's units and starts, each on its own worker, the waiters that
 * no longer overlap a held range or an earlier waiter. */
static void crypt_unlock_units(struct crypt *cc, struct crypt_rmw *m)
{
	struct crypt_rmw **p, *w, *start = NULL;

	pthread_mutex_lock(&cc->lock);
	for (p = &cc->held; *p != m; p = &(*p)->next)
		;
	*p = m->next;
	for (p = &cc->waiting; (w = *p);) {
		if (crypt_list_overlaps(cc->held, w, NULL) ||
		    crypt_list_overlaps(cc->waiting, w, w)) {
			p = &w->next;
			continue;
		}
		*p = w->next;
		w->next = cc->held;
		cc->held = w;
		w->start_next = start;
		start = w;
	}
	pthread_mutex_unlock(&cc->lock);
	while (start) {
		struct crypt_rmw *next = start->start_next;

		worker_post(start->clone->worker, crypt_rmw_start, start);
		start = next;
	}
}

static void crypt_rmw_finish(struct crypt_rmw *m, int error)
{
	struct io *clone = m->clone;

	if (clone->op == IO_WRITE)
		crypt_unlock_units(m->ti->private, m);
	crypt_bounce_free(m->buf, (size_t)m->nr << SECTOR_SHIFT);
	free(m);
	io_complete(clone, error);
}
static void crypt_rmw_write_done(struct io *child, int error)
{
	struct crypt_rmw *m = child->private;

	io_free(child);
	crypt_rmw_finish(m, error);
}

static void crypt_rmw_submit(struct crypt_rmw *m, enum io_op op, io_end_fn done)
{
	struct crypt *cc = m->ti->private;
	struct io *child = io_alloc();

	child->op = op;
	child->flags = op == IO_WRITE ? m->clone->flags : 0;
	child->sector = cc->start + m->first;
	child->nr_sectors = m->nr;
	child->data = m->buf;
	child->end_io = done;
	child->private = m;
	io_submit_dev(cc->dev, child);
}

static void crypt_rmw_encrypted(struct crypt_job *j, int error)
{
	struct crypt_rmw *m = (struct crypt_rmw *)j;

	if (error) {
		crypt_rmw_finish(m, error);
		return;
	}
	crypt_rmw_submit(m, IO_WRITE, crypt_rmw_write_done);
}

/* Encrypts whole units into buf (from the clone's own data when it covers
 * them all: no copy) and writes them. */
static void crypt_rmw_write(struct crypt_rmw *m)
{
	const void *in = m->partial ? m->buf : m->clone->data;

	crypt_job_start(&m->job, m->ti->private, true, m->first, m->nr, in, m->buf,
			crypt_rmw_encrypted);
}

/* The units are decrypted: serve a read, or merge a write and send it. */
static void crypt_rmw_decrypted(struct crypt_job *j, int error)
{
	struct crypt_rmw *m = (struct crypt_rmw *)j;
	struct io *clone = m->clone;

	if (error || clone->op == IO_READ) {
		if (!error)
			memcpy(clone->data, m->buf + m->skip, io_bytes(clone));
		crypt_rmw_finish(m, error);
		return;
	}
	memcpy(m->buf + m->skip, clone->data, io_bytes(clone));
	crypt_rmw_write(m);
}

static void crypt_rmw_read_done(struct io *child, int error)
{
	struct crypt_rmw *m = child->private;

	io_free(child);
	if (error) {
		crypt_rmw_finish(m, error);
		return;
	}
	crypt_job_start(&m->job, m->ti->private, false, m->first, m->nr, m->buf, m->buf,
			crypt_rmw_decrypted);
}

/* Runs once the units are m's (at once, or posted by an unlock). */
static void crypt_rmw_start(void *arg)
{
	struct crypt_rmw *m = arg;

	if (m->partial) {
		crypt_rmw_submit(m, IO_READ, crypt_rmw_read_done);
		return;
	}
	crypt_rmw_write(m);
}

int crypt_map_units(struct target *ti, struct io *io)
{
	struct crypt *cc = ti->private;
	uint64_t unit = (uint64_t)cc->sector_size >> SECTOR_SHIFT;
	uint64_t first = io->sector / unit * unit;
	uint64_t end = (io->sector + io->nr_sectors + unit - 1) / unit * unit;
	struct crypt_rmw *m = calloc(1, sizeof(*m));

	if (m)
		m->buf = crypt_bounce((size_t)(end - first) << SECTOR_SHIFT);
	if (!m || !m->buf || end - first > UINT32_MAX) {
		if (m)
			crypt_bounce_free(m->buf, (size_t)(end - first) << SECTOR_SHIFT);
		free(m);
		io_complete(io, -ENOMEM);
		return MAP_SUBMITTED;
	}
	m->ti = ti;
	m->clone = io;
	m->first = first;
	m->nr = (uint32_t)(end - first);
	m->skip = (size_t)(io->sector - first) << SECTOR_SHIFT;
	m->partial = first != io->sector || end != io->sector + io->nr_sectors;
	/* Reads need no lock: a unit is read whole, old or new. */
	if (io->op == IO_READ || crypt_lock_units(cc, m))
		crypt_rmw_start(m);
	return MAP_SUBMITTED;
}
