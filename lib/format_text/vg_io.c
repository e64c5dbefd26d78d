#include "vg_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format_text/disk_io.h"
#include "format_text/export.h"
#include "format_text/import.h"
#include "format_text/pv_io.h"
#include "metadata/uuid.h"
#include "util/error.h"

/* One scanned device and what its metadata areas hold. */
struct scanned {
	const char *path;
	int fd;
	struct pv_label label;
	struct mda_copy copies[LABEL_MAX_AREAS];
};

static void scanned_release(struct scanned *s, unsigned n, bool close_fds)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned m = 0; m < LABEL_MAX_AREAS; m++)
			free(s[i].copies[m].text);
		if (close_fds && s[i].fd >= 0)
			close(s[i].fd);
	}
	free(s);
}

/* Copy `m` of a device into `c`: the scan's `cached` copy, whose text it
 * takes over, when the mda header read now still is the one that copy
 * came with (LVM2 too skips rereading metadata whose header is unchanged);
 * else read from the device (`like`: an earlier copy with text). */
static void copy_read(int fd, const char *dev, const struct pv_label *l, unsigned m,
		      struct mda_copy *cached, const struct mda_copy *like, struct mda_copy *c)
{
	struct mda_header h;

	if (cached && cached->has_text && cached->text &&
	    mda_header_read(fd, dev, l->mdas[m].offset, &h) == 0 &&
	    !memcmp(&h, &cached->hdr, sizeof(h))) {
		*c = *cached;
		cached->text = NULL;
		return;
	}
	mda_copy_read_like(fd, dev, l, m, like, c);
}

/* Opens and reads every labelled device; unlabelled ones get fd -1.
 * cached[i], when given, holds the copies a scan read from devs[i]. */
static struct scanned *scan(const char *const *devs, struct mda_copy *const *cached, unsigned n,
			    bool writable)
{
	struct scanned *s = calloc(n ? n : 1, sizeof(*s));
	const struct mda_copy *like = NULL; /* spares the CRC of identical copies */
	if (!s) {
		err_set(ENOMEM, "out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		s[i].path = devs[i];
		s[i].fd = open(devs[i], (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (s[i].fd < 0) {
			format_text_warnf("cannot open '%s': %s", devs[i], strerror(errno));
			continue;
		}
		if (label_read(s[i].fd, devs[i], &s[i].label) < 0) {
			close(s[i].fd);
			s[i].fd = -1;
			continue;
		}
		for (unsigned m = 0; m < s[i].label.n_mdas; m++) {
			copy_read(s[i].fd, devs[i], &s[i].label, m,
				  cached && cached[i] ? &cached[i][m] : NULL, like,
				  &s[i].copies[m]);
			if (s[i].copies[m].has_text)
				like = &s[i].copies[m];
		}
	}
	return s;
}

/* The copy of `*vgname` with the highest seqno. When `*vgname` is NULL it
 * becomes the only VG name seen; several names are an error (-EEXIST). */
static int best_copy(struct scanned *s, unsigned n, const char **vgname,
		     const struct mda_copy **out)
{
	const struct mda_copy *best = NULL;
	bool pick = !*vgname;

	for (unsigned i = 0; i < n; i++)
		for (unsigned m = 0; s[i].fd >= 0 && m < s[i].label.n_mdas; m++) {
			const struct mda_copy *c = &s[i].copies[m];
			if (!c->has_text)
				continue;
			if (!*vgname)
				*vgname = c->vgname;
			if (strcmp(c->vgname, *vgname)) {
				if (pick)
					return err_set(EEXIST,
						       "several volume groups found ('%s', '%s'); "
						       "name one",
						       *vgname, c->vgname);
				continue;
			}
			if (!best || c->seqno > best->seqno)
				best = c;
		}
	if (!best)
		return err_set(ENOENT, "Volume group \"%s\" not found", *vgname ? *vgname : "");
	*out = best;
	return 0;
}

/* Frees the texts other than `best` (attach needs only their headers and
 * seqnos) so that the parse of `best` reuses their memory: fresh pages
 * cost more than parsing them. */
static void drop_other_texts(struct scanned *s, unsigned n, const struct mda_copy *best)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned m = 0; m < LABEL_MAX_AREAS; m++)
			if (&s[i].copies[m] != best) {
				free(s[i].copies[m].text);
				s[i].copies[m].text = NULL;
			}
}

/* Ties the scanned devices to the PVs of the VG and counts stale copies. */
static void attach(struct vg *vg, struct scanned *s, unsigned n, const struct mda_copy *best)
{
	for (unsigned i = 0; i < n; i++) {
		struct pv *pv = s[i].fd >= 0 ? vg_find_pv(vg, s[i].label.pv_uuid) : NULL;
		if (!pv || pv->fd >= 0)
			continue;
		pv->fd = s[i].fd;
		s[i].fd = -1;
		pv->device = arena_strdup(&vg->arena, s[i].path);
		pv->label = s[i].label;
		for (unsigned m = 0; m < pv->label.n_mdas; m++) {
			const struct mda_copy *c = &s[i].copies[m];
			pv->mda_ok[m] = c->header_ok;
			pv->mdas[m] = c->hdr;
			if (c->header_ok && (c->hdr.slot[0].flags & RAW_LOCN_IGNORED))
				continue;
			if (!c->has_text || c->seqno != best->seqno ||
			    c->hdr.slot[0].checksum != best->hdr.slot[0].checksum) {
				vg->stale_mdas++;
				format_text_warnf("metadata on '%s' (seqno %u) is old or damaged; "
						  "using seqno %u, the next change rewrites it",
						  s[i].path, c->seqno, best->seqno);
			}
		}
	}
	for (struct pv *pv = vg->pvs; pv; pv = pv->next) {
		if (pv->fd < 0) {
			char id[UUID_DASHED_LEN + 1];
			uuid_format(pv->id, id);
			format_text_warnf("Couldn't find device with uuid %s.", id);
		}
	}
}

struct vg *vg_read(const char *const *devs, unsigned n_devs, const char *vgname, bool writable)
{
	return vg_read_cached(devs, NULL, n_devs, vgname, writable);
}

struct vg *vg_read_cached(const char *const *devs, struct mda_copy *const *cached, unsigned n_devs,
			  const char *vgname, bool writable)
{
	struct scanned *s = scan(devs, cached, n_devs, writable);
	const char *name = vgname;
	struct vg *vg = NULL;

	if (!s)
		goto fail;
	const struct mda_copy *best = NULL;
	int r = best_copy(s, n_devs, &name, &best);
	if (r < 0) {
		errno = -r;
		goto fail;
	}
	drop_other_texts(s, n_devs, best);
	if (!(vg = vg_import(best->text, best->hdr.slot[0].size)))
		goto fail;
	attach(vg, s, n_devs, best);
	scanned_release(s, n_devs, true);
	return vg;
fail:;
	int e = errno ? errno : EINVAL;

	if (s)
		scanned_release(s, n_devs, true);
	errno = e;
	return NULL;
}

void vg_close(struct vg *vg)
{
	if (!vg)
		return;
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		if (pv->fd >= 0)
			close(pv->fd);
	vg_free(vg);
}
