/* The NBD wire protocol: constants, big-endian helpers and the pure
 * (socket-free) parsing and encoding used by the server. Facts from the
 * protocol document (NetworkBlockDevice/nbd doc/proto.md). Everything here
 * is unit tested in tests/unit/test_nbd_proto.c.
 */
#ifndef ULVM_NBD_PROTO_H
#define ULVM_NBD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- handshake ---- */
#define NBD_MAGIC      0x4e42444d41474943ull /* "NBDMAGIC" */
#define NBD_OPTS_MAGIC 0x49484156454f5054ull /* "IHAVEOPT" */
#define NBD_REP_MAGIC  0x0003e889045565a9ull

#define NBD_FLAG_FIXED_NEWSTYLE	  (1u << 0)
#define NBD_FLAG_NO_ZEROES	  (1u << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE (1u << 0)
#define NBD_FLAG_C_NO_ZEROES	  (1u << 1)

#define NBD_OPT_EXPORT_NAME	 1
#define NBD_OPT_ABORT		 2
#define NBD_OPT_LIST		 3
#define NBD_OPT_STARTTLS	 5
#define NBD_OPT_INFO		 6
#define NBD_OPT_GO		 7
#define NBD_OPT_STRUCTURED_REPLY 8

#define NBD_REP_ACK	     1u
#define NBD_REP_SERVER	     2u
#define NBD_REP_INFO	     3u
#define NBD_REP_ERR_UNSUP    0x80000001u
#define NBD_REP_ERR_POLICY   0x80000002u
#define NBD_REP_ERR_INVALID  0x80000003u
#define NBD_REP_ERR_UNKNOWN  0x80000006u
#define NBD_REP_ERR_SHUTDOWN 0x80000007u
#define NBD_REP_ERR_TOO_BIG  0x80000009u

#define NBD_INFO_EXPORT	    0
#define NBD_INFO_NAME	    1
#define NBD_INFO_BLOCK_SIZE 3

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS	   (1u << 0)
#define NBD_FLAG_READ_ONLY	   (1u << 1)
#define NBD_FLAG_SEND_FLUSH	   (1u << 2)
#define NBD_FLAG_SEND_FUA	   (1u << 3)
#define NBD_FLAG_SEND_TRIM	   (1u << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1u << 6)
#define NBD_FLAG_CAN_MULTI_CONN	   (1u << 8)

/* ---- transmission ---- */
#define NBD_REQUEST_MAGIC	   0x25609513u
#define NBD_SIMPLE_REPLY_MAGIC	   0x67446698u
#define NBD_STRUCTURED_REPLY_MAGIC 0x668e33efu

#define NBD_CMD_READ	     0
#define NBD_CMD_WRITE	     1
#define NBD_CMD_DISC	     2
#define NBD_CMD_FLUSH	     3
#define NBD_CMD_TRIM	     4
#define NBD_CMD_WRITE_ZEROES 6

#define NBD_CMD_FLAG_FUA     (1u << 0)
#define NBD_CMD_FLAG_NO_HOLE (1u << 1)

#define NBD_REPLY_FLAG_DONE	   (1u << 0)
#define NBD_REPLY_TYPE_NONE	   0
#define NBD_REPLY_TYPE_OFFSET_DATA 1
#define NBD_REPLY_TYPE_ERROR	   0x8001u

/* Error values on the wire (fixed by the protocol, not the host's errno). */
#define NBD_EPERM     1
#define NBD_EIO	      5
#define NBD_ENOMEM    12
#define NBD_EINVAL    22
#define NBD_ENOSPC    28
#define NBD_EOVERFLOW 75
#define NBD_ENOTSUP   95
#define NBD_ESHUTDOWN 108

/* ---- our limits ---- */
#define NBD_STRING_MAX 4096u				 /* longest name the protocol allows */
#define NBD_OPTION_MAX (NBD_STRING_MAX + 4 + 2 + 2 * 64) /* GO: name + 64 info requests */
#define NBD_MIN_BLOCK  512u				 /* sector: the engine's unit */
#define NBD_PREF_BLOCK 4096u				 /* page: O_DIRECT backing prefers it */
#define NBD_MAX_BLOCK  (32u << 20)			 /* largest request we accept */

#define NBD_HELLO_LEN	      18 /* NBDMAGIC, IHAVEOPT, 16-bit flags */
#define NBD_OPTION_HDR_LEN    16
#define NBD_REQUEST_LEN	      28
#define NBD_SIMPLE_REPLY_LEN  16
#define NBD_CHUNK_HDR_LEN     20
#define NBD_OPT_REPLY_HDR_LEN 20

static inline uint16_t nbd_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t nbd_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t nbd_get64(const uint8_t *p)
{
	return (uint64_t)nbd_get32(p) << 32 | nbd_get32(p + 4);
}

static inline void nbd_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void nbd_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void nbd_put64(uint8_t *p, uint64_t v)
{
	nbd_put32(p, (uint32_t)(v >> 32));
	nbd_put32(p + 4, (uint32_t)v);
}

/* One transmission request header, decoded. */
struct nbd_request {
	uint16_t flags;
	uint16_t type;
	uint64_t handle;
	uint64_t offset;
	uint32_t length;
};

/* What the export looks like to request validation. */
struct nbd_export_info {
	uint64_t size; /* bytes */
	bool read_only;
	uint32_t block_size; /* the device's logical block size, bytes */
};

/* Decodes a 28-byte request header. Returns false on bad magic (the
 * connection must then be dropped: the stream cannot be resynchronised). */
bool nbd_request_decode(const uint8_t *buf, struct nbd_request *req);

/* Checks a decoded request against the export. Returns 0 if it may be
 * carried out, else the NBD error value to reply with (NBD_EINVAL for an
 * unknown command or flag, a bad range or alignment, or a length above
 * NBD_MAX_BLOCK; NBD_ENOSPC for writes past the end; NBD_EPERM for
 * modifications of a read-only export). NBD_CMD_DISC always passes. */
uint32_t nbd_request_check(const struct nbd_request *req, const struct nbd_export_info *exp);

/* Maps a negative errno from the engine to the NBD error value. */
uint32_t nbd_errno_to_wire(int error);

/* The transmission flags we announce for an export. */
uint16_t nbd_transmission_flags(bool read_only);

/* The client flags a server can accept after announcing FIXED_NEWSTYLE and
 * NO_ZEROES; anything else must drop the connection. */
static inline bool nbd_client_flags_valid(uint32_t flags)
{
	return (flags & ~(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES)) == 0;
}

/* The data of NBD_OPT_INFO / NBD_OPT_GO. `name` points into the option
 * data (not NUL-terminated). */
struct nbd_go_option {
	const char *name;
	uint32_t name_len;
	uint16_t nr_info;
	const uint8_t *info; /* nr_info big-endian 16-bit request types */
};

/* Parses INFO/GO option data of `len` bytes. Returns 0 or NBD_REP_ERR_INVALID
 * when the lengths are inconsistent or the name has a NUL. */
uint32_t nbd_go_option_parse(const uint8_t *data, uint32_t len, struct nbd_go_option *out);

/* True when the GO/INFO request asked for info type `type`. */
bool nbd_go_option_wants(const struct nbd_go_option *go, uint16_t type);

/* Encoders. Each writes into `buf` (large enough for the stated length)
 * and returns the number of bytes written. */
size_t nbd_encode_hello(uint8_t *buf); /* NBD_HELLO_LEN */
size_t nbd_encode_opt_reply(uint8_t *buf, uint32_t option, uint32_t type,
			    uint32_t len); /* NBD_OPT_REPLY_HDR_LEN */
size_t nbd_encode_info_export(uint8_t *buf, uint64_t size, uint16_t flags);    /* 12 */
size_t nbd_encode_info_block_size(uint8_t *buf, uint32_t min_block);	       /* 14 */
size_t nbd_encode_simple_reply(uint8_t *buf, uint32_t error, uint64_t handle); /* 16 */
size_t nbd_encode_chunk(uint8_t *buf, uint16_t flags, uint16_t type, uint64_t handle,
			uint32_t len); /* NBD_CHUNK_HDR_LEN */

#endif
