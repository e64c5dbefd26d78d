#include "mda.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "crc.h"
#include "disk_io.h"
#include "util/error.h"
#include "util/le.h"

#define ALIGN 512

void mda_header_encode(const struct mda_header *h, unsigned char b[MDA_HEADER_SIZE])
{
	memset(b, 0, MDA_HEADER_SIZE);
	memcpy(b + 4, MDA_MAGIC, 16);
	put_le32(b + 20, MDA_VERSION);
	put_le64(b + 24, h->start);
	put_le64(b + 32, h->size);
	/* Slot 1 is written only when used so that slot 0 alone is followed
	 * by the terminator, as LVM leaves it after a commit. */
	for (int i = 0; i < 2; i++) {
		unsigned char *p = b + 40 + 24 * i;
		put_le64(p, h->slot[i].offset);
		put_le64(p + 8, h->slot[i].size);
		put_le32(p + 16, h->slot[i].checksum);
		put_le32(p + 20, h->slot[i].flags);
	}
	put_le32(b, lvm_crc(LVM_INITIAL_CRC, b + 4, MDA_HEADER_SIZE - 4));
}

int mda_header_decode(const unsigned char b[MDA_HEADER_SIZE], uint64_t expect_start,
		      struct mda_header *h)
{
	if (get_le32(b) != lvm_crc(LVM_INITIAL_CRC, b + 4, MDA_HEADER_SIZE - 4))
		return err_set(EINVAL, "metadata area header at %llu has a bad checksum",
			       (unsigned long long)expect_start);
	if (memcmp(b + 4, MDA_MAGIC, 16))
		return err_set(EINVAL, "metadata area header at %llu has a wrong magic",
			       (unsigned long long)expect_start);
	if (get_le32(b + 20) != MDA_VERSION)
		return err_set(EINVAL, "metadata area header at %llu has unknown version %u",
			       (unsigned long long)expect_start, get_le32(b + 20));
	memset(h, 0, sizeof(*h));
	h->start = get_le64(b + 24);
	h->size = get_le64(b + 32);
	if (h->start != expect_start)
		return err_set(EINVAL, "metadata area header at %llu says it starts at %llu",
			       (unsigned long long)expect_start, (unsigned long long)h->start);
	if (h->size < MDA_HEADER_SIZE)
		return err_set(EINVAL, "metadata area at %llu is too small (%llu bytes)",
			       (unsigned long long)expect_start, (unsigned long long)h->size);
	/* The list ends at the first zero offset; slot 1 counts only if slot 0
	 * is present. */
	for (int i = 0; i < 2; i++) {
		const unsigned char *p = b + 40 + 24 * i;
		if (!get_le64(p))
			break;
		h->slot[i].offset = get_le64(p);
		h->slot[i].size = get_le64(p + 8);
		h->slot[i].checksum = get_le32(p + 16);
		h->slot[i].flags = get_le32(p + 20);
	}
	/* An ignored mda carries its flag in slot 0 even with no text. */
	if (!h->slot[0].offset)
		h->slot[0].flags = get_le32(b + 40 + 20);
	return 0;
}

int mda_header_read(int fd, const char *dev, uint64_t start, struct mda_header *h)
{
	unsigned char b[MDA_HEADER_SIZE];
	int r = disk_read(fd, dev, b, sizeof(b), start);
	if (r < 0)
		return r;
	if ((r = mda_header_decode(b, start, h)) < 0)
		err_prefix("'%s'", dev);
	return r;
}

int mda_header_write(int fd, const char *dev, const struct mda_header *h)
{
	unsigned char b[MDA_HEADER_SIZE];
	mda_header_encode(h, b);
	return disk_write(fd, dev, b, sizeof(b), h->start);
}

int mda_init(int fd, const char *dev, uint64_t start, uint64_t size)
{
	static const unsigned char zero[4096];
	struct mda_header h = {.start = start, .size = size};
	int r = disk_write(fd, dev, zero, size < sizeof(zero) ? size : sizeof(zero), start);
	return r < 0 ? r : mda_header_write(fd, dev, &h);
}

uint64_t mda_max_text(const struct mda_header *h)
{
	uint64_t half = (h->size - MDA_HEADER_SIZE) / 2;
	return half > ALIGN ? half - ALIGN : 0;
}

/* The last byte (relative to the area) of a copy, wrap-aware. */
static uint64_t last_byte(const struct mda_header *h, uint64_t off, uint64_t len)
{
	if (off + len > h->size)
		return off + len - h->size + MDA_HEADER_SIZE - 1;
	return off + len - 1;
}

uint64_t mda_place(const struct mda_header *h, uint64_t len)
{
	const struct raw_locn *old = &h->slot[0];
	uint64_t start = MDA_HEADER_SIZE;

	if (len > mda_max_text(h)) {
		err_set(E2BIG, "metadata (%llu bytes) exceeds maximum metadata size (%llu bytes)",
			(unsigned long long)len, (unsigned long long)mda_max_text(h));
		return 0;
	}
	if (old->offset && !(old->flags & RAW_LOCN_IGNORED)) {
		uint64_t old_last = last_byte(h, old->offset, old->size);
		if (h->size - old_last >= ALIGN) {
			start = (old_last + 1 + ALIGN - 1) / ALIGN * ALIGN;
			if (start > h->size - ALIGN)
				start = MDA_HEADER_SIZE;
		}
	}
	return start;
}

/* Writes `len` bytes at `abs` followed by zeros up to the next 512 bytes,
 * in one pwritev without copying the text (100s of KiB in a big VG); a
 * short or failed one finishes (or reports) piece by piece. */
static int write_padded(int fd, const char *dev, const char *p, size_t len, uint64_t abs)
{
	static const char zeros[ALIGN];
	size_t pad = (ALIGN - (abs + len) % ALIGN) % ALIGN;
	struct iovec iov[2] = {{(void *)p, len}, {(void *)zeros, pad}};
	ssize_t n = pwritev(fd, iov, 2, (off_t)abs);
	size_t done = n > 0 ? (size_t)n : 0;
	int r = 0;

	if (done < len)
		r = disk_write(fd, dev, p + done, len - done, abs + done);
	if (r == 0 && done < len + pad) {
		size_t z = done > len ? done - len : 0;
		r = disk_write(fd, dev, zeros + z, pad - z, abs + len + z);
	}
	return r;
}

int mda_write_text(int fd, const char *dev, const struct mda_header *h, const char *text,
		   size_t len, uint32_t checksum, struct raw_locn *out)
{
	uint64_t off = mda_place(h, len);
	int r;

	if (!off) {
		err_prefix("'%s'", dev);
		return -E2BIG;
	}
	uint64_t first = off + len > h->size ? h->size - off : len;
	/* The first piece of a wrapped copy runs exactly to the area's end. */
	if (first < len)
		r = disk_write(fd, dev, text, first, h->start + off);
	else
		r = write_padded(fd, dev, text, first, h->start + off);
	if (r == 0 && first < len)
		r = write_padded(fd, dev, text + first, len - first, h->start + MDA_HEADER_SIZE);
	if (r < 0)
		return r;
	out->offset = off;
	out->size = len;
	out->checksum = checksum;
	out->flags = 0;
	return 0;
}

int mda_read_text(int fd, const char *dev, const struct mda_header *h, const struct raw_locn *rl,
		  const char *known, char **text)
{
	if (rl->offset < MDA_HEADER_SIZE || rl->offset >= h->size || !rl->size ||
	    rl->size > h->size - MDA_HEADER_SIZE)
		return err_set(EINVAL, "'%s': metadata location %llu+%llu outside the area", dev,
			       (unsigned long long)rl->offset, (unsigned long long)rl->size);
	char *buf = malloc(rl->size + 1);
	if (!buf)
		return err_set(ENOMEM, "out of memory");
	uint64_t first = rl->offset + rl->size > h->size ? h->size - rl->offset : rl->size;
	int r = disk_read(fd, dev, buf, first, h->start + rl->offset);
	if (r == 0 && first < rl->size)
		r = disk_read(fd, dev, buf + first, rl->size - first, h->start + MDA_HEADER_SIZE);
	/* The copies on a VG's PVs are byte-identical: memcmp is ~15x cheaper
	 * than the CRC of 100s of KiB, and equal bytes have equal CRCs. */
	bool same = r == 0 && known && !memcmp(known, buf, rl->size);
	if (r == 0 && !same && lvm_crc(LVM_INITIAL_CRC, buf, rl->size) != rl->checksum)
		r = err_set(EINVAL, "'%s': metadata text checksum mismatch at offset %llu", dev,
			    (unsigned long long)rl->offset);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[rl->size] = '\0';
	*text = buf;
	return 0;
}
