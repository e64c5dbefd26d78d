/* pvck --dump headers|metadata|metadata_all|metadata_search: the label,
 * pv_header, mda headers and metadata text of one PV, printed line for
 * line as LVM2 2.03.16's pvck prints them (same "CHECK:" lines for damaged
 * fields, same exit status). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format_text/crc.h"
#include "format_text/disk_io.h"
#include "format_text/label.h"
#include "format_text/mda.h"
#include "lvm.h"
#include "pvck.h"
#include "util/strbuf.h"

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* LVM prints all `n` characters of a fixed-size field, '?' for each one
 * that is not printable. */
static const char *chars(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = isprint(p[i]) ? (char)p[i] : '?';
	out[n] = 0;
	return out;
}

struct mda_loc {
	uint64_t offset, size;
};

/* Label and pv_header of sector 1. Returns the number of problems; fills
 * the metadata areas found (at most 2). */
static int dump_label(int fd, const char *dev, bool print, struct mda_loc mdas[2], int *n_mdas)
{
	unsigned char s[LABEL_SIZE];
	char str[64];
	uint64_t lh_off = 512;
	int bad = 0;

	*n_mdas = 0;
	if (disk_read(fd, dev, s, sizeof(s), lh_off) < 0) {
		lvm_print("CHECK: failed to read label_header at %llu", (unsigned long long)lh_off);
		return 1;
	}
	uint32_t crc = lvm_crc(LVM_INITIAL_CRC, s + 20, LABEL_SIZE - 20);
	if (print) {
		lvm_print("label_header at %llu", (unsigned long long)lh_off);
		lvm_print("label_header.id %s", chars(s, 8, str));
		lvm_print("label_header.sector %llu", (unsigned long long)get64(s + 8));
		lvm_print("label_header.crc 0x%x", get32(s + 16));
		lvm_print("label_header.offset %u", get32(s + 20));
		lvm_print("label_header.type %s", chars(s + 24, 8, str));
	}
	if (memcmp(s, "LABELONE", 8)) {
		lvm_print("CHECK: label_header.id expected LABELONE");
		bad++;
	}
	if (get64(s + 8) != 1) {
		lvm_print("CHECK: label_header.sector expected 1");
		bad++;
	}
	if (get32(s + 16) != crc) {
		lvm_print("CHECK: label_header.crc expected 0x%x", crc);
		bad++;
	}
	if (get32(s + 20) != 32) {
		lvm_print("CHECK: label_header.offset expected 32");
		bad++;
	}
	if (memcmp(s + 24, "LVM2 001", 8)) {
		lvm_print("CHECK: label_header.type expected LVM2 001");
		bad++;
	}
	/* LVM goes on with the pv_header at the fixed offset 32 even when
	 * the label header is damaged. */
	uint64_t pvh = lh_off + 32;
	const unsigned char *p = s + 32;
	if (print) {
		lvm_print("pv_header at %llu", (unsigned long long)pvh);
		lvm_print("pv_header.pv_uuid %s", chars(p, 32, str));
		lvm_print("pv_header.device_size %llu", (unsigned long long)get64(p + 32));
	}
	for (int i = 0; i < 32; i++)
		if (!isalnum(p[i]) && p[i] != '!' && p[i] != '#') {
			lvm_print("CHECK: pv_header.pv_uuid invalid format");
			bad++;
			break;
		}
	unsigned off = 72, di = 0;
	for (int list = 0; list < 2; list++) {
		for (;;) {
			if (off + 16 > LABEL_SIZE) {
				lvm_print("CHECK: problem with pv_header.disk_locn[%u] offset "
					  "calculation",
					  di);
				return bad + 1;
			}
			uint64_t o = get64(s + off), z = get64(s + off + 8);
			const char *what = !o	       ? "location list end"
					   : list == 0 ? "location of data area"
						       : "location of metadata area";
			if (print) {
				lvm_print("pv_header.disk_locn[%u] at %llu # %s", di,
					  (unsigned long long)(lh_off + off), what);
				lvm_print("pv_header.disk_locn[%u].offset %llu", di,
					  (unsigned long long)o);
				lvm_print("pv_header.disk_locn[%u].size %llu", di,
					  (unsigned long long)z);
			}
			off += 16;
			di++;
			if (!o)
				break;
			if (list == 1 && *n_mdas < 2) {
				mdas[*n_mdas].offset = o;
				mdas[*n_mdas].size = z;
				(*n_mdas)++;
			}
		}
	}
	if (off + 8 + 16 <= LABEL_SIZE && print) {
		lvm_print("pv_header_extension at %llu", (unsigned long long)(lh_off + off));
		lvm_print("pv_header_extension.version %u", get32(s + off));
		lvm_print("pv_header_extension.flags %u", get32(s + off + 4));
		off += 8;
		for (di = 0; off + 16 <= LABEL_SIZE; di++, off += 16) {
			uint64_t o = get64(s + off), z = get64(s + off + 8);
			lvm_print("pv_header_extension.disk_locn[%u] at %llu # %s", di,
				  (unsigned long long)(lh_off + off),
				  o ? "bootloader area" : "location list end");
			lvm_print("pv_header_extension.disk_locn[%u].offset %llu", di,
				  (unsigned long long)o);
			lvm_print("pv_header_extension.disk_locn[%u].size %llu", di,
				  (unsigned long long)z);
			if (!o)
				break;
		}
	}
	return bad;
}

/* Writes `len` bytes to the new file `path` (LVM opens it "wx"). */
static int write_new_file(const char *path, const char *buf, size_t len)
{
	FILE *fp = fopen(path, "wx");
	if (!fp) {
		lvm_error("Failed to create file %s", path);
		return -1;
	}
	fwrite(buf, 1, len, fp);
	if (fclose(fp)) {
		lvm_error("Failed to write file %s", path);
		return -1;
	}
	return 0;
}

/* The text at [off, off+size) of the area `a` (wrap-aware), in a malloc'd
 * buffer of size+1 bytes, or NULL. */
static char *area_text(const unsigned char *a, uint64_t asize, uint64_t off, uint64_t size)
{
	if (off < 512 || off >= asize || size > asize - 512)
		return NULL;
	char *t = malloc(size + 1);
	if (!t)
		return NULL;
	uint64_t first = asize - off < size ? asize - off : size;
	memcpy(t, a + off, first);
	memcpy(t + first, a + 512, size - first);
	t[size] = 0;
	return t;
}

/* First word of the text and its seqno, as LVM names them. */
static void text_name_seqno(const char *t, char *name, size_t n, unsigned *seqno)
{
	size_t i = 0;
	while (t[i] && !isspace((unsigned char)t[i]) && t[i] != '{' && i + 1 < n) {
		name[i] = t[i];
		i++;
	}
	name[i] = 0;
	const char *s = strstr(t, "\nseqno = ");
	*seqno = s ? (unsigned)strtoul(s + 9, NULL, 10) : 0;
}

enum dump_what { DUMP_NONE, DUMP_HEADERS, DUMP_METADATA, DUMP_ALL, DUMP_SEARCH };

/* Every copy found at 512-byte boundaries of the area (LVM's search:
 * "name {", then "id = ", then "seqno = " lines). */
static void dump_all_text(const unsigned char *a, uint64_t mda_off, uint64_t asize,
			  const char *tofile)
{
	struct strbuf out = STRBUF_INIT;
	char first_id[40] = "";
	uint64_t first_off = 0;
	bool multiple = false;
	unsigned printed = 0;

	for (uint64_t off = 512; off + 512 <= asize;) {
		const char *p = (const char *)a + off;
		size_t room = asize - off, n = 0;
		/* (strchr finds the NUL too: zeroed sectors are no name.) */
		while (n < room && (isalnum((unsigned char)p[n]) || (p[n] && strchr("+_.-", p[n]))))
			n++;
		if (!n || n + 3 > room || memcmp(p + n, " {\n", 3)) {
			off += 512;
			continue;
		}
		const char *l2 = p + n + 3;
		if ((size_t)(l2 - p) + 54 > room || memcmp(l2, "id = \"", 6) ||
		    memcmp(l2 + 46, "seqno = ", 8)) {
			off += 512;
			continue;
		}
		char id[39];
		memcpy(id, l2 + 6, 38);
		id[38] = 0;
		unsigned seqno = (unsigned)strtoul(l2 + 54, NULL, 10);
		/* Copy out up to the NUL, wrapping to the start of the text
		 * region, never past the first copy found. */
		uint64_t len = 0, pos = off;
		bool end = false;
		while (len < asize - 512) {
			len++;
			if (!a[pos]) {
				end = true;
				break;
			}
			if (++pos >= asize)
				pos = 512;
			if (first_off && pos == first_off)
				break;
		}
		char *t = area_text(a, asize, off, len);
		if (!t) {
			off += 512;
			continue;
		}
		if (!first_id[0])
			memcpy(first_id, id, sizeof(id));
		else if (strcmp(first_id, id))
			multiple = true;
		char name[NAME_MAX + 1];
		memcpy(name, p, n < NAME_MAX ? n : NAME_MAX);
		name[n < NAME_MAX ? n : NAME_MAX] = 0;
		lvm_print("metadata at %llu length %llu crc %08x vg %s seqno %u id %s",
			  (unsigned long long)(mda_off + off), (unsigned long long)len,
			  lvm_crc(LVM_INITIAL_CRC, t, len), name, seqno, id);
		if (!first_off)
			first_off = off;
		if (!end)
			lvm_warn("WARNING: unexpected terminating bytes for metadata at %llu",
				 (unsigned long long)(mda_off + off));
		if (printed++)
			sb_puts(&out, "\n--\n");
		sb_add(&out, t, strlen(t));
		free(t);
		off += len < 512 ? 512 : (len + 511) / 512 * 512;
	}
	if (multiple)
		lvm_warn("WARNING: metadata from multiple VGs was found.");
	if (tofile)
		write_new_file(tofile, sb_str(&out), out.len);
	sb_release(&out);
}

/* One metadata area: its header fields (when `headers`), the committed
 * text's line, and the text itself or every copy. Returns problems. */
static int dump_mda(int fd, const char *dev, int num, struct mda_loc m, enum dump_what what,
		    const char *tofile)
{
	unsigned char h[MDA_HEADER_SIZE];
	char hex[48];
	bool headers = what == DUMP_HEADERS;
	int bad = 0;

	if (disk_read(fd, dev, h, sizeof(h), m.offset) < 0) {
		lvm_print("CHECK: failed to read mda_header at %llu", (unsigned long long)m.offset);
		return 1;
	}
	size_t hl = 0;
	for (int i = 0; i < 16; i++)
		hl += snprintf(hex + hl, sizeof(hex) - hl, "%x", h[4 + i]);
	uint32_t crc = lvm_crc(LVM_INITIAL_CRC, h + 4, MDA_HEADER_SIZE - 4);
	if (headers) {
		lvm_print("mda_header_%d at %llu # metadata area", num,
			  (unsigned long long)m.offset);
		lvm_print("mda_header_%d.checksum 0x%x", num, get32(h));
		lvm_print("mda_header_%d.magic 0x%s", num, hex);
		lvm_print("mda_header_%d.version %u", num, get32(h + 20));
		lvm_print("mda_header_%d.start %llu", num, (unsigned long long)get64(h + 24));
		lvm_print("mda_header_%d.size %llu", num, (unsigned long long)get64(h + 32));
	}
	if (get32(h) != crc) {
		lvm_print("CHECK: mda_header_%d.checksum expected 0x%x", num, crc);
		bad++;
	}
	if (memcmp(h + 4, MDA_MAGIC, 16)) {
		lvm_print("CHECK: mda_header_%d.magic expected "
			  "0x204c564d3220785b35412572304e2a3e",
			  num);
		bad++;
	}
	if (get32(h + 20) != MDA_VERSION) {
		lvm_print("CHECK: mda_header_%d.version expected %u", num, MDA_VERSION);
		bad++;
	}
	if (get64(h + 24) != m.offset) {
		lvm_print("CHECK: mda_header_%d.start does not match pv_header.disk_locn.offset "
			  "%llu",
			  num, (unsigned long long)m.offset);
		bad++;
	}
	if (get64(h + 32) != m.size) {
		lvm_print("CHECK: mda_header_%d.size does not match pv_header.disk_locn.size %llu",
			  num, (unsigned long long)m.size);
		bad++;
	}
	uint64_t t_off = 0, t_size = 0;
	uint32_t t_crc = 0;
	for (int ri = 0; ri < 2; ri++) {
		const unsigned char *r = h + 40 + 24 * ri;
		uint64_t o = get64(r), z = get64(r + 8);
		uint32_t c = get32(r + 16), f = get32(r + 20);
		if (headers) {
			lvm_print("mda_header_%d.raw_locn[%d] at %llu # %s%s", num, ri,
				  (unsigned long long)(m.offset + 40 + 24 * ri),
				  ri ? "precommit" : "commit", o + z > m.size ? " wrapped" : "");
			lvm_print("mda_header_%d.raw_locn[%d].offset %llu", num, ri,
				  (unsigned long long)o);
			lvm_print("mda_header_%d.raw_locn[%d].size %llu", num, ri,
				  (unsigned long long)z);
			lvm_print("mda_header_%d.raw_locn[%d].checksum 0x%x", num, ri, c);
			lvm_print("mda_header_%d.raw_locn[%d].flags 0x%x%s", num, ri, f,
				  f & RAW_LOCN_IGNORED ? " # RAW_LOCN_IGNORED" : "");
		}
		if (ri == 1 && (o || z || c || f)) {
			lvm_print("CHECK: mda_header_%d.raw_locn[%d] for precommit not empty", num,
				  ri);
			bad++;
		}
		if (z > m.size) {
			lvm_print(
			    "CHECK: mda_header_%d.raw_locn[%d].size larger than metadata area "
			    "size",
			    num, ri);
			bad++;
		}
		if (ri == 0) {
			t_off = o;
			t_size = z;
			t_crc = c;
		}
	}
	/* LVM searches the area for metadata_all only when slot 0 points
	 * somewhere; metadata_search looks regardless. */
	if (what == DUMP_ALL && !t_off)
		return bad;
	if (what == DUMP_ALL) {
		unsigned char *a = m.size >= 1024 && m.size < (1ull << 31) ? malloc(m.size) : NULL;
		if (!a || disk_read(fd, dev, a, m.size, m.offset) < 0) {
			lvm_print("CHECK: failed to read metadata area at offset %llu size %llu",
				  (unsigned long long)m.offset, (unsigned long long)m.size);
			free(a);
			return bad + 1;
		}
		dump_all_text(a, m.offset, m.size, tofile);
		free(a);
		return bad;
	}
	if (!t_size || t_size > m.size || t_off < 512 || t_off >= m.size)
		return bad;
	unsigned char *a = malloc(m.size);
	char *t = NULL;
	if (!a || disk_read(fd, dev, a, m.size, m.offset) < 0 ||
	    !(t = area_text(a, m.size, t_off, t_size))) {
		lvm_print("CHECK: failed to read metadata text at mda_header_%d.raw_locn[0].offset "
			  "%llu size %llu",
			  num, (unsigned long long)t_off, (unsigned long long)t_size);
		free(a);
		return bad + 1;
	}
	free(a);
	uint32_t tc = lvm_crc(LVM_INITIAL_CRC, t, t_size);
	if (tc != t_crc) {
		lvm_print("CHECK: metadata text at %llu crc does not match "
			  "mda_header_%d.raw_locn[0].checksum",
			  (unsigned long long)(m.offset + t_off), num);
		bad++;
	}
	char name[NAME_MAX + 1];
	unsigned seqno;
	text_name_seqno(t, name, sizeof(name), &seqno);
	lvm_print("metadata text at %llu crc 0x%x # vgname %s seqno %u",
		  (unsigned long long)(m.offset + t_off), tc, name, seqno);
	if (what == DUMP_METADATA) {
		if (!tofile) {
			lvm_print("---");
			printf("%s\n", t);
			lvm_print("---");
		} else if (write_new_file(tofile, t, strlen(t)) < 0) {
			bad++;
		}
	}
	free(t);
	return bad;
}

int lvm_pvck_dump(struct lvm_ctx *ctx, const char *path, const char *name)
{
	enum dump_what what;
	if (!strcmp(name, "headers"))
		what = DUMP_HEADERS;
	else if (!strcmp(name, "metadata"))
		what = DUMP_METADATA;
	else if (!strcmp(name, "metadata_all"))
		what = DUMP_ALL;
	else if (!strcmp(name, "metadata_search"))
		what = DUMP_SEARCH;
	else {
		lvm_error("Unknown dump value.");
		return LVM_EINVALID;
	}

	const char *tofile = lvm_has(ctx, ARG_file) ? lvm_str(ctx, ARG_file, NULL) : NULL;
	struct mda_loc mdas[2];
	int n_mdas, bad;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		lvm_error("Cannot use %s: %s", path, strerror(errno));
		return LVM_EFAILED;
	}
	bad = dump_label(fd, path, what == DUMP_HEADERS, mdas, &n_mdas);
	if (!n_mdas) {
		lvm_print("zero metadata copies");
		close(fd);
		return LVM_OK;
	}
	if (what == DUMP_SEARCH) {
		/* The area the label names, whatever its header holds. */
		struct mda_loc m = mdas[0];
		lvm_print("Searching for metadata at offset %llu size %llu",
			  (unsigned long long)m.offset, (unsigned long long)m.size);
		unsigned char *a = m.size >= 1024 && m.size < (1ull << 31) ? malloc(m.size) : NULL;
		if (!a || disk_read(fd, path, a, m.size, m.offset) < 0) {
			lvm_print("CHECK: failed to read metadata area at offset %llu size %llu",
				  (unsigned long long)m.offset, (unsigned long long)m.size);
			bad++;
		} else {
			dump_all_text(a, m.offset, m.size, tofile);
		}
		free(a);
	} else if (what == DUMP_HEADERS) {
		for (int i = 0; i < n_mdas; i++)
			bad += dump_mda(fd, path, i + 1, mdas[i], what, NULL);
	} else {
		bad += dump_mda(fd, path, 1, mdas[0], what, tofile);
	}
	close(fd);
	if (bad) {
		lvm_error("Found bad header or metadata values.");
		return LVM_EFAILED;
	}
	return LVM_OK;
}
