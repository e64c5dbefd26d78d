/* One NBD connection: the socket pump on its worker.
 *
 * Readiness comes from one-shot polls on the worker's ring. On POLLIN we
 * read as much as is there (payload of a large WRITE straight into its
 * buffer, everything else into rbuf), parse every complete message and
 * submit the ios; replies queue up and go out in one sendmsg at the end of
 * the handler. Completions that arrive later queue their replies and ask
 * the worker for an end-of-turn call (worker_defer), so every reply
 * finished in one loop turn leaves in one sendmsg before the worker
 * sleeps. When the socket is full the rest waits for POLLOUT.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <poll.h>

#include "exports/nbd_int.h"
#include "util/log.h"

#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

#define SEND_IOV_MAX 256
#define READ_ROUNDS  8 /* reads per wakeup before yielding to other sockets */

static void on_readable(struct uring_op *op, int res);
static void on_writable(struct uring_op *op, int res);
static void on_flush(struct worker_deferred *d);
static void on_cancelled(struct uring_op *op, int res);

struct nbd_conn *nbd_conn_new(int fd)
{
	struct nbd_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rbuf = malloc(NBD_RBUF_SIZE);
	if (!c->rbuf) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	c->w = worker_pick();
	c->out_tail = &c->out_head;
	c->rd_op.done = on_readable;
	c->wr_op.done = on_writable;
	c->flush.fn = on_flush;
	c->cancel_op.done = on_cancelled;
	c->opener.kick = nbd_conn_kick;
	c->opener.worker = c->w;
	return c;
}

static void conn_arm_read(struct nbd_conn *c)
{
	if (c->rd_armed || c->closing)
		return;
	c->rd_armed = true;
	worker_poll(c->w, c->fd, POLLIN, &c->rd_op);
}

static void conn_arm_write(struct nbd_conn *c)
{
	if (c->wr_armed)
		return;
	c->wr_armed = true;
	worker_poll(c->w, c->fd, POLLOUT, &c->wr_op);
}

static void release_chunk(struct nbd_conn *c, struct out_chunk *ch)
{
	if (ch->release)
		ch->release(c, ch);
}

static void drop_output(struct nbd_conn *c)
{
	while (c->out_head) {
		struct out_chunk *ch = c->out_head;

		c->out_head = ch->next;
		release_chunk(c, ch);
	}
	c->out_tail = &c->out_head;
}

/* A WRITE still receiving its data was never submitted: forget it. */
static void drop_payload(struct nbd_conn *c)
{
	struct nbd_req *r = c->payload;

	if (r) {
		c->payload = NULL;
		release_chunk(c, &r->out);
	}
}

void nbd_conn_abort(struct nbd_conn *c, const char *why)
{
	if (c->dead)
		return;
	log_debug("nbd: dropping connection: %s", why); /* the client sees a hang-up */
	c->dead = c->closing = true;
	/* Wakes our own pending polls too (POLLHUP), so none stays armed. */
	shutdown(c->fd, SHUT_RDWR);
	drop_output(c);
	drop_payload(c);
}

void nbd_conn_close(struct nbd_conn *c)
{
	c->closing = true;
	drop_payload(c);
}

static void conn_free(struct nbd_conn *c)
{
	/* After md_close() no new kick can be posted (the engine kicks under
	 * the lock md_close takes); one already posted frees the memory. */
	if (c->opened)
		md_close(c->md, &c->opener);
	if (c->md)
		md_put(c->md);
	nbd_cmd_release_all(c);
	close(c->fd);
	free(c->rbuf);
	nbd_registry_remove(c);
	c->freeing = true;
	if (atomic_load(&c->kicks) == 0)
		free(c);
}

static void kick_on_worker(void *arg)
{
	struct nbd_conn *c = arg;

	if (atomic_fetch_sub(&c->kicks, 1) == 1 && c->freeing) {
		free(c);
		return;
	}
	if (c->freeing)
		return;
	nbd_conn_close(c);
	nbd_conn_wake(c);
}

/* The engine calls this from the removing (control) thread, with the
 * device lock held: hand it to the connection's worker. */
void nbd_conn_kick(struct md_opener *o)
{
	struct nbd_conn *c = container_of(o, struct nbd_conn, opener);

	atomic_fetch_add(&c->kicks, 1);
	worker_post(c->w, kick_on_worker, c);
}

/* Frees a closing connection once nothing refers to it any more. */
static void conn_maybe_free(struct nbd_conn *c)
{
	if (!c->closing || c->in_pump || c->inflight)
		return;
	if (c->out_head && !c->dead)
		return; /* still draining; on_writable comes back */
	if (c->rd_armed) {
		if (!c->cancel_armed) {
			struct io_uring_sqe *sqe = worker_sqe(c->w, &c->cancel_op);

			io_uring_prep_poll_remove(sqe, (uint64_t)(uintptr_t)&c->rd_op);
			c->cancel_armed = true;
		}
		return;
	}
	if (c->wr_armed || c->flush.queued || c->cancel_armed)
		return;
	conn_free(c);
}

/* Drops the first `n` sent bytes from the output queue. */
static void output_advance(struct nbd_conn *c, size_t n)
{
	while (n) {
		struct out_chunk *ch = c->out_head;
		size_t left = ch->hdr_len + ch->data_len - ch->sent;

		if (n < left) {
			ch->sent += (uint32_t)n;
			return;
		}
		n -= left;
		c->out_head = ch->next;
		if (!c->out_head)
			c->out_tail = &c->out_head;
		release_chunk(c, ch);
	}
}

/* Gathers queued chunks into iovecs; returns the count, `*bytes` the sum. */
static int output_gather(struct nbd_conn *c, struct iovec *iov, size_t *bytes)
{
	int n = 0;

	*bytes = 0;
	for (struct out_chunk *ch = c->out_head; ch && n + 2 <= SEND_IOV_MAX; ch = ch->next) {
		uint32_t off = ch->sent;

		if (off < ch->hdr_len) {
			iov[n].iov_base = ch->hdr + off;
			iov[n++].iov_len = ch->hdr_len - off;
			off = 0;
		} else {
			off -= ch->hdr_len;
		}
		if (ch->data_len > off) {
			iov[n].iov_base = (char *)ch->data + off;
			iov[n++].iov_len = ch->data_len - off;
		}
	}
	for (int i = 0; i < n; i++)
		*bytes += iov[i].iov_len;
	return n;
}

static void conn_send(struct nbd_conn *c)
{
	struct iovec iov[SEND_IOV_MAX];

	while (c->out_head && !c->wr_armed && !c->dead) {
		size_t want;
		struct msghdr m = {.msg_iov = iov};
		ssize_t r;

		m.msg_iovlen = (size_t)output_gather(c, iov, &want);
		r = sendmsg(c->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				conn_arm_write(c);
			else
				nbd_conn_abort(c, "send failed");
			return;
		}
		output_advance(c, (size_t)r);
		if ((size_t)r < want && c->out_head) {
			conn_arm_write(c); /* socket buffer full */
			return;
		}
	}
}

/* Outside a handler (a completion from the ring, a kick): run on_flush at
 * the end of this loop turn, which sends every reply finished in the turn
 * with a single sendmsg, before the worker sleeps. */
void nbd_conn_wake(struct nbd_conn *c)
{
	if (c->in_pump || (c->wr_armed && !c->dead))
		return;
	worker_defer(c->w, &c->flush);
}

void nbd_conn_queue(struct nbd_conn *c, struct out_chunk *ch)
{
	if (c->dead) {
		release_chunk(c, ch);
	} else {
		ch->next = NULL;
		ch->sent = 0;
		*c->out_tail = ch;
		c->out_tail = &ch->next;
	}
	nbd_conn_wake(c);
}

static void free_chunk(struct nbd_conn *c, struct out_chunk *ch)
{
	free(ch);
}

void nbd_conn_queue_copy(struct nbd_conn *c, const void *hdr, uint16_t hdr_len, const void *data,
			 uint32_t len)
{
	struct out_chunk *ch = malloc(sizeof(*ch) + len);

	if (!ch || hdr_len > sizeof(ch->hdr)) {
		free(ch);
		nbd_conn_abort(c, "out of memory");
		return;
	}
	memcpy(ch->hdr, hdr, hdr_len);
	ch->hdr_len = hdr_len;
	if (len)
		memcpy(ch + 1, data, len);
	ch->data = ch + 1;
	ch->data_len = len;
	ch->release = free_chunk;
	nbd_conn_queue(c, ch);
}

/* Copies WRITE payload bytes that arrived in rbuf into the request. */
static void parse_payload(struct nbd_conn *c)
{
	struct nbd_req *r = c->payload;
	uint32_t k = r->length - r->got;

	if (k > c->rend - c->rstart)
		k = c->rend - c->rstart;
	memcpy((char *)r->buf + r->got, c->rbuf + c->rstart, k);
	r->got += k;
	c->rstart += k;
	if (r->got == r->length)
		nbd_cmd_payload_done(c);
}

/* Parses every complete message in rbuf. */
static void conn_parse(struct nbd_conn *c)
{
	while (!c->closing) {
		uint32_t avail = c->rend - c->rstart;
		long used;

		if (c->skip) {
			uint32_t k = c->skip < avail ? (uint32_t)c->skip : avail;

			c->rstart += k;
			c->skip -= k;
			if (c->skip)
				break;
			continue;
		}
		if (c->payload) {
			if (!avail)
				break;
			parse_payload(c);
			continue;
		}
		if (!avail)
			break;
		if (c->phase == PHASE_TRANSMISSION)
			used = nbd_cmd_input(c, c->rbuf + c->rstart, avail);
		else
			used = nbd_handshake_input(c, c->rbuf + c->rstart, avail);
		if (used <= 0)
			break;
		c->rstart += (uint32_t)used;
	}
	if (c->rstart == c->rend)
		c->rstart = c->rend = 0;
}

static bool input_paused(const struct nbd_conn *c)
{
	return c->phase == PHASE_TRANSMISSION && nbd_cmd_throttled(c);
}

/* One readv: the rest of a pending WRITE payload straight into its buffer,
 * then whatever follows into rbuf. Returns bytes read, 0 at EOF, -errno. */
static ssize_t conn_readv(struct nbd_conn *c, size_t *asked)
{
	struct iovec iov[2];
	int n = 0;
	ssize_t r;

	if (c->rstart && NBD_RBUF_SIZE - c->rend < NBD_RBUF_SIZE / 2) {
		memmove(c->rbuf, c->rbuf + c->rstart, c->rend - c->rstart);
		c->rend -= c->rstart;
		c->rstart = 0;
	}
	if (c->payload && c->rstart == c->rend) {
		iov[n].iov_base = (char *)c->payload->buf + c->payload->got;
		iov[n++].iov_len = c->payload->length - c->payload->got;
	}
	iov[n].iov_base = c->rbuf + c->rend;
	iov[n++].iov_len = NBD_RBUF_SIZE - c->rend;
	*asked = iov[0].iov_len + (n > 1 ? iov[1].iov_len : 0);
	do
		r = readv(c->fd, iov, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r > 0 && n == 2) {
		size_t k = (size_t)r < iov[0].iov_len ? (size_t)r : iov[0].iov_len;

		c->payload->got += (uint32_t)k;
		c->rend += (uint32_t)((size_t)r - k);
		if (c->payload->got == c->payload->length)
			nbd_cmd_payload_done(c);
	} else {
		c->rend += (uint32_t)r;
	}
	return r;
}

static void conn_read(struct nbd_conn *c)
{
	for (int round = 0; round < READ_ROUNDS; round++) {
		size_t asked;
		ssize_t r;

		if (c->closing || input_paused(c))
			return; /* nbd_conn_kick_input() resumes */
		if (c->rend == NBD_RBUF_SIZE) {
			/* Full of messages we cannot parse yet. */
			nbd_conn_abort(c, "message too large");
			return;
		}
		r = conn_readv(c, &asked);
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			break;
		if (r < 0) {
			nbd_conn_abort(c, "read failed");
			return;
		}
		if (r == 0) {
			/* End of stream: finish what is in flight; replies to a
			 * half-closed client still go out. */
			nbd_conn_close(c);
			return;
		}
		conn_parse(c);
		if ((size_t)r < asked)
			break; /* drained: the poll tells us about more */
	}
	conn_arm_read(c);
}

/* Ends a handler: parse what waited for room, send everything queued,
 * free the connection if it is finished. Must be the handler's last use
 * of `c`. */
static void pump_end(struct nbd_conn *c)
{
	nbd_conn_kick_input(c);
	conn_send(c);
	c->in_pump = false;
	conn_maybe_free(c);
}

void nbd_conn_kick_input(struct nbd_conn *c)
{
	if (c->closing || c->rd_armed || input_paused(c))
		return;
	conn_parse(c);
	if (!input_paused(c))
		conn_arm_read(c);
}

void nbd_conn_start(void *arg)
{
	struct nbd_conn *c = arg;

	c->in_pump = true;
	nbd_send_greeting(c);
	pump_end(c);
}

static void on_readable(struct uring_op *op, int res)
{
	struct nbd_conn *c = container_of(op, struct nbd_conn, rd_op);

	c->rd_armed = false;
	c->in_pump = true;
	if (!c->closing) {
		if (res < 0 && res != -ECANCELED)
			nbd_conn_abort(c, "poll failed");
		else
			conn_read(c);
	}
	pump_end(c);
}

static void on_writable(struct uring_op *op, int res)
{
	struct nbd_conn *c = container_of(op, struct nbd_conn, wr_op);

	c->wr_armed = false;
	c->in_pump = true;
	if (res < 0 && res != -ECANCELED)
		nbd_conn_abort(c, "poll failed");
	pump_end(c);
}

static void on_flush(struct worker_deferred *d)
{
	struct nbd_conn *c = container_of(d, struct nbd_conn, flush);

	c->in_pump = true;
	pump_end(c);
}

static void on_cancelled(struct uring_op *op, int res)
{
	struct nbd_conn *c = container_of(op, struct nbd_conn, cancel_op);

	c->cancel_armed = false;
	conn_maybe_free(c);
}
