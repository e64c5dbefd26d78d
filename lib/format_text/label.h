/* The LVM2 physical-volume label (formats.md §1).
 *
 * One 512-byte sector among sectors 0..3 (LVM writes sector 1), all
 * integers little endian:
 *
 *   0  char  id[8]        "LABELONE"
 *   8  u64   sector_xl    number of this sector
 *  16  u32   crc_xl       LVM CRC of bytes 20..511
 *  20  u32   offset_xl    offset of pv_header in this sector (32)
 *  24  char  type[8]      "LVM2 001"
 *  32  pv_header:
 *        char pv_uuid[32]           no dashes, no NUL
 *        u64  device_size_xl        bytes
 *        disk_locn data_areas[]     {u64 offset, u64 size} bytes, 0-terminated
 *        disk_locn metadata_areas[] likewise
 *      pv_header_extension (if it fits):
 *        u32 version (2), u32 flags (bit 0 PV_EXT_USED)
 *        disk_locn bootloader_areas[] 0-terminated
 *
 * A list ends at the first entry whose offset is 0. */
#ifndef ULVM_FORMAT_TEXT_LABEL_H
#define ULVM_FORMAT_TEXT_LABEL_H

#include <stdbool.h>
#include <stdint.h>

#define LABEL_SIZE	     512
#define LABEL_SCAN_SECTORS   4
#define LABEL_DEFAULT_SECTOR 1
#define PV_EXT_USED	     0x1u
#define PV_EXT_VERSION	     2u
#define LABEL_MAX_AREAS	     4 /* more than LVM ever writes in one list */

struct disk_locn {
	uint64_t offset; /* bytes from the start of the device */
	uint64_t size;	 /* bytes; 0 for a data area means "to the end" */
};

struct pv_label {
	uint64_t sector;   /* sector the label lives in (normally 1) */
	char pv_uuid[33];  /* 32 characters and a NUL */
	uint64_t dev_size; /* bytes */
	unsigned n_data, n_mdas, n_ba;
	struct disk_locn data[LABEL_MAX_AREAS];
	struct disk_locn mdas[LABEL_MAX_AREAS];
	struct disk_locn ba[LABEL_MAX_AREAS];
	bool has_ext; /* an extension was found / is to be written */
	uint32_t ext_version, ext_flags;
};

/* Builds the 512-byte label sector for `l` (zero-filled, CRC last).
 * Returns -EINVAL with a message if the lists do not fit. */
int label_encode(const struct pv_label *l, unsigned char sector[LABEL_SIZE]);
/* Decodes one sector read from sector number `sector_no`. Returns 0,
 * -ENOENT when it holds no LVM2 label (no message), or -EINVAL with a
 * message when a label is there but damaged (bad CRC, bad lists). */
int label_decode(const unsigned char sector[LABEL_SIZE], uint64_t sector_no, struct pv_label *l);
/* Scans sectors 0..3 of `fd`; the first valid label wins. Returns 0,
 * -ENOENT (no label; message "no LVM2 label on 'dev'"), or another error. */
int label_read(int fd, const char *dev, struct pv_label *l);
/* Writes the label at l->sector and zeroes any other LVM2 label found in
 * sectors 0..3, so exactly one remains. Does not sync. */
int label_write(int fd, const char *dev, const struct pv_label *l);
/* Zeroes every sector 0..3 that holds an LVM2 label (pvremove). */
int label_remove(int fd, const char *dev);

#endif
