/* Creating a VG on formatted PVs and the write/precommit/commit protocol
 * (contract in vg_io.h). */
#include "vg_io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format_text/crc.h"
#include "format_text/disk_io.h"
#include "format_text/export.h"
#include "format_text/pv_io.h"
#include "metadata/uuid.h"
#include "util/error.h"

/* PE count of a PV: data from pe_start to the end of the device or to the
 * first metadata area placed after pe_start (mda2). */
static uint32_t pe_count_of(const struct pv_label *l, uint64_t pe_start, uint32_t extent_size)
{
	uint64_t end = l->dev_size / 512;
	for (unsigned m = 0; m < l->n_mdas; m++)
		if (l->mdas[m].offset / 512 >= pe_start && l->mdas[m].offset / 512 < end)
			end = l->mdas[m].offset / 512;
	return end > pe_start ? (uint32_t)((end - pe_start) / extent_size) : 0;
}

int vg_extend(struct vg *vg, const char *dev)
{
	struct pv_label l;
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	int r;

	if (fd < 0)
		return err_set(errno, "cannot open '%s': %s", dev, strerror(errno));
	if ((r = label_read(fd, dev, &l)) < 0)
		goto out;
	if (vg_find_pv(vg, l.pv_uuid)) {
		r = err_set(EEXIST, "physical volume '%s' is listed twice", dev);
		goto out;
	}
	struct pv *pv = vg_add_pv(vg, l.pv_uuid, dev);
	pv->label = l;
	for (unsigned m = 0; m < l.n_mdas; m++) {
		struct mda_copy c;
		mda_copy_read(fd, dev, &l, m, &c);
		free(c.text);
		if (c.has_text) {
			r = err_set(EEXIST, "Physical volume '%s' is already in volume group '%s'",
				    dev, c.vgname);
			goto out;
		}
		pv->mda_ok[m] = c.header_ok;
		pv->mdas[m] = c.hdr;
	}
	pv->status = PV_ALLOCATABLE;
	pv->dev_size = l.dev_size / 512;
	pv->pe_start = l.n_data ? l.data[0].offset / 512 : PV_DEFAULT_PE_START;
	pv->pe_count = pe_count_of(&l, pv->pe_start, vg->extent_size);
	if (!pv->pe_count) {
		r = err_set(ENOSPC, "physical volume '%s' is too small for an extent of %u sectors",
			    dev, vg->extent_size);
		goto out;
	}
	pv->fd = fd;
	return 0;
out:
	close(fd);
	return r;
}

struct vg *vg_create(const char *name, uint32_t extent_size, const char *const *devs,
		     unsigned n_devs)
{
	struct vg *vg = vg_new(name, extent_size);
	int r = uuid_generate(vg->id);

	for (unsigned i = 0; r == 0 && i < n_devs; i++)
		r = vg_extend(vg, devs[i]);
	if (r < 0) {
		vg_close(vg);
		errno = -r;
		return NULL;
	}
	return vg;
}

/* Each mda of `pv` that takes text: fresh in-memory header when damaged. */
static bool mda_usable(struct pv *pv, unsigned m)
{
	if (!pv->mda_ok[m]) {
		memset(&pv->mdas[m], 0, sizeof(pv->mdas[m]));
		pv->mdas[m].start = pv->label.mdas[m].offset;
		pv->mdas[m].size = pv->label.mdas[m].size;
		pv->mda_ok[m] = true;
	}
	return !(pv->mdas[m].slot[0].flags & RAW_LOCN_IGNORED);
}

/* Marks the label as belonging to a VG (PV_EXT_USED), as vgcreate does. */
static int mark_used(struct pv *pv)
{
	if (pv->label.has_ext && (pv->label.ext_flags & PV_EXT_USED))
		return 0;
	pv->label.has_ext = true;
	pv->label.ext_version = PV_EXT_VERSION;
	pv->label.ext_flags |= PV_EXT_USED;
	return label_write(pv->fd, pv->device, &pv->label);
}

struct sync_job {
	int fd;
	int err; /* errno of fdatasync, 0 when it worked */
	const char *dev;
	pthread_t thread;
	bool started;
};

static void *sync_one(void *arg)
{
	struct sync_job *j = arg;
	j->err = fdatasync(j->fd) < 0 ? errno : 0;
	return NULL;
}

/* Flushes every PV of `vg` that is present, all at the same time: each PV
 * is its own device whose flush would otherwise be waited for in turn,
 * and on a busy machine every wait is a wake-up that queues for a CPU.
 * The first PV is flushed by the caller; a thread that cannot start
 * flushes in the caller too. Returns 0 or the first error, with its
 * message. */
static int sync_pvs(struct vg *vg)
{
	struct sync_job jobs[64], *j = jobs;
	int r = 0;

	for (struct pv *pv = vg->pvs; pv; pv = pv->next) {
		if (pv->fd < 0)
			continue;
		if (j == jobs + 64) { /* more PVs than jobs: flush them one by one */
			if (r == 0)
				r = disk_sync(pv->fd, pv->device);
			continue;
		}
		*j = (struct sync_job){.fd = pv->fd, .dev = pv->device};
		j->started = j > jobs && pthread_create(&j->thread, NULL, sync_one, j) == 0;
		j++;
	}
	for (struct sync_job *k = jobs; k < j; k++) {
		if (k->started)
			pthread_join(k->thread, NULL);
		else
			sync_one(k);
	}
	for (struct sync_job *k = jobs; k < j && r == 0; k++)
		if (k->err)
			r = err_set(k->err, "cannot sync '%s': %s", k->dev, strerror(k->err));
	return r;
}

/* Gives `sb` room for an export of `vg` up front: growing a 100s-of-KiB
 * text by doubling copied it over and over. A guess on the high side (a
 * linear LV takes ~280 bytes raw, ~390 in file form: `file` scales it by
 * 3/2) but not far above: the exports reuse the heap the parse freed, and
 * a buffer that does not fit there lands on fresh pages. */
static void presize(struct strbuf *sb, const struct vg *vg, bool file)
{
	size_t cap = 8192;

	for (const struct pv *pv = vg->pvs; pv; pv = pv->next)
		cap += 512;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		cap += 320;
		for (const struct lv_seg *seg = lv->segs; seg; seg = seg->next)
			cap += 128 + 32 * seg->area_count;
	}
	if (file)
		cap += cap / 2;
	sb->buf = malloc(cap);
	if (!sb->buf)
		abort();
	sb->buf[0] = '\0';
	sb->len = 0;
	sb->cap = cap;
}

int vg_write(struct vg *vg, const char *cmdline)
{
	struct strbuf text = STRBUF_INIT, body = STRBUF_INIT;
	char desc[4096];
	int r;

	if ((r = vg_validate(vg)) < 0)
		return r;
	vg->seqno++;
	if (!vg->write_count++)
		snprintf(desc, sizeof(desc), "Write from %s.", cmdline);
	else
		snprintf(desc, sizeof(desc), "Write[%u] from %s.", vg->write_count, cmdline);
	struct export_opts opts = {.form = TEXT_RAW, .description = desc, .when = time(NULL)};
	presize(&text, vg, false);
	presize(&body, vg, true);
	if ((r = vg_export2(vg, &opts, &text, &body)) < 0)
		goto out;
	free(vg->file_body);
	vg->file_body = sb_detach(&body);
	vg->file_body_seqno = vg->seqno;
	size_t len = text.len + 1; /* the NUL is part of the copy */
	uint32_t crc = lvm_crc(LVM_INITIAL_CRC, text.buf, len);
	for (struct pv *pv = vg->pvs; r == 0 && pv; pv = pv->next) {
		if (pv->fd < 0)
			continue;
		memset(pv->pending, 0, sizeof(pv->pending));
		if ((r = mark_used(pv)) < 0)
			break;
		for (unsigned m = 0; r == 0 && m < pv->label.n_mdas; m++)
			if (mda_usable(pv, m))
				r = mda_write_text(pv->fd, pv->device, &pv->mdas[m], text.buf, len,
						   crc, &pv->pending[m]);
	}
	if (r == 0)
		r = sync_pvs(vg);
out:
	sb_release(&text);
	sb_release(&body);
	if (r < 0)
		vg->seqno--;
	return r;
}

/* Rewrites every mda header after `update` changed the in-memory copy,
 * then flushes each PV when `sync`. */
static int write_headers(struct vg *vg,
			 void (*update)(struct mda_header *, const struct raw_locn *), bool sync)
{
	int r = 0;
	for (struct pv *pv = vg->pvs; r == 0 && pv; pv = pv->next) {
		if (pv->fd < 0)
			continue;
		for (unsigned m = 0; r == 0 && m < pv->label.n_mdas; m++) {
			if (!pv->pending[m].offset)
				continue;
			update(&pv->mdas[m], &pv->pending[m]);
			r = mda_header_write(pv->fd, pv->device, &pv->mdas[m]);
		}
	}
	return r == 0 && sync ? sync_pvs(vg) : r;
}

static void set_precommit(struct mda_header *h, const struct raw_locn *rl)
{
	h->slot[1] = *rl;
}

static void set_commit(struct mda_header *h, const struct raw_locn *rl)
{
	h->slot[0] = *rl;
	memset(&h->slot[1], 0, sizeof(h->slot[1]));
}

static void set_revert(struct mda_header *h, const struct raw_locn *rl)
{
	memset(&h->slot[1], 0, sizeof(h->slot[1]));
}

/* No flush here: the text the precommitted slot points at was flushed by
 * vg_write, and each header is one sector written whole, so until
 * vg_commit's flush the disk holds the old header or the precommitted one
 * (both name a complete VG); a flush in between only made the commit
 * take two more device round trips per PV. */
int vg_precommit(struct vg *vg)
{
	return write_headers(vg, set_precommit, false);
}

static void forget_pending(struct vg *vg)
{
	for (struct pv *pv = vg->pvs; pv; pv = pv->next)
		memset(pv->pending, 0, sizeof(pv->pending));
}

int vg_commit(struct vg *vg)
{
	int r = write_headers(vg, set_commit, true);
	if (r == 0) {
		forget_pending(vg);
		vg->stale_mdas = 0;
	}
	return r;
}

int vg_revert(struct vg *vg)
{
	int r = write_headers(vg, set_revert, true);
	forget_pending(vg);
	return r;
}

int vg_backup_file(const struct vg *vg, const char *path, const char *description)
{
	struct strbuf text = STRBUF_INIT, tmp = STRBUF_INIT;
	struct export_opts opts = {
	    .form = TEXT_FILE, .description = description, .when = time(NULL)};
	int r = 0, fd = -1;
	const char *body = vg->file_body_seqno == vg->seqno ? vg->file_body : NULL;

	if (body)
		vg_export_file_header(&opts, &text);
	else
		r = vg_export(vg, &opts, &text);

	sb_printf(&tmp, "%s.tmp", path);
	if (r == 0 && (fd = open(sb_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		r = err_set(errno, "cannot create '%s': %s", sb_str(&tmp), strerror(errno));
	if (r == 0)
		r = disk_write(fd, sb_str(&tmp), text.buf, text.len, 0);
	if (r == 0 && body) /* the VG section after the header, not copied */
		r = disk_write(fd, sb_str(&tmp), body, strlen(body), text.len);
	if (r == 0 && fsync(fd) < 0)
		r = err_set(errno, "cannot sync '%s': %s", sb_str(&tmp), strerror(errno));
	if (fd >= 0)
		close(fd);
	if (r == 0 && rename(sb_str(&tmp), path) < 0)
		r = err_set(errno, "cannot rename '%s': %s", sb_str(&tmp), strerror(errno));
	if (r < 0 && fd >= 0)
		unlink(sb_str(&tmp));
	sb_release(&text);
	sb_release(&tmp);
	return r;
}
