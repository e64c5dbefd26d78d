#include "label.h"

#include <errno.h>
#include <string.h>

#include "crc.h"
#include "disk_io.h"
#include "util/error.h"
#include "util/le.h"

#define LABEL_ID   "LABELONE"
#define LABEL_TYPE "LVM2 001"
#define PVH_OFFSET 32

/* Appends a 0-terminated disk_locn list at `*off`; false if it overflows. */
static bool put_list(unsigned char *s, unsigned *off, const struct disk_locn *l, unsigned n)
{
	if (*off + 16u * (n + 1) > LABEL_SIZE)
		return false;
	for (unsigned i = 0; i < n; i++) {
		put_le64(s + *off, l[i].offset);
		put_le64(s + *off + 8, l[i].size);
		*off += 16;
	}
	*off += 16; /* terminator, already zero */
	return true;
}

int label_encode(const struct pv_label *l, unsigned char s[LABEL_SIZE])
{
	unsigned off = PVH_OFFSET + 40;

	memset(s, 0, LABEL_SIZE);
	memcpy(s, LABEL_ID, 8);
	put_le64(s + 8, l->sector);
	put_le32(s + 20, PVH_OFFSET);
	memcpy(s + 24, LABEL_TYPE, 8);
	if (strlen(l->pv_uuid) != 32)
		return err_set(EINVAL, "pv uuid '%s' is not 32 characters", l->pv_uuid);
	memcpy(s + PVH_OFFSET, l->pv_uuid, 32);
	put_le64(s + PVH_OFFSET + 32, l->dev_size);
	if (!put_list(s, &off, l->data, l->n_data) || !put_list(s, &off, l->mdas, l->n_mdas))
		return err_set(EINVAL, "too many areas for a pv label");
	if (l->has_ext) {
		if (off + 8 > LABEL_SIZE)
			return err_set(EINVAL, "no room for the pv header extension");
		put_le32(s + off, l->ext_version);
		put_le32(s + off + 4, l->ext_flags);
		off += 8;
		if (!put_list(s, &off, l->ba, l->n_ba))
			return err_set(EINVAL, "too many bootloader areas for a pv label");
	}
	put_le32(s + 16, lvm_crc(LVM_INITIAL_CRC, s + 20, LABEL_SIZE - 20));
	return 0;
}

/* Reads a 0-terminated list; false when it is not terminated in the sector. */
static bool get_list(const unsigned char *s, unsigned *off, struct disk_locn *l, unsigned *n)
{
	*n = 0;
	for (;;) {
		if (*off + 16 > LABEL_SIZE)
			return false;
		uint64_t o = get_le64(s + *off), sz = get_le64(s + *off + 8);
		*off += 16;
		if (!o)
			return true;
		if (*n == LABEL_MAX_AREAS)
			return false;
		l[*n].offset = o;
		l[*n].size = sz;
		(*n)++;
	}
}

int label_decode(const unsigned char s[LABEL_SIZE], uint64_t sector_no, struct pv_label *l)
{
	if (memcmp(s, LABEL_ID, 8) || get_le64(s + 8) != sector_no)
		return -ENOENT;
	if (get_le32(s + 16) != lvm_crc(LVM_INITIAL_CRC, s + 20, LABEL_SIZE - 20))
		return err_set(EINVAL, "label checksum incorrect in sector %llu",
			       (unsigned long long)sector_no);
	if (memcmp(s + 24, LABEL_TYPE, 8))
		return -ENOENT;
	memset(l, 0, sizeof(*l));
	l->sector = sector_no;
	unsigned off = get_le32(s + 20);
	if (off < PVH_OFFSET || off > LABEL_SIZE - 40)
		return err_set(EINVAL, "pv header offset %u out of range", off);
	memcpy(l->pv_uuid, s + off, 32);
	l->dev_size = get_le64(s + off + 32);
	off += 40;
	if (!get_list(s, &off, l->data, &l->n_data) || !get_list(s, &off, l->mdas, &l->n_mdas))
		return err_set(EINVAL, "pv header area list not terminated");
	/* The extension is used only if it fits completely. */
	unsigned ext = off;
	if (ext + 8 <= LABEL_SIZE) {
		unsigned boff = ext + 8;
		struct pv_label tmp;
		if (get_list(s, &boff, tmp.ba, &tmp.n_ba)) {
			l->has_ext = true;
			l->ext_version = get_le32(s + ext);
			l->ext_flags = get_le32(s + ext + 4);
			l->n_ba = tmp.n_ba;
			memcpy(l->ba, tmp.ba, sizeof(l->ba));
		}
	}
	return 0;
}

int label_read(int fd, const char *dev, struct pv_label *l)
{
	unsigned char buf[LABEL_SIZE * LABEL_SCAN_SECTORS];
	int r = disk_read(fd, dev, buf, sizeof(buf), 0);
	if (r < 0)
		return r;
	int damaged = 0;
	for (unsigned i = 0; i < LABEL_SCAN_SECTORS; i++) {
		r = label_decode(buf + i * LABEL_SIZE, i, l);
		if (r == 0)
			return 0;
		if (r != -ENOENT) {
			err_prefix("'%s'", dev);
			damaged = r;
		}
	}
	if (damaged)
		return damaged;
	return err_set(ENOENT, "no LVM2 label on '%s'", dev);
}

static bool holds_label(const unsigned char *s, uint64_t sector_no)
{
	return !memcmp(s, LABEL_ID, 8) && get_le64(s + 8) == sector_no;
}

int label_write(int fd, const char *dev, const struct pv_label *l)
{
	unsigned char buf[LABEL_SIZE * LABEL_SCAN_SECTORS], zero[LABEL_SIZE] = {0};
	unsigned char sector[LABEL_SIZE];
	int r;

	if (l->sector >= LABEL_SCAN_SECTORS)
		return err_set(EINVAL, "label sector %llu is beyond the scanned sectors",
			       (unsigned long long)l->sector);
	if ((r = label_encode(l, sector)) < 0 || (r = disk_read(fd, dev, buf, sizeof(buf), 0)) < 0)
		return r;
	for (unsigned i = 0; i < LABEL_SCAN_SECTORS; i++) {
		if (i != l->sector && holds_label(buf + i * LABEL_SIZE, i) &&
		    (r = disk_write(fd, dev, zero, LABEL_SIZE, i * LABEL_SIZE)) < 0)
			return r;
	}
	return disk_write(fd, dev, sector, LABEL_SIZE, l->sector * LABEL_SIZE);
}

int label_remove(int fd, const char *dev)
{
	unsigned char buf[LABEL_SIZE * LABEL_SCAN_SECTORS], zero[LABEL_SIZE] = {0};
	int r = disk_read(fd, dev, buf, sizeof(buf), 0);
	for (unsigned i = 0; r == 0 && i < LABEL_SCAN_SECTORS; i++)
		if (holds_label(buf + i * LABEL_SIZE, i))
			r = disk_write(fd, dev, zero, LABEL_SIZE, i * LABEL_SIZE);
	return r;
}
