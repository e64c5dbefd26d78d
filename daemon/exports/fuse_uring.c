/* FUSE over io_uring: the kernel hands requests to ring entries that the
 * engine's workers registered on their own rings, and takes each reply
 * with the fetch of the next request as one command.
 *
 * The kernel makes one queue per possible CPU and puts a request on the
 * queue of the CPU its sender runs on; queue q belongs to worker
 * q % workers. An entry is a header buffer and a payload buffer (large
 * enough for the largest request, max_write) of ours that the kernel
 * copies requests into and replies out of. A request arrives as the CQE
 * of the entry's command on the worker's ring; the reply is written into
 * the same buffers and sent back as a COMMIT_AND_FETCH SQE that goes with
 * the worker's next io_uring_enter. No read or write of /dev/fuse, and a
 * read's data is read straight into the payload buffer (fuse_io.c).
 *
 * It is used only when the kernel offers it in INIT (the fuse module's
 * enable_uring, which ulvmd never changes) and ulvmd's setting allows it.
 * libfuse 3.14 knows nothing of it, so the INIT reply libfuse writes is
 * amended on its way out (fx_ring_writev, the session's custom writev).
 * Once the reply accepts it, the kernel holds every new request until
 * each queue has an entry (dev_uring.c, is_ring_ready), so the buffers are
 * allocated before the reply is written, and the workers register right
 * after. FORGET and INTERRUPT keep coming through /dev/fuse.
 *
 * Requests other than the data path are handed to the metadata threads
 * as they are from /dev/fuse; their reply, written by libfuse through
 * fx_ring_writev, is copied into the entry and posted to its worker.
 */
#include "exports/fuse_int.h"
#include "exports/fuse_uring_abi.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "engine/worker.h"
#include "util/log.h"

/* Entries over all queues: a loop device sends up to its queue depth
 * (128) at once, fio's QD32 about as many; per queue never below 8. Only
 * the payload pages a request touches become resident. */
#define FX_RING_ENTRIES	      64
#define FX_RING_MIN_PER_QUEUE 8

struct fx_ring_ent {
	struct uring_op op;
	struct worker *w;
	struct fx_uring_req_header *hdr;
	char *payload;
	struct iovec iov[2]; /* the two buffers, for REGISTER */
	uint64_t unique;     /* the request being served */
	uint64_t served;     /* requests, counted on the worker */
	uint32_t cmd;	     /* the command in flight */
	uint16_t qid;
};

static struct {
	atomic_bool allowed;	      /* ulvmd's setting */
	_Atomic uint64_t init_unique; /* the INIT that offered the ring, or 0 */
	unsigned nr_queues, nr_ents;
	size_t payload_size, map_size;
	struct fx_ring_ent *ents;
	struct fx_uring_req_header *hdrs;
	char *payloads;
} ring = {.allowed = true};

/* The metadata request a metadata thread is running, when it came on a
 * ring entry: libfuse's reply for it goes there (fx_ring_writev). */
static _Thread_local struct fx_ring_ent *meta_ent;

void fx_ring_allow(bool allowed)
{
	atomic_store(&ring.allowed, allowed);
}

char *fx_ring_payload(struct fx_ring_ent *e, size_t *size)
{
	*size = ring.payload_size;
	return e->payload;
}

/* The kernel makes num_possible_cpus() queues. */
static unsigned possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	unsigned count = 0, a;

	if (!f)
		return 0;
	while (fscanf(f, "%u", &a) == 1) {
		unsigned b = a;
		int c = fgetc(f);
		if (c == '-' && fscanf(f, "%u", &b) == 1)
			c = fgetc(f);
		count += b >= a ? b - a + 1 : 0;
		if (c != ',')
			break;
	}
	fclose(f);
	return count;
}

static void sqe_cmd(struct fx_ring_ent *e, uint32_t cmd_op)
{
	struct io_uring_sqe *sqe = worker_sqe(e->w, &e->op);

	memset(sqe, 0, 2 * sizeof(*sqe)); /* a 128-byte SQE */
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fx.dev_fd;
	sqe->cmd_op = cmd_op;
	e->cmd = cmd_op;
	io_uring_sqe_set_data(sqe, &e->op);
	if (cmd_op == FX_IO_URING_CMD_REGISTER) {
		sqe->addr = (uint64_t)(uintptr_t)e->iov;
		sqe->len = 2;
	}
	struct fx_uring_cmd_req *req = (struct fx_uring_cmd_req *)sqe->cmd;
	req->qid = e->qid;
	req->commit_id = e->unique;
}

/* The connection ended (unmount, abort) or the kernel refused us. */
static void ent_end(struct fx_ring_ent *e, int res)
{
	if (res != -ENOTCONN && res != -ECONNABORTED && res != -ECANCELED && res != -ENODEV)
		log_warn("fuse: ring entry of queue %u ended: %s", e->qid, strerror(-res));
	atomic_fetch_sub(&fx.readers, 1);
}

static void ent_request(struct fx_ring_ent *e)
{
	const struct fuse_in_header *h = (const struct fuse_in_header *)e->hdr->in_out;
	size_t plen = e->hdr->ring_ent_in_out.payload_sz;

	e->unique = h->unique;
	e->served++;
	if (plen > ring.payload_size || h->len < sizeof(*h) + plen ||
	    h->len - sizeof(*h) - plen > FX_URING_OP_IN_OUT_SZ) {
		log_warn("fuse: ring request %u of %u bytes with a bad header", h->opcode, h->len);
		fx_ring_reply(e, -EINVAL, NULL, 0);
		return;
	}
	size_t op_len = h->len - sizeof(*h) - plen;
	struct fx_origin o = {.unique = h->unique, .ent = e};
	if (!fx_io_request(h, e->hdr->op_in, op_len, e->payload, plen, &o))
		fx_meta_post(&o, h, e->hdr->op_in, op_len, e->payload, plen);
}

static void ent_done(struct uring_op *op, int res)
{
	struct fx_ring_ent *e = (struct fx_ring_ent *)op;

	if (res >= 0) {
		ent_request(e);
	} else if (e->cmd == FX_IO_URING_CMD_COMMIT_AND_FETCH && res != -ENOTCONN &&
		   res != -ECONNABORTED && res != -ECANCELED) {
		/* The kernel no longer knew the request (ENOENT): it keeps
		 * the entry aside until the end, so its buffers are given
		 * again as a new entry rather than lost to the queue. */
		log_warn("fuse: reply to ring request %llu refused: %s",
			 (unsigned long long)e->unique, strerror(-res));
		sqe_cmd(e, FX_IO_URING_CMD_REGISTER);
	} else {
		ent_end(e, res);
	}
}

static void commit(struct fx_ring_ent *e)
{
	sqe_cmd(e, FX_IO_URING_CMD_COMMIT_AND_FETCH);
}

static void commit_posted(void *arg)
{
	commit(arg);
}

void fx_ring_reply(struct fx_ring_ent *e, int error, const void *data, size_t len)
{
	struct fuse_out_header *out = (struct fuse_out_header *)e->hdr->in_out;

	if (len > ring.payload_size) {
		error = -EIO;
		len = 0;
	}
	if (error)
		len = 0;
	out->len = (uint32_t)(sizeof(*out) + len);
	out->error = error;
	out->unique = e->unique;
	e->hdr->ring_ent_in_out.payload_sz = (uint32_t)len;
	if (len && data != e->payload)
		memmove(e->payload, data, len);
	/* The SQE must come from the ring's own thread. */
	if (worker_current() == e->w)
		commit(e);
	else
		worker_post(e->w, commit_posted, e);
}

void fx_ring_meta_begin(struct fx_ring_ent *e)
{
	meta_ent = e;
}

/* A request libfuse did not answer would hold its entry for good. */
void fx_ring_meta_end(void)
{
	struct fx_ring_ent *e = meta_ent;

	meta_ent = NULL;
	if (e)
		fx_ring_reply(e, -EIO, NULL, 0);
}

/* Copies libfuse's reply (header first) into the entry. */
static ssize_t meta_reply(struct fx_ring_ent *e, const struct iovec *iov, int count)
{
	char *p = e->payload;
	size_t total = 0, left = ring.payload_size;
	const struct fuse_out_header *out = iov[0].iov_base;

	for (int i = 1; i < count; i++) {
		if (iov[i].iov_len > left) {
			errno = EINVAL;
			return -1;
		}
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
		left -= iov[i].iov_len;
		total += iov[i].iov_len;
	}
	meta_ent = NULL;
	fx_ring_reply(e, out->error, e->payload, total);
	return (ssize_t)(iov[0].iov_len + total);
}

/* ---- setting up ---- */

static void ents_free(void)
{
	if (ring.payloads)
		munmap(ring.payloads, ring.map_size);
	free(ring.hdrs);
	free(ring.ents);
	ring.payloads = NULL;
	ring.hdrs = NULL;
	ring.ents = NULL;
	ring.nr_ents = 0;
}

/* Buffers for every entry of every queue; false when not possible. */
static bool ents_alloc(size_t payload_size)
{
	unsigned queues = possible_cpus();
	unsigned workers = workers_count();

	if (!queues || queues > UINT16_MAX)
		return false;
	for (unsigned i = 0; i < workers; i++)
		if (!worker_big_sqes(worker_at(i)))
			return false;
	unsigned per_queue = FX_RING_ENTRIES / queues;
	if (per_queue < FX_RING_MIN_PER_QUEUE)
		per_queue = FX_RING_MIN_PER_QUEUE;
	long page = sysconf(_SC_PAGESIZE);
	payload_size = (payload_size + (size_t)page - 1) & ~((size_t)page - 1);
	ring.nr_queues = queues;
	ring.nr_ents = queues * per_queue;
	ring.payload_size = payload_size;
	ring.map_size = payload_size * ring.nr_ents;
	ring.ents = calloc(ring.nr_ents, sizeof(*ring.ents));
	ring.hdrs = calloc(ring.nr_ents, sizeof(*ring.hdrs));
	/* Untouched pages cost nothing: most requests use a few. */
	void *map = mmap(NULL, ring.map_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ring.payloads = map == MAP_FAILED ? NULL : map;
	if (!ring.ents || !ring.hdrs || !ring.payloads) {
		ents_free();
		return false;
	}
	for (unsigned i = 0; i < ring.nr_ents; i++) {
		struct fx_ring_ent *e = &ring.ents[i];
		e->qid = (uint16_t)(i % queues);
		e->w = worker_at(e->qid % workers);
		e->op.done = ent_done;
		e->hdr = &ring.hdrs[i];
		e->payload = ring.payloads + (size_t)i * payload_size;
		e->iov[0] = (struct iovec){e->hdr, sizeof(*e->hdr)};
		e->iov[1] = (struct iovec){e->payload, payload_size};
	}
	return true;
}

/* On each worker: register the entries of its queues. */
static void register_on_worker(void *arg)
{
	struct worker *w = arg;

	for (unsigned i = 0; i < ring.nr_ents; i++)
		if (ring.ents[i].w == w)
			sqe_cmd(&ring.ents[i], FX_IO_URING_CMD_REGISTER);
}

static void register_all(void)
{
	atomic_fetch_add(&fx.readers, ring.nr_ents);
	for (unsigned i = 0; i < workers_count() && i < ring.nr_queues; i++)
		worker_post(worker_at(i), register_on_worker, worker_at(i));
}

void fx_ring_init_request(uint64_t unique, const struct fuse_init_in *in, size_t len)
{
	if (len < offsetof(struct fuse_init_in, flags2))
		return;
	uint64_t flags = in->flags;
	if (len >= sizeof(*in) && (flags & FUSE_INIT_EXT))
		flags |= (uint64_t)in->flags2 << 32;
	if (!(flags & FX_FUSE_OVER_IO_URING))
		return;
	if (atomic_load(&ring.allowed))
		atomic_store(&ring.init_unique, unique);
	else
		log_info("fuse: the kernel offers io_uring, not used (--fuse-uring never)");
}

/* The INIT reply (header and fuse_init_out, as libfuse 3.14 writes it)
 * with the ring accepted, when the buffers can be had. */
static bool init_accept(char *reply, size_t len)
{
	struct fuse_init_out *out =
	    (struct fuse_init_out *)(reply + sizeof(struct fuse_out_header));
	const struct fuse_out_header *oh = (const struct fuse_out_header *)reply;

	if (oh->error || len < sizeof(*oh) + sizeof(*out))
		return false;
	size_t payload = out->max_write, page = (size_t)sysconf(_SC_PAGESIZE);
	if (out->flags & FUSE_MAX_PAGES && out->max_pages * page > payload)
		payload = out->max_pages * page;
	if (payload < FUSE_MIN_READ_BUFFER)
		payload = FUSE_MIN_READ_BUFFER;
	if (!ents_alloc(payload)) {
		log_warn("fuse: io_uring offered but not usable (128-byte SQEs, memory); "
			 "requests go through /dev/fuse");
		return false;
	}
	out->flags |= FUSE_INIT_EXT;
	out->flags2 |= (uint32_t)(FX_FUSE_OVER_IO_URING >> 32);
	return true;
}

static ssize_t init_reply(int fd, const struct iovec *iov, int count)
{
	char buf[256];
	size_t len = 0;

	for (int i = 0; i < count; i++) {
		if (iov[i].iov_len > sizeof(buf) - len)
			return writev(fd, iov, count);
		memcpy(buf + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	bool accepted = init_accept(buf, len);
	ssize_t n = write(fd, buf, len);
	if (!accepted)
		return n;
	if (n < 0) {
		ents_free();
		return n;
	}
	/* The kernel took the reply (and the ring) inside the write: it now
	 * holds requests until every queue has an entry. */
	log_info("fuse: requests over io_uring (%u queues, %u entries of %zu KiB)", ring.nr_queues,
		 ring.nr_ents / ring.nr_queues, ring.payload_size >> 10);
	register_all();
	return n;
}

/* libfuse's writes to the device: replies of the metadata threads and
 * notifications. */
ssize_t fx_ring_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	if (count < 1 || iov[0].iov_len < sizeof(struct fuse_out_header))
		return writev(fd, iov, count);
	const struct fuse_out_header *out = iov[0].iov_base;
	if (meta_ent && out->unique == meta_ent->unique)
		return meta_reply(meta_ent, iov, count);
	uint64_t init = atomic_load(&ring.init_unique);
	if (init && out->unique == init) {
		atomic_store(&ring.init_unique, 0);
		return init_reply(fd, iov, count);
	}
	return writev(fd, iov, count);
}

ssize_t fx_ring_read(int fd, void *buf, size_t len, void *userdata)
{
	return read(fd, buf, len);
}

uint64_t fx_ring_served(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < ring.nr_ents; i++)
		n += ring.ents[i].served;
	return n;
}

/* After every entry ended (fx.readers at 0). */
void fx_ring_stop(void)
{
	ents_free();
	atomic_store(&ring.init_unique, 0);
}
