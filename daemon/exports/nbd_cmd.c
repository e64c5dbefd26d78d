/* The transmission phase: NBD requests become `struct io`s submitted to the
 * mapped device on the connection's worker; their completions become
 * replies queued on the connection.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "exports/nbd_int.h"

#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

bool nbd_cmd_throttled(const struct nbd_conn *c)
{
	return c->inflight >= NBD_MAX_INFLIGHT || c->inflight_bytes >= NBD_MAX_INFLIGHT_BYTES;
}

static bool has_data(uint16_t type)
{
	return type == NBD_CMD_READ || type == NBD_CMD_WRITE;
}

static void req_release(struct nbd_conn *c, struct out_chunk *ch)
{
	struct nbd_req *r = container_of(ch, struct nbd_req, out);

	if (r->buf) {
		nbd_buf_put(r->buf, r->buf_cap);
		r->buf = NULL;
	}
	if (has_data(r->type))
		c->inflight_bytes -= r->length;
	c->inflight--;
	r->next_free = c->free_reqs;
	c->free_reqs = r;
}

/* A request slot, counted in flight until its reply is sent (or dropped),
 * so that throttling bounds memory as well as queue depth. */
static struct nbd_req *req_get(struct nbd_conn *c, const struct nbd_request *rq)
{
	struct nbd_req *r = c->free_reqs;

	if (r)
		c->free_reqs = r->next_free;
	else if (!(r = calloc(1, sizeof(*r))))
		return NULL;
	r->conn = c;
	r->handle = rq->handle;
	r->offset = rq->offset;
	r->length = rq->length;
	r->type = rq->type;
	r->flags = rq->flags;
	r->got = 0;
	r->buf = NULL;
	r->out.release = req_release;
	r->out.data = NULL;
	r->out.data_len = 0;
	c->inflight++;
	if (has_data(r->type))
		c->inflight_bytes += r->length;
	return r;
}

void nbd_cmd_release_all(struct nbd_conn *c)
{
	while (c->free_reqs) {
		struct nbd_req *r = c->free_reqs;

		c->free_reqs = r->next_free;
		free(r);
	}
}

/* Writes the reply header for a request into `hdr`; returns its length.
 * Reads get a structured reply when negotiated (the data as one
 * OFFSET_DATA chunk, or one ERROR chunk); everything else, and reads
 * without structured replies, gets a simple reply. */
static uint16_t encode_reply(const struct nbd_conn *c, uint16_t type, uint64_t handle,
			     uint64_t offset, uint32_t length, uint32_t error, uint8_t *hdr)
{
	if (!c->structured || type != NBD_CMD_READ)
		return (uint16_t)nbd_encode_simple_reply(hdr, error, handle);
	if (error) {
		nbd_encode_chunk(hdr, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR, handle, 6);
		nbd_put32(hdr + NBD_CHUNK_HDR_LEN, error);
		nbd_put16(hdr + NBD_CHUNK_HDR_LEN + 4, 0);
		return NBD_CHUNK_HDR_LEN + 6;
	}
	nbd_encode_chunk(hdr, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_OFFSET_DATA, handle, 8 + length);
	nbd_put64(hdr + NBD_CHUNK_HDR_LEN, offset);
	return NBD_CHUNK_HDR_LEN + 8;
}

/* Replies at once to a request that is not carried out. */
static void reply_error(struct nbd_conn *c, const struct nbd_request *rq, uint32_t error)
{
	uint8_t hdr[32];
	uint16_t n = encode_reply(c, rq->type, rq->handle, rq->offset, rq->length, error, hdr);

	nbd_conn_queue_copy(c, hdr, n, NULL, 0);
}

static void req_end_io(struct io *io, int error)
{
	struct nbd_req *r = io->private;
	struct nbd_conn *c = r->conn;
	uint32_t werr = nbd_errno_to_wire(error);

	r->out.hdr_len =
	    encode_reply(c, r->type, r->handle, r->offset, r->length, werr, r->out.hdr);
	if (r->type == NBD_CMD_READ && !werr) {
		r->out.data = r->buf;
		r->out.data_len = r->length;
	}
	nbd_conn_queue(c, &r->out);
	/* The device is gone (forced removal): answer what is in flight
	 * with ESHUTDOWN, which tells the client to disconnect, and close. */
	if (error == -ENODEV || error == -ESHUTDOWN)
		nbd_conn_close(c);
}

static enum io_op io_op_of(uint16_t type)
{
	switch (type) {
	case NBD_CMD_READ:
		return IO_READ;
	case NBD_CMD_WRITE:
		return IO_WRITE;
	case NBD_CMD_FLUSH:
		return IO_FLUSH;
	case NBD_CMD_TRIM:
		return IO_DISCARD;
	default:
		return IO_WRITE_ZEROES;
	}
}

static void req_submit(struct nbd_conn *c, struct nbd_req *r)
{
	struct io *io = &r->io;
	bool flush = r->type == NBD_CMD_FLUSH;

	*io = (struct io){
	    .op = io_op_of(r->type),
	    .sector = flush ? 0 : r->offset >> SECTOR_SHIFT,
	    .nr_sectors = flush ? 0 : r->length >> SECTOR_SHIFT,
	    .data = r->buf,
	    .end_io = req_end_io,
	    .private = r,
	};
	/* FUA only means something for commands that write. */
	if ((r->flags & NBD_CMD_FLAG_FUA) && r->type != NBD_CMD_READ && !flush)
		io->flags = IO_FUA;
	md_submit(c->md, io);
}

void nbd_cmd_payload_done(struct nbd_conn *c)
{
	struct nbd_req *r = c->payload;

	c->payload = NULL;
	req_submit(c, r);
}

/* A request we will not carry out: reply, and drop its payload if any. */
static long refuse(struct nbd_conn *c, const struct nbd_request *rq, uint32_t error)
{
	reply_error(c, rq, error);
	if (rq->type == NBD_CMD_WRITE)
		c->skip = rq->length;
	return NBD_REQUEST_LEN;
}

long nbd_cmd_input(struct nbd_conn *c, const uint8_t *p, uint32_t avail)
{
	struct nbd_request rq;
	struct nbd_req *r;
	uint32_t error;

	if (avail < NBD_REQUEST_LEN || nbd_cmd_throttled(c))
		return 0;
	if (!nbd_request_decode(p, &rq)) {
		nbd_conn_abort(c, "bad request magic");
		return -1;
	}
	if (rq.type == NBD_CMD_DISC) {
		nbd_conn_close(c);
		return NBD_REQUEST_LEN;
	}
	error = nbd_request_check(&rq, &c->exp);
	if (error)
		return refuse(c, &rq, error);
	r = req_get(c, &rq);
	if (!r)
		return refuse(c, &rq, NBD_ENOMEM);
	if (has_data(rq.type)) {
		r->buf = nbd_buf_get(rq.length, &r->buf_cap);
		if (!r->buf) {
			req_release(c, &r->out);
			return refuse(c, &rq, NBD_ENOMEM);
		}
	}
	if (rq.type == NBD_CMD_WRITE)
		c->payload = r; /* submitted once its data is in */
	else
		req_submit(c, r);
	return NBD_REQUEST_LEN;
}
