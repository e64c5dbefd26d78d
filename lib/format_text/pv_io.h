/* One PV on disk: formatting a device as a PV (pvcreate) and reading what
 * its label and metadata areas hold. */
#ifndef ULVM_FORMAT_TEXT_PV_IO_H
#define ULVM_FORMAT_TEXT_PV_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "format_text/label.h"
#include "format_text/mda.h"

/* LVM2 defaults with 4 KiB pages (formats.md §2.4). */
#define PV_DEFAULT_MDA_START 4096u
#define PV_DEFAULT_PE_START  2048u /* sectors: 1 MiB */
#define PV_MDA_SIZE_MIN	     (8u * 4096u)

struct pv_format_opts {
	const char *uuid;    /* 32 chars, or NULL for a new random one */
	uint64_t pe_start;   /* sectors; 0 = default */
	uint64_t mda_size;   /* bytes of mda1; 0 = up to pe_start */
	unsigned mda_copies; /* 0, 1 (default when unset through -1) or 2 */
	bool set_mda_copies; /* use mda_copies even when 0 */
};

/* Writes a fresh label and metadata area(s) on `fd` (an orphan PV: no VG
 * text, extension flags 0) and fills `out` with the label written. The
 * caller checked that the device may be overwritten. Syncs. */
int pv_format(int fd, const char *dev, const struct pv_format_opts *opts, struct pv_label *out);

/* What one metadata area of a device holds. */
struct mda_copy {
	bool header_ok; /* header read and checked */
	struct mda_header hdr;
	bool has_text;	  /* slot 0 points at text whose checksum matched */
	char *text;	  /* malloc'd, NUL-terminated; caller frees */
	char vgname[128]; /* first word of the text */
	uint32_t seqno;
};

/* Reads the header and committed text of mda `i` of `l`. Never fails:
 * problems are left in the flags and reported through format_text_warn. */
void mda_copy_read(int fd, const char *dev, const struct pv_label *l, unsigned i,
		   struct mda_copy *c);
/* The same, `like` (NULL or a copy read before, usually from another PV of
 * the VG) sparing the CRC when the text is the same: a command reads the
 * text from every PV. */
void mda_copy_read_like(int fd, const char *dev, const struct pv_label *l, unsigned i,
			const struct mda_copy *like, struct mda_copy *c);

/* Asks the kernel to read the text of mda `i` in the background (posix_fadvise
 * WILLNEED), so that the reads of several devices overlap; reads only the
 * mda header. Problems are left for mda_copy_read to report. */
void mda_text_prefetch(int fd, const struct pv_label *l, unsigned i);

/* Where warnings go (default: stderr, "  WARNING: ...\n" as LVM prints). */
extern void (*format_text_warn)(const char *msg);
void format_text_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
