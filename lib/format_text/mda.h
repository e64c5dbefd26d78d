/* An LVM2 metadata area (formats.md §2): a 512-byte header followed by a
 * circular buffer of metadata text.
 *
 * mda_header (first sector of the area, little endian):
 *   0  u32  checksum_xl   LVM CRC of bytes 4..511
 *   4  char magic[16]     " LVM2 x[5A%r0N*>"
 *  20  u32  version       1
 *  24  u64  start         absolute byte offset of this header
 *  32  u64  size          bytes of the whole area, header included
 *  40  raw_locn[]         {u64 offset, u64 size, u32 checksum, u32 flags},
 *                         terminated by offset 0. Slot 0 = committed text,
 *                         slot 1 = precommitted text (zero otherwise).
 *
 * raw_locn.offset is relative to the area start (>= 512); size counts the
 * text's terminating NUL; checksum covers those bytes across the wrap. */
#ifndef ULVM_FORMAT_TEXT_MDA_H
#define ULVM_FORMAT_TEXT_MDA_H

#include <stddef.h>
#include <stdint.h>

#define MDA_HEADER_SIZE	 512
#define MDA_MAGIC	 " LVM2 x[5A%r0N*>"
#define MDA_VERSION	 1
#define RAW_LOCN_IGNORED 0x1u

struct raw_locn {
	uint64_t offset;
	uint64_t size;
	uint32_t checksum;
	uint32_t flags;
};

struct mda_header {
	uint64_t start; /* absolute byte offset of the area */
	uint64_t size;	/* bytes, header included */
	struct raw_locn slot[2];
};

void mda_header_encode(const struct mda_header *h, unsigned char buf[MDA_HEADER_SIZE]);
/* Checks CRC, magic, version, that start == `expect_start` and size >= 512.
 * Returns 0 or -EINVAL with a message. */
int mda_header_decode(const unsigned char buf[MDA_HEADER_SIZE], uint64_t expect_start,
		      struct mda_header *h);
int mda_header_read(int fd, const char *dev, uint64_t start, struct mda_header *h);
int mda_header_write(int fd, const char *dev, const struct mda_header *h);
/* A new, empty area (pvcreate): zeroes its first 4 KiB (or all of it when
 * smaller) and writes a header with empty slots. */
int mda_init(int fd, const char *dev, uint64_t start, uint64_t size);

/* The largest text (NUL included) the area can hold beside an old copy. */
uint64_t mda_max_text(const struct mda_header *h);
/* Where the next copy of `len` bytes goes given the committed slot 0 (LVM's
 * placement: after the old copy, rounded up to 512, back to 512 near the
 * end). Returns the offset relative to the area, or 0 with -E2BIG set as a
 * message when the copy would not fit beside the old one. */
uint64_t mda_place(const struct mda_header *h, uint64_t len);
/* Writes `len` bytes of text (its NUL included) into the circular buffer at
 * mda_place(), zero-padding each piece to 512 bytes; fills `out` with the
 * location and `checksum`, the caller's lvm_crc of the text (computed once
 * for all the copies of a commit). No header is touched (commit protocol
 * step 1). */
int mda_write_text(int fd, const char *dev, const struct mda_header *h, const char *text,
		   size_t len, uint32_t checksum, struct raw_locn *out);
/* Reads the text a raw_locn points at (wrap-aware) into a malloc'd buffer
 * the caller frees; checks its checksum. `known`, when not NULL, is a text
 * already checked against rl's size and checksum (another PV's copy): the
 * same bytes need no CRC. Returns 0 or -EINVAL ("checksum mismatch") /
 * -EIO with a message. */
int mda_read_text(int fd, const char *dev, const struct mda_header *h, const struct raw_locn *rl,
		  const char *known, char **text);

#endif
