/* Unit tests for daemon/exports/nbd_proto.c: request decoding and
 * validation, option parsing, and the reply encoders. */
#include "exports/nbd_proto.c"

#include <stdio.h>
#include <stdlib.h>

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void make_request(uint8_t *buf, uint32_t magic, uint16_t flags, uint16_t type,
			 uint64_t handle, uint64_t offset, uint32_t length)
{
	nbd_put32(buf, magic);
	nbd_put16(buf + 4, flags);
	nbd_put16(buf + 6, type);
	nbd_put64(buf + 8, handle);
	nbd_put64(buf + 16, offset);
	nbd_put32(buf + 24, length);
}

static uint32_t check(uint16_t type, uint16_t flags, uint64_t offset, uint32_t length, bool ro)
{
	struct nbd_request rq = {.flags = flags, .type = type, .offset = offset, .length = length};
	struct nbd_export_info exp = {.size = 1 << 20, .read_only = ro};

	return nbd_request_check(&rq, &exp);
}

static void test_decode(void)
{
	uint8_t buf[NBD_REQUEST_LEN];
	struct nbd_request rq;

	make_request(buf, NBD_REQUEST_MAGIC, NBD_CMD_FLAG_FUA, NBD_CMD_WRITE, 0x1122334455667788ull,
		     4096, 512);
	CHECK(nbd_request_decode(buf, &rq));
	CHECK(rq.flags == NBD_CMD_FLAG_FUA && rq.type == NBD_CMD_WRITE);
	CHECK(rq.handle == 0x1122334455667788ull && rq.offset == 4096 && rq.length == 512);
	make_request(buf, 0x25609514, 0, NBD_CMD_READ, 1, 0, 512);
	CHECK(!nbd_request_decode(buf, &rq));
}

static void test_check(void)
{
	const uint64_t end = 1 << 20;

	CHECK(check(NBD_CMD_READ, 0, 0, 4096, false) == 0);
	CHECK(check(NBD_CMD_READ, 0, end - 512, 512, false) == 0);
	CHECK(check(NBD_CMD_READ, 0, end, 512, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_READ, 0, end - 512, 1024, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_READ, 0, UINT64_MAX - 511, 1024, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_WRITE, 0, end, 512, false) == NBD_ENOSPC);
	CHECK(check(NBD_CMD_WRITE_ZEROES, 0, end - 512, 1024, false) == NBD_ENOSPC);
	CHECK(check(NBD_CMD_TRIM, 0, end - 512, 1024, false) == NBD_EINVAL);
	/* Alignment and length. */
	CHECK(check(NBD_CMD_READ, 0, 1, 512, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_READ, 0, 0, 100, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_READ, 0, 0, 0, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_WRITE, 0, 0, NBD_MAX_BLOCK + 512, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_WRITE, 0, 0, UINT32_MAX, false) == NBD_EINVAL);
	/* Flags: FUA everywhere, NO_HOLE only on WRITE_ZEROES, nothing else. */
	CHECK(check(NBD_CMD_WRITE, NBD_CMD_FLAG_FUA, 0, 512, false) == 0);
	CHECK(check(NBD_CMD_READ, NBD_CMD_FLAG_FUA, 0, 512, false) == 0);
	CHECK(check(NBD_CMD_FLUSH, NBD_CMD_FLAG_FUA, 0, 0, false) == 0);
	CHECK(check(NBD_CMD_WRITE_ZEROES, NBD_CMD_FLAG_NO_HOLE, 0, 512, false) == 0);
	CHECK(check(NBD_CMD_WRITE, NBD_CMD_FLAG_NO_HOLE, 0, 512, false) == NBD_EINVAL);
	CHECK(check(NBD_CMD_READ, 1u << 7, 0, 512, false) == NBD_EINVAL);
	/* Commands. */
	CHECK(check(NBD_CMD_FLUSH, 0, 0, 0, false) == 0);
	CHECK(check(NBD_CMD_DISC, 0, 0, 0, false) == 0);
	CHECK(check(5 /* CACHE */, 0, 0, 512, false) == NBD_EINVAL);
	CHECK(check(77, 0, 0, 512, false) == NBD_EINVAL);
	/* Read-only exports refuse every modification with EPERM, first. */
	CHECK(check(NBD_CMD_WRITE, 0, 0, 512, true) == NBD_EPERM);
	CHECK(check(NBD_CMD_TRIM, 0, 0, 512, true) == NBD_EPERM);
	CHECK(check(NBD_CMD_WRITE_ZEROES, 0, end, 512, true) == NBD_EPERM);
	CHECK(check(NBD_CMD_READ, 0, 0, 512, true) == 0);
	CHECK(check(NBD_CMD_FLUSH, 0, 0, 0, true) == 0);
	/* Data-less commands may exceed the buffer limit. */
	CHECK(check(NBD_CMD_TRIM, 0, 0, 1 << 20, false) == 0);
}

static void test_errno(void)
{
	CHECK(nbd_errno_to_wire(0) == 0);
	CHECK(nbd_errno_to_wire(-EIO) == NBD_EIO);
	CHECK(nbd_errno_to_wire(-EROFS) == NBD_EPERM);
	CHECK(nbd_errno_to_wire(-ENODEV) == NBD_ESHUTDOWN);
	CHECK(nbd_errno_to_wire(-EDQUOT) == NBD_ENOSPC);
	CHECK(nbd_errno_to_wire(-EOPNOTSUPP) == NBD_ENOTSUP);
	CHECK(nbd_errno_to_wire(-ETIMEDOUT) == NBD_EIO);
}

static void test_flags(void)
{
	uint16_t rw = nbd_transmission_flags(false), ro = nbd_transmission_flags(true);

	CHECK(rw & NBD_FLAG_HAS_FLAGS && !(rw & NBD_FLAG_READ_ONLY));
	CHECK(rw & NBD_FLAG_SEND_TRIM && rw & NBD_FLAG_SEND_WRITE_ZEROES);
	CHECK(rw & NBD_FLAG_SEND_FLUSH && rw & NBD_FLAG_SEND_FUA && rw & NBD_FLAG_CAN_MULTI_CONN);
	CHECK(ro & NBD_FLAG_READ_ONLY && !(ro & NBD_FLAG_SEND_TRIM));
	CHECK(nbd_client_flags_valid(0) && nbd_client_flags_valid(3));
	CHECK(!nbd_client_flags_valid(4) && !nbd_client_flags_valid(0x80000001u));
}

static uint32_t go_data(uint8_t *buf, const char *name, uint32_t name_len, uint16_t nr_info)
{
	nbd_put32(buf, name_len);
	memcpy(buf + 4, name, name_len);
	nbd_put16(buf + 4 + name_len, nr_info);
	for (uint16_t i = 0; i < nr_info; i++)
		nbd_put16(buf + 6 + name_len + 2 * i, i == 0 ? NBD_INFO_BLOCK_SIZE : NBD_INFO_NAME);
	return 6 + name_len + 2u * nr_info;
}

static void test_go_option(void)
{
	uint8_t buf[64];
	struct nbd_go_option go;
	uint32_t len = go_data(buf, "lin", 3, 2);

	CHECK(nbd_go_option_parse(buf, len, &go) == 0);
	CHECK(go.name_len == 3 && !memcmp(go.name, "lin", 3) && go.nr_info == 2);
	CHECK(nbd_go_option_wants(&go, NBD_INFO_BLOCK_SIZE));
	CHECK(nbd_go_option_wants(&go, NBD_INFO_NAME));
	CHECK(!nbd_go_option_wants(&go, NBD_INFO_EXPORT));
	/* Trailing junk, short data, a name longer than the data, NUL. */
	CHECK(nbd_go_option_parse(buf, len + 1, &go) == NBD_REP_ERR_INVALID);
	CHECK(nbd_go_option_parse(buf, len - 1, &go) == NBD_REP_ERR_INVALID);
	CHECK(nbd_go_option_parse(buf, 5, &go) == NBD_REP_ERR_INVALID);
	nbd_put32(buf, 0xffffffffu);
	CHECK(nbd_go_option_parse(buf, len, &go) == NBD_REP_ERR_INVALID);
	len = go_data(buf, "a\0b", 3, 0);
	CHECK(nbd_go_option_parse(buf, len, &go) == NBD_REP_ERR_INVALID);
	len = go_data(buf, "", 0, 0);
	CHECK(nbd_go_option_parse(buf, len, &go) == 0 && go.name_len == 0);
	/* nr_info that would overflow 16 bits x 2 */
	nbd_put16(buf + 4, 0xffff);
	CHECK(nbd_go_option_parse(buf, len, &go) == NBD_REP_ERR_INVALID);
}

static void test_encoders(void)
{
	uint8_t b[64];

	CHECK(nbd_encode_hello(b) == 18 && nbd_get64(b) == NBD_MAGIC);
	CHECK(nbd_get64(b + 8) == NBD_OPTS_MAGIC && nbd_get16(b + 16) == 3);
	CHECK(nbd_encode_opt_reply(b, 7, NBD_REP_ACK, 0) == 20);
	CHECK(nbd_get64(b) == NBD_REP_MAGIC && nbd_get32(b + 8) == 7 && nbd_get32(b + 12) == 1);
	CHECK(nbd_encode_info_export(b, 1ull << 40, 0x1234) == 12);
	CHECK(nbd_get16(b) == NBD_INFO_EXPORT && nbd_get64(b + 2) == 1ull << 40);
	CHECK(nbd_get16(b + 10) == 0x1234);
	CHECK(nbd_encode_info_block_size(b, 512) == 14 && nbd_get16(b) == NBD_INFO_BLOCK_SIZE);
	CHECK(nbd_get32(b + 2) == 512 && nbd_get32(b + 6) == 4096 &&
	      nbd_get32(b + 10) == 32u << 20);
	/* A crypt device with 4096-byte sectors advertises them. */
	CHECK(nbd_encode_info_block_size(b, 4096) == 14 && nbd_get32(b + 2) == 4096);
	CHECK(nbd_encode_simple_reply(b, NBD_EIO, 42) == 16);
	CHECK(nbd_get32(b) == NBD_SIMPLE_REPLY_MAGIC && nbd_get32(b + 4) == 5 &&
	      nbd_get64(b + 8) == 42);
	CHECK(nbd_encode_chunk(b, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR, 9, 6) == 20);
	CHECK(nbd_get32(b) == NBD_STRUCTURED_REPLY_MAGIC && nbd_get16(b + 4) == 1);
	CHECK(nbd_get16(b + 6) == 0x8001 && nbd_get64(b + 8) == 9 && nbd_get32(b + 16) == 6);
}

int main(void)
{
	test_decode();
	test_check();
	test_errno();
	test_flags();
	test_go_option();
	test_encoders();
	if (failures) {
		fprintf(stderr, "test_nbd_proto: %d failures\n", failures);
		return 1;
	}
	return 0;
}
