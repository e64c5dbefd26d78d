/* A metadata change as one commit (design.md "LVM2 inside ulvm"):
 *   1. the VG as it was read goes to archive/VG_NNNNN-RANDOM.vg
 *      ("Created *before* executing '<cmd>'");
 *   2. vg_write, vg_precommit, vg_commit on every metadata area, each step
 *      leaving the old or the new VG on disk, never neither;
 *   3. the new VG goes to backup/VG ("Created *after* executing '<cmd>'").
 * With -t nothing is written. The test hook ULVM_TEST_CRASH_AFTER=write or
 * =precommit ends the process (status 99) right after that step, as a
 * machine dying there would. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "format_text/export.h"
#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"
#include "util/error.h"

struct archive_text {
	struct archive_text *next;
	const struct vg *vg;
	char *head; /* malloc'd: the whole file form of the VG as read, or its header */
	char *file; /* malloc'd backup file whose VG section follows `head`, or NULL */
	const char *body;
	size_t body_len;
	char *name; /* its name as read (vgrename archives under the old one) */
};

static struct archive_text *pending;

static bool enabled(struct lvm_ctx *ctx, const char *what)
{
	char path[64];
	snprintf(path, sizeof(path), "backup/%s", what);
	return lvm_config_int(ctx, path, 1) != 0;
}

/* All of file `path` in a malloc'd NUL-terminated buffer, or NULL. */
static char *read_whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (text = malloc((size_t)st.st_size + 1)) &&
	    read(fd, text, (size_t)st.st_size) == st.st_size) {
		text[st.st_size] = 0;
		*len = (size_t)st.st_size;
	} else {
		free(text);
		text = NULL;
	}
	close(fd);
	return text;
}

/* Where the VG section of backup file `text` starts when that file is the
 * file form of `vg` as read: same VG id and seqno (the backup was written
 * right after the commit that made this metadata), the same device hints
 * in the same PV order, no PV missing (which the export would flag), and
 * whole. NULL otherwise. */
static const char *backup_body(const struct vg *vg, const char *text, size_t len)
{
	char id[UUID_DASHED_LEN + 1], want[4200];

	uuid_format(vg->id, id);
	snprintf(want, sizeof(want), "\n%s {\n\tid = \"%s\"\n\tseqno = %u\n", vg->name, id,
		 vg->seqno);
	const char *body = strstr(text, want), *at = body;
	if (!body || len < 3 || strcmp(text + len - 3, "\n}\n"))
		return NULL;
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next) {
		if (pv->fd < 0 || !pv->device || strpbrk(pv->device, "\"\\"))
			return NULL;
		uuid_format(pv->id, id);
		snprintf(want, sizeof(want), "\t\t\tid = \"%s\"\n\t\t\tdevice = \"%s\"\t", id,
			 pv->device);
		if (!(at = strstr(at, want)))
			return NULL;
	}
	return body + 1;
}

/* The archive from backup/VG when backup_body accepts it: a new header and
 * the backup's VG section, byte for byte what exporting the VG again would
 * give, at a fraction of the cost in a VG of many LVs. */
static bool archive_from_backup(const struct vg *vg, const struct export_opts *o,
				struct archive_text *a)
{
	char path[4400];
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), vg->name);
	char *text = read_whole(path, &len);
	const char *body = text ? backup_body(vg, text, len) : NULL;
	if (!body) {
		free(text);
		return false;
	}
	struct strbuf sb = STRBUF_INIT;
	vg_export_file_header(o, &sb);
	a->head = sb_detach(&sb);
	a->file = text;
	a->body = body;
	a->body_len = len - (size_t)(body - text);
	return true;
}

int lvm_vg_archive_prepare(struct lvm_ctx *ctx, struct vg *vg)
{
	if (!enabled(ctx, "archive"))
		return 0;
	char desc[4200];
	snprintf(desc, sizeof(desc), "Created *before* executing '%s'", ctx->cmdline);
	struct export_opts o = {.form = TEXT_FILE, .description = desc, .when = time(NULL)};
	struct archive_text *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	if (!archive_from_backup(vg, &o, a)) {
		struct strbuf sb = STRBUF_INIT;
		if (vg_export(vg, &o, &sb) < 0) {
			sb_release(&sb);
			free(a);
			return 0; /* the archive is a convenience: never block a change */
		}
		a->head = sb_detach(&sb);
	}
	a->vg = vg;
	a->name = strdup(vg->name);
	if (!a->name)
		abort();
	a->next = pending;
	pending = a;
	return 0;
}

void lvm_archive_forget(struct lvm_ctx *ctx, const struct vg *vg)
{
	for (struct archive_text **p = &pending; *p; p = &(*p)->next)
		if ((*p)->vg == vg) {
			struct archive_text *a = *p;
			*p = a->next;
			free(a->head);
			free(a->file);
			free(a->name);
			free(a);
			return;
		}
}

/* `head` then `body_len` bytes of `body` as file `path`: a temporary file,
 * synced, renamed. */
static int write_file(const char *path, const char *head, const char *body, size_t body_len)
{
	char tmp[4500];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(head);
	if (fd < 0)
		return -errno;
	struct iovec iov[2] = {{(void *)head, len}, {(void *)body, body_len}};
	bool ok = writev(fd, iov, 2) == (ssize_t)(len + body_len) && fsync(fd) == 0;
	ok &= close(fd) == 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static void archive(struct lvm_ctx *ctx, const struct vg *vg)
{
	for (struct archive_text *a = pending; a; a = a->next) {
		if (a->vg != vg)
			continue;
		char dir[4200], path[4400];
		unsigned rnd = 0;
		snprintf(dir, sizeof(dir), "%s/archive", lvm_system_dir());
		mkdir(lvm_system_dir(), 0755);
		mkdir(dir, 0700);
		if (getrandom(&rnd, sizeof(rnd), 0) < 0)
			rnd = (unsigned)time(NULL);
		unsigned index = lvm_archive_next_index(dir, a->name);
		snprintf(path, sizeof(path), "%s/%s_%05u-%u.vg", dir, a->name, index,
			 rnd & 0x7fffffff);
		if (write_file(path, a->head, a->body, a->body_len) < 0)
			lvm_warn("Failed to archive volume group %s to %s.", a->name, path);
		else
			lvm_archive_note_index(dir, a->name, index);
		lvm_archive_forget(ctx, vg);
		return;
	}
}

int lvm_vg_backup(struct lvm_ctx *ctx, const struct vg *vg)
{
	char dir[4200], path[4400], desc[4200];
	if (!enabled(ctx, "backup"))
		return 0;
	snprintf(dir, sizeof(dir), "%s/backup", lvm_system_dir());
	mkdir(lvm_system_dir(), 0755);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s", dir, vg->name);
	snprintf(desc, sizeof(desc), "Created *after* executing '%s'", ctx->cmdline);
	if (vg_backup_file(vg, path, desc) < 0) {
		lvm_warn("Failed to write backup of volume group %s: %s", vg->name, err_msg());
		return -EIO;
	}
	return 0;
}

static void crash_point(const char *step)
{
	const char *c = getenv("ULVM_TEST_CRASH_AFTER");
	if (c && !strcmp(c, step))
		_exit(99);
}

int lvm_vg_commit(struct lvm_ctx *ctx, struct vg *vg)
{
	int r;

	if (lvm_has(ctx, ARG_test))
		return 0;
	archive(ctx, vg);
	if ((r = vg_write(vg, ctx->cmdline)) < 0) {
		lvm_error("Failed to write VG %s: %s", vg->name, err_msg());
		vg_revert(vg);
		return r;
	}
	crash_point("write");
	if ((r = vg_precommit(vg)) < 0) {
		lvm_error("Failed to precommit VG %s: %s", vg->name, err_msg());
		vg_revert(vg);
		return r;
	}
	crash_point("precommit");
	if ((r = vg_commit(vg)) < 0) {
		lvm_error("Failed to commit VG %s: %s", vg->name, err_msg());
		return r;
	}
	vg->stale_mdas = 0;
	lvm_text_hint_note(vg);
	lvm_vg_backup(ctx, vg);
	return 0;
}
