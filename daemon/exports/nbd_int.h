/* Internals of the NBD server shared by its files:
 *
 *   nbd.c            listener thread, connection registry, start/stop
 *   nbd_conn.c       one connection: socket pump (read, send), teardown
 *   nbd_handshake.c  fixed newstyle option haggling
 *   nbd_cmd.c        transmission: requests -> struct io -> replies
 *   nbd_buf.c        per-worker pool of page-aligned data buffers
 *   nbd_proto.c      pure wire parsing/encoding (unit tested)
 *
 * Threading: a connection belongs to one worker from its first byte to its
 * end. Its socket readiness, its ios and their completions all run on that
 * worker's thread, so nothing in a connection is locked. Only the
 * registry (nbd.c) is shared with the listener and nbd_server_stop().
 */
#ifndef ULVM_NBD_INT_H
#define ULVM_NBD_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/device.h"
#include "engine/worker.h"
#include "exports/nbd_proto.h"
#include "ulvm/io.h"

struct nbd_conn;

/* One piece of output: a small inline header followed by optional data
 * that someone else owns until `release` runs (after the last byte went
 * out, or when the connection dies). */
struct out_chunk {
	struct out_chunk *next;
	const void *data;
	uint32_t data_len;
	uint32_t sent; /* bytes of hdr + data already written */
	uint16_t hdr_len;
	uint8_t hdr[32];
	void (*release)(struct nbd_conn *c, struct out_chunk *ch);
};

/* One transmission request, from header to reply. Recycled through the
 * connection's free list. */
struct nbd_req {
	struct io io; /* io.private is the req */
	struct nbd_conn *conn;
	struct out_chunk out;
	struct nbd_req *next_free;
	uint64_t handle;
	uint64_t offset;
	uint32_t length;
	uint16_t type;
	uint16_t flags;
	void *buf; /* pool buffer for READ/WRITE data */
	uint32_t buf_cap;
	uint32_t got; /* WRITE payload bytes received so far */
};

enum nbd_phase {
	PHASE_CLIENT_FLAGS, /* waiting for the 32-bit client flags */
	PHASE_OPTIONS,	    /* option haggling */
	PHASE_TRANSMISSION,
};

/* Bounds that keep one client from starving the others or the memory. */
#define NBD_RBUF_SIZE	       (256u << 10)
#define NBD_MAX_INFLIGHT       256u /* requests submitted and not replied */
#define NBD_MAX_INFLIGHT_BYTES (128u << 20)

struct nbd_conn {
	int fd;
	struct worker *w;
	enum nbd_phase phase;
	bool no_zeroes;	 /* client asked for NBD_FLAG_C_NO_ZEROES */
	bool structured; /* NBD_OPT_STRUCTURED_REPLY acknowledged */

	/* Ring operations in flight; the conn outlives all of them, and its
	 * end-of-turn flush (queued while flush.queued). */
	struct uring_op rd_op, wr_op, cancel_op;
	bool rd_armed, wr_armed, cancel_armed;
	struct worker_deferred flush;
	bool in_pump; /* inside a read/flush handler: it sends at its end */

	/* Input: bytes [rstart, rend) of rbuf are unparsed. */
	uint8_t *rbuf;
	uint32_t rstart, rend;
	struct nbd_req *payload; /* WRITE whose data is still arriving */
	uint64_t skip;		 /* payload bytes to read and drop */

	/* Output queue, sent in order with one sendmsg per turn. */
	struct out_chunk *out_head, **out_tail;

	/* Transmission state. */
	struct mapped_device *md; /* referenced, and opened when `opened` */
	struct md_opener opener;
	bool opened;
	struct nbd_export_info exp;
	unsigned inflight;
	uint64_t inflight_bytes;
	struct nbd_req *free_reqs;

	/* Ending: `closing` = read nothing more, finish in-flight work, send
	 * what is queued, then free; `dead` = the socket failed, drop output. */
	bool closing, dead;
	/* Kicks posted by a removing thread and not yet run: the conn's memory
	 * stays until they have (`freeing` = everything else is released). */
	atomic_uint kicks;
	bool freeing;

	struct nbd_conn *reg_next, *reg_prev; /* registry, under its lock */
};

/* ---- nbd.c: registry ---- */
void nbd_registry_remove(struct nbd_conn *c);

/* ---- nbd_conn.c ---- */
/* Takes ownership of a connected non-blocking socket; on the conn's
 * worker, sends the greeting and starts reading. */
struct nbd_conn *nbd_conn_new(int fd);
void nbd_conn_start(void *conn);
/* Queues a chunk; it goes out at the end of the current handler or on the
 * next loop turn. */
void nbd_conn_queue(struct nbd_conn *c, struct out_chunk *ch);
/* Queues a heap chunk with `hdr_len` bytes of header and `len` bytes copied
 * from `data`; freed once sent. */
void nbd_conn_queue_copy(struct nbd_conn *c, const void *hdr, uint16_t hdr_len, const void *data,
			 uint32_t len);
/* Stops reading, lets in-flight work finish and queued output drain, then
 * closes. Idempotent. */
void nbd_conn_close(struct nbd_conn *c);
/* Hard stop: the socket failed or the client broke the protocol. */
void nbd_conn_abort(struct nbd_conn *c, const char *why);
/* Makes sure a handler runs on the next loop turn (to send, or to free a
 * finished connection) when called from outside one. */
void nbd_conn_wake(struct nbd_conn *c);
/* Called when an io completed or input was waiting for room: resumes a
 * paused reader and frees a finished connection. */
void nbd_conn_kick_input(struct nbd_conn *c);
/* md_opener kick: the device is being removed by force. */
void nbd_conn_kick(struct md_opener *o);

/* ---- nbd_handshake.c ---- */
/* Parses what it can of [rstart, rend) in the handshake phases. Returns
 * the bytes consumed, or -1 after aborting/closing the conn. */
long nbd_handshake_input(struct nbd_conn *c, const uint8_t *p, uint32_t avail);
void nbd_send_greeting(struct nbd_conn *c);

/* ---- nbd_cmd.c ---- */
/* Parses requests from p[0..avail) in transmission phase. Returns the bytes
 * consumed (less than avail when it needs more or must pause), or -1 after
 * aborting the conn. */
long nbd_cmd_input(struct nbd_conn *c, const uint8_t *p, uint32_t avail);
/* The payload of c->payload is complete: submit it. */
void nbd_cmd_payload_done(struct nbd_conn *c);
/* True when no more requests should be parsed until some complete. */
bool nbd_cmd_throttled(const struct nbd_conn *c);
void nbd_cmd_release_all(struct nbd_conn *c);

/* ---- nbd_buf.c: per-thread pool of page-aligned buffers ---- */
/* Returns a buffer of at least `len` bytes (4096-aligned), NULL when out of
 * memory; `*cap` receives its real size for nbd_buf_put(). */
void *nbd_buf_get(uint32_t len, uint32_t *cap);
void nbd_buf_put(void *buf, uint32_t cap);

#endif
