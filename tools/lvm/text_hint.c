/* Where each PV's metadata text was last committed, so that the scan can
 * ask the kernel for it together with the label sectors (scan.c): one
 * wait for the device instead of two, as the header that says where the
 * text is need not be read first. A commit leaves, for each PV it wrote,
 * $ULVM_RUN_DIR/text-hint/<device path with '/' as '!'>: one "offset
 * length" line per piece of committed text. It is only a prefetch: the
 * reads that follow go by the headers on the disk, and a stale or damaged
 * hint costs one useless read-ahead. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "format_text/mda.h"
#include "lvm_int.h"

#define HINT_MAX_LINES 8

/* The hint's file name: the device path with '/' as '!'. */
static void hint_name(const char *device, char *out, size_t size)
{
	snprintf(out, size, "%s", device);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '!';
}

void lvm_text_hint_prefetch(int fd, const char *device)
{
	char name[4096], buf[512];
	unsigned long long off, len;

	hint_name(device, name, sizeof(name));
	if (lvm_run_hint_read("text-hint", name, buf, sizeof(buf)) <= 0)
		return;
	const char *p = buf;
	for (int i = 0; i < HINT_MAX_LINES && sscanf(p, "%llu %llu", &off, &len) == 2; i++) {
		if (len && len <= 64ull << 20)
			posix_fadvise(fd, (off_t)off, (off_t)len, POSIX_FADV_WILLNEED);
		if (!(p = strchr(p, '\n')))
			break;
		p++;
	}
}

/* The pieces of the text slot 0 of `h` points at: one, or two when it
 * wraps round the end of the area. */
static int text_pieces(const struct mda_header *h, char *out, size_t size)
{
	const struct raw_locn *rl = &h->slot[0];
	if (!rl->offset || (rl->flags & RAW_LOCN_IGNORED) || rl->offset >= h->size)
		return 0;
	uint64_t first = rl->offset + rl->size > h->size ? h->size - rl->offset : rl->size;
	int n = snprintf(out, size, "%llu %llu\n", (unsigned long long)(h->start + rl->offset),
			 (unsigned long long)first);
	if (first < rl->size && n >= 0 && (size_t)n < size)
		n += snprintf(out + n, size - (size_t)n, "%llu %llu\n",
			      (unsigned long long)(h->start + MDA_HEADER_SIZE),
			      (unsigned long long)(rl->size - first));
	return n;
}

void lvm_text_hint_note(const struct vg *vg)
{
	char name[4096], line[512];

	for (const struct pv *pv = vg->pvs; pv; pv = pv->next) {
		if (pv->fd < 0 || !pv->device)
			continue;
		int len = 0;
		for (unsigned m = 0; m < pv->label.n_mdas && len >= 0 && (size_t)len < sizeof(line);
		     m++)
			if (pv->mda_ok[m])
				len += text_pieces(&pv->mdas[m], line + len,
						   sizeof(line) - (size_t)len);
		if (len <= 0 || (size_t)len >= sizeof(line))
			continue;
		hint_name(pv->device, name, sizeof(name));
		lvm_run_hint_write("text-hint", name, line, (size_t)len);
	}
}
