#include "pv_io.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "format_text/disk_io.h"
#include "metadata/uuid.h"
#include "util/error.h"

static void warn_stderr(const char *msg)
{
	fprintf(stderr, "  WARNING: %s\n", msg);
}

void (*format_text_warn)(const char *msg) = warn_stderr;

void format_text_warnf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (format_text_warn)
		format_text_warn(buf);
}

/* Fills the label for a new PV of `size` bytes (LVM's default layout). */
static int plan_label(const struct pv_format_opts *o, uint64_t size, struct pv_label *l)
{
	uint64_t pe_start = o->pe_start ? o->pe_start : PV_DEFAULT_PE_START;
	unsigned copies = o->set_mda_copies ? o->mda_copies : 1;
	uint64_t mda_size = o->mda_size ? o->mda_size : pe_start * 512 - PV_DEFAULT_MDA_START;
	int r;

	memset(l, 0, sizeof(*l));
	l->sector = LABEL_DEFAULT_SECTOR;
	if (o->uuid)
		snprintf(l->pv_uuid, sizeof(l->pv_uuid), "%s", o->uuid);
	else if ((r = uuid_generate(l->pv_uuid)) < 0)
		return r;
	if (copies > 2)
		return err_set(EINVAL, "at most 2 metadata copies per PV");
	if (copies &&
	    (mda_size < PV_MDA_SIZE_MIN || PV_DEFAULT_MDA_START + mda_size > pe_start * 512))
		return err_set(EINVAL,
			       "metadata area of %llu bytes does not fit before pe_start %llu",
			       (unsigned long long)mda_size, (unsigned long long)pe_start);
	uint64_t need = pe_start * 512 + (copies == 2 ? mda_size : 0);
	if (size <= need)
		return err_set(ENOSPC, "device of %llu bytes is too small for a PV",
			       (unsigned long long)size);
	l->dev_size = size;
	l->n_data = 1;
	l->data[0].offset = pe_start * 512;
	l->data[0].size = 0;
	for (unsigned i = 0; i < copies; i++) {
		l->mdas[i].offset = i == 0 ? PV_DEFAULT_MDA_START : size - mda_size;
		l->mdas[i].size = mda_size;
	}
	l->n_mdas = copies;
	l->has_ext = true;
	l->ext_version = PV_EXT_VERSION;
	return 0;
}

int pv_format(int fd, const char *dev, const struct pv_format_opts *opts, struct pv_label *out)
{
	uint64_t size;
	int r;

	if ((r = disk_size(fd, dev, &size)) < 0 || (r = plan_label(opts, size, out)) < 0)
		return r;
	for (unsigned i = 0; i < out->n_mdas; i++)
		if ((r = mda_init(fd, dev, out->mdas[i].offset, out->mdas[i].size)) < 0)
			return r;
	if ((r = label_write(fd, dev, out)) < 0)
		return r;
	return disk_sync(fd, dev);
}

/* The quick way for the text as LVM writes it: `NAME {` first, its
 * `seqno = N` among the first keys of that section (depth 1, outside
 * strings). Returns false when the text does not look like that; the
 * caller then parses it whole. Scanning every PV's copy is on the path of
 * every command, so a 10,000-LV VG must not be parsed once per PV. */
static bool peek_fast(const char *text, size_t len, char *name, size_t name_size, uint32_t *seqno)
{
	const char *p = text, *end = text + strnlen(text, len);
	size_t n = 0;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (p + n < end && !isspace((unsigned char)p[n]) && !strchr("{}=#\"[],", p[n]))
		n++;
	if (n == 0 || n >= name_size)
		return false;
	const char *q = p + n;
	while (q < end && isspace((unsigned char)*q))
		q++;
	if (q >= end || *q != '{')
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	int depth = 1;
	bool in_string = false, line_start = true;
	for (q++; q < end && q < text + 65536 && depth > 0; q++) {
		char c = *q;
		if (in_string) {
			if (c == '\\' && q + 1 < end)
				q++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"')
			in_string = true;
		else if (c == '{')
			depth++;
		else if (c == '}')
			depth--;
		else if (c == '#')
			return false; /* comments inside: not our writer's raw form */
		else if (depth == 1 && line_start && !strncmp(q, "seqno", 5) && (q + 5 < end) &&
			 (isspace((unsigned char)q[5]) || q[5] == '=')) {
			const char *v = q + 5;
			while (v < end && (isspace((unsigned char)*v) || *v == '='))
				v++;
			char *stop;
			unsigned long x = strtoul(v, &stop, 10);
			if (stop == v || x > UINT32_MAX ||
			    (*stop && !isspace((unsigned char)*stop)))
				return false;
			*seqno = (uint32_t)x;
			return true;
		}
		line_start = c == '\n' || (line_start && isspace((unsigned char)c));
	}
	return false;
}

/* The VG name and seqno of a text copy without importing all of it. */
static int peek_text(const char *text, size_t len, char *name, size_t name_size, uint32_t *seqno)
{
	if (peek_fast(text, len, name, name_size, seqno))
		return 0;
	struct cfg_tree *t = cfg_parse(text, len);
	const struct cfg_node *n;
	int r = -EINVAL;

	if (!t)
		return -errno;
	for (n = t->root.child; n && n->v; n = n->sib)
		;
	if (n && cfg_get_u32(n, "seqno", seqno) == 0 && strlen(n->key) < name_size) {
		strcpy(name, n->key);
		r = 0;
	}
	cfg_free(t);
	return r;
}

void mda_text_prefetch(int fd, const struct pv_label *l, unsigned i)
{
	struct mda_header h;

	if (mda_header_read(fd, "", l->mdas[i].offset, &h) < 0)
		return;
	const struct raw_locn *rl = &h.slot[0];
	if (!rl->offset || (rl->flags & RAW_LOCN_IGNORED) || rl->offset >= h.size)
		return;
	uint64_t first = rl->offset + rl->size > h.size ? h.size - rl->offset : rl->size;
	posix_fadvise(fd, (off_t)(h.start + rl->offset), (off_t)first, POSIX_FADV_WILLNEED);
	if (first < rl->size) /* wrapped round the end of the area */
		posix_fadvise(fd, (off_t)(h.start + MDA_HEADER_SIZE), (off_t)(rl->size - first),
			      POSIX_FADV_WILLNEED);
}

void mda_copy_read(int fd, const char *dev, const struct pv_label *l, unsigned i,
		   struct mda_copy *c)
{
	mda_copy_read_like(fd, dev, l, i, NULL, c);
}

void mda_copy_read_like(int fd, const char *dev, const struct pv_label *l, unsigned i,
			const struct mda_copy *like, struct mda_copy *c)
{
	memset(c, 0, sizeof(*c));
	if (mda_header_read(fd, dev, l->mdas[i].offset, &c->hdr) < 0) {
		format_text_warnf("%s", err_msg());
		return;
	}
	c->header_ok = true;
	const struct raw_locn *rl = &c->hdr.slot[0];
	if (!rl->offset || (rl->flags & RAW_LOCN_IGNORED))
		return;
	const struct raw_locn *known =
	    like && like->has_text && like->text ? &like->hdr.slot[0] : NULL;
	if (known && (known->size != rl->size || known->checksum != rl->checksum))
		known = NULL;
	if (mda_read_text(fd, dev, &c->hdr, rl, known ? like->text : NULL, &c->text) < 0) {
		format_text_warnf("%s", err_msg());
		return;
	}
	if (peek_text(c->text, rl->size, c->vgname, sizeof(c->vgname), &c->seqno) < 0) {
		format_text_warnf("'%s': metadata text at offset %llu does not parse", dev,
				  (unsigned long long)rl->offset);
		free(c->text);
		c->text = NULL;
		return;
	}
	c->has_text = true;
}
