/* The FUSE-over-io_uring protocol, as the kernel defines it in
 * include/uapi/linux/fuse.h (protocol 7.42, Linux 6.14; unchanged through
 * 6.18). The system headers (Debian bookworm, protocol 7.38) predate it,
 * so the few names ulvmd uses are spelled out here. */
#ifndef ULVM_EXPORTS_FUSE_URING_ABI_H
#define ULVM_EXPORTS_FUSE_URING_ABI_H

#include <stdint.h>

/* INIT flag (bit 41: flags2 bit 9): the kernel offers it when the fuse
 * module's enable_uring is set; a server sets it in its reply to take
 * requests on io_uring. */
#define FX_FUSE_OVER_IO_URING (1ull << 41)

#define FX_URING_IN_OUT_HEADER_SZ 128
#define FX_URING_OP_IN_OUT_SZ	  128

/* Both directions: the kernel sets commit_id and payload_sz (bytes in
 * the payload buffer) with a request, the server payload_sz with a reply. */
struct fx_uring_ent_in_out {
	uint64_t flags;
	uint64_t commit_id;
	uint32_t payload_sz;
	uint32_t padding;
	uint64_t reserved;
};

/* The first of an entry's two buffers: fuse_in_header (request) or
 * fuse_out_header (reply) in in_out, the opcode's fixed-size argument
 * (fuse_read_in...) in op_in. The second buffer holds every other
 * argument: a write's data, a read reply's data, a name. */
struct fx_uring_req_header {
	char in_out[FX_URING_IN_OUT_HEADER_SZ];
	char op_in[FX_URING_OP_IN_OUT_SZ];
	struct fx_uring_ent_in_out ring_ent_in_out;
};

/* IORING_OP_URING_CMD on /dev/fuse, sqe->cmd_op. */
enum {
	FX_IO_URING_CMD_REGISTER = 1,
	FX_IO_URING_CMD_COMMIT_AND_FETCH = 2,
};

/* In the SQE's command area (a 128-byte SQE ring is required). */
struct fx_uring_cmd_req {
	uint64_t flags;
	uint64_t commit_id;
	uint16_t qid;
	uint8_t padding[6];
};

#endif
