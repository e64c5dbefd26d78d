/* Pure NBD protocol helpers: no sockets, no engine, unit tested. */
#include <errno.h>
#include <string.h>

#include "exports/nbd_proto.h"

bool nbd_request_decode(const uint8_t *buf, struct nbd_request *req)
{
	if (nbd_get32(buf) != NBD_REQUEST_MAGIC)
		return false;
	req->flags = nbd_get16(buf + 4);
	req->type = nbd_get16(buf + 6);
	req->handle = nbd_get64(buf + 8);
	req->offset = nbd_get64(buf + 16);
	req->length = nbd_get32(buf + 24);
	return true;
}

static bool request_writes(uint16_t type)
{
	return type == NBD_CMD_WRITE || type == NBD_CMD_TRIM || type == NBD_CMD_WRITE_ZEROES;
}

/* FUA is accepted on every command, as the protocol demands once
 * SEND_FUA is announced; NO_HOLE only makes sense for WRITE_ZEROES (we
 * always allocate, so it needs no action). */
static uint16_t allowed_flags(uint16_t type)
{
	if (type == NBD_CMD_WRITE_ZEROES)
		return NBD_CMD_FLAG_FUA | NBD_CMD_FLAG_NO_HOLE;
	return NBD_CMD_FLAG_FUA;
}

uint32_t nbd_request_check(const struct nbd_request *req, const struct nbd_export_info *exp)
{
	switch (req->type) {
	case NBD_CMD_DISC:
	case NBD_CMD_FLUSH:
		return req->flags & ~allowed_flags(req->type) ? NBD_EINVAL : 0;
	case NBD_CMD_READ:
	case NBD_CMD_WRITE:
	case NBD_CMD_TRIM:
	case NBD_CMD_WRITE_ZEROES:
		break;
	default:
		return NBD_EINVAL;
	}
	if (req->flags & ~allowed_flags(req->type))
		return NBD_EINVAL;
	if (exp->read_only && request_writes(req->type))
		return NBD_EPERM;
	if (req->length == 0 || (req->offset | req->length) % NBD_MIN_BLOCK)
		return NBD_EINVAL;
	/* Data-less commands may be longer than a buffer we would allocate. */
	if ((req->type == NBD_CMD_READ || req->type == NBD_CMD_WRITE) &&
	    req->length > NBD_MAX_BLOCK)
		return NBD_EINVAL;
	if (req->offset > exp->size || req->length > exp->size - req->offset) {
		/* The protocol asks for ENOSPC on writes past the end. */
		if (req->type == NBD_CMD_WRITE || req->type == NBD_CMD_WRITE_ZEROES)
			return NBD_ENOSPC;
		return NBD_EINVAL;
	}
	return 0;
}

uint32_t nbd_errno_to_wire(int error)
{
	switch (error < 0 ? -error : error) {
	case 0:
		return 0;
	case EPERM:
	case EROFS:
	case EACCES:
		return NBD_EPERM;
	case ENOMEM:
		return NBD_ENOMEM;
	case EINVAL:
		return NBD_EINVAL;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return NBD_ENOSPC;
	case EOVERFLOW:
		return NBD_EOVERFLOW;
	case EOPNOTSUPP:
		return NBD_ENOTSUP;
	case ESHUTDOWN:
	case ENODEV:
		return NBD_ESHUTDOWN;
	default:
		return NBD_EIO;
	}
}

/* CAN_MULTI_CONN is safe: ulvmd keeps no per-connection cache. Every
 * connection to a device submits into the same mapped device, a write is
 * acknowledged only after its backing write completed, and a flush goes
 * down to the backing files (fdatasync), covering every completed write
 * whichever connection issued it. So a flush or FUA reply on one
 * connection makes all writes already acknowledged anywhere stable. */
uint16_t nbd_transmission_flags(bool read_only)
{
	uint16_t flags =
	    NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA | NBD_FLAG_CAN_MULTI_CONN;

	if (read_only)
		flags |= NBD_FLAG_READ_ONLY;
	else
		flags |= NBD_FLAG_SEND_TRIM | NBD_FLAG_SEND_WRITE_ZEROES;
	return flags;
}

uint32_t nbd_go_option_parse(const uint8_t *data, uint32_t len, struct nbd_go_option *out)
{
	uint32_t name_len;

	if (len < 6)
		return NBD_REP_ERR_INVALID;
	name_len = nbd_get32(data);
	if (name_len > NBD_STRING_MAX || name_len > len - 6)
		return NBD_REP_ERR_INVALID;
	out->name = (const char *)data + 4;
	out->name_len = name_len;
	out->nr_info = nbd_get16(data + 4 + name_len);
	out->info = data + 6 + name_len;
	if ((uint64_t)len != 6ull + name_len + 2ull * out->nr_info)
		return NBD_REP_ERR_INVALID;
	if (memchr(out->name, '\0', name_len))
		return NBD_REP_ERR_INVALID;
	return 0;
}

bool nbd_go_option_wants(const struct nbd_go_option *go, uint16_t type)
{
	for (uint16_t i = 0; i < go->nr_info; i++)
		if (nbd_get16(go->info + 2 * i) == type)
			return true;
	return false;
}

size_t nbd_encode_hello(uint8_t *buf)
{
	nbd_put64(buf, NBD_MAGIC);
	nbd_put64(buf + 8, NBD_OPTS_MAGIC);
	nbd_put16(buf + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
	return NBD_HELLO_LEN;
}

size_t nbd_encode_opt_reply(uint8_t *buf, uint32_t option, uint32_t type, uint32_t len)
{
	nbd_put64(buf, NBD_REP_MAGIC);
	nbd_put32(buf + 8, option);
	nbd_put32(buf + 12, type);
	nbd_put32(buf + 16, len);
	return NBD_OPT_REPLY_HDR_LEN;
}

size_t nbd_encode_info_export(uint8_t *buf, uint64_t size, uint16_t flags)
{
	nbd_put16(buf, NBD_INFO_EXPORT);
	nbd_put64(buf + 2, size);
	nbd_put16(buf + 10, flags);
	return 12;
}

size_t nbd_encode_info_block_size(uint8_t *buf, uint32_t min_block)
{
	/* The device's logical block size (crypt with 4096-byte sectors) is
	 * the minimum we advertise; smaller aligned requests still work. */
	uint32_t min = min_block > NBD_MIN_BLOCK ? min_block : NBD_MIN_BLOCK;

	nbd_put16(buf, NBD_INFO_BLOCK_SIZE);
	nbd_put32(buf + 2, min);
	nbd_put32(buf + 6, min > NBD_PREF_BLOCK ? min : NBD_PREF_BLOCK);
	nbd_put32(buf + 10, NBD_MAX_BLOCK);
	return 14;
}

size_t nbd_encode_simple_reply(uint8_t *buf, uint32_t error, uint64_t handle)
{
	nbd_put32(buf, NBD_SIMPLE_REPLY_MAGIC);
	nbd_put32(buf + 4, error);
	nbd_put64(buf + 8, handle);
	return NBD_SIMPLE_REPLY_LEN;
}

size_t nbd_encode_chunk(uint8_t *buf, uint16_t flags, uint16_t type, uint64_t handle, uint32_t len)
{
	nbd_put32(buf, NBD_STRUCTURED_REPLY_MAGIC);
	nbd_put16(buf + 4, flags);
	nbd_put16(buf + 6, type);
	nbd_put64(buf + 8, handle);
	nbd_put32(buf + 16, len);
	return NBD_CHUNK_HDR_LEN;
}
