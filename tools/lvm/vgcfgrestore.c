/* vgcfgrestore: lists a VG's archived metadata (-l) or writes a backup
 * file (backup/VG, or -f FILE) to the metadata areas of the PVs it names,
 * found by uuid. Every PV of the backup must be present (a lost one is
 * first recreated with `pvcreate --uuid ID --restorefile FILE`). A backup
 * of another VG is refused; active LVs need a confirmation (-y). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup_file.h"
#include "format_text/import.h"
#include "format_text/pv_io.h"
#include "format_text/vg_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"
#include "util/error.h"

char *lvm_backup_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb)
				abort();
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

struct vg *lvm_backup_import(const char *path, char **description)
{
	size_t len;
	char *text = lvm_backup_read(path, &len);
	if (!text) {
		lvm_error("Couldn't read backup file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (description) {
		/* description = "..." at the start of a line (file header). */
		const char *d = strstr(text, "\ndescription = \"");
		*description = NULL;
		if (d) {
			d += 16;
			char *out = malloc(strlen(d) + 1), *o = out;
			for (; *d && *d != '"'; d++)
				*o++ = (*d == '\\' && d[1]) ? *++d : *d;
			*o = 0;
			*description = out;
		}
	}
	struct vg *vg = vg_import(text, len);
	free(text);
	if (!vg)
		lvm_error("%s: %s", path, err_msg());
	return vg;
}

/* One entry of -l, as LVM2's _display_archive prints it. */
static void show_file(const char *path)
{
	char *desc = NULL;
	struct vg *vg = lvm_backup_import(path, &desc);
	lvm_print(" ");
	lvm_print("File:\t\t%s", path);
	if (!vg) {
		lvm_error("Unable to read archive file.");
		free(desc);
		return;
	}
	time_t when = (time_t)vg->creation_time;
	lvm_print("VG name:    \t%s", vg->name);
	lvm_print("Description:\t%s", desc ? desc : "<No description>");
	lvm_print("Backup Time:\t%s", ctime(&when)); /* ctime's newline: an empty line */
	free(desc);
	vg_free(vg);
}

static int by_index(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* Archives of `vg` oldest first, then its backup file. */
static int list_archives(const char *vgname)
{
	char dir[4200], path[4500];
	size_t nl = strlen(vgname);
	unsigned idx[4096], n = 0;
	char *names[4096];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/archive", lvm_system_dir());
	if ((d = opendir(dir))) {
		while ((e = readdir(d)) && n < 4096) {
			unsigned i;
			size_t l = strlen(e->d_name);
			if (strncmp(e->d_name, vgname, nl) || e->d_name[nl] != '_' || l < 4 ||
			    strcmp(e->d_name + l - 3, ".vg") ||
			    sscanf(e->d_name + nl + 1, "%5u-", &i) != 1)
				continue;
			idx[n] = i;
			names[n] = strdup(e->d_name);
			n++;
		}
		closedir(d);
	}
	/* Insertion sort by index, keeping each name with its index. */
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && by_index(&idx[j - 1], &idx[j]) > 0; j--) {
			unsigned t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
			char *s = names[j];
			names[j] = names[j - 1];
			names[j - 1] = s;
		}
	if (!n)
		lvm_print("No archives found in %s.", dir);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		show_file(path);
		free(names[i]);
	}
	snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), vgname);
	if (access(path, F_OK) == 0)
		show_file(path);
	return LVM_OK;
}

/* Ties each PV of the backup to the scanned device with its uuid, opened
 * read-write with its label and mda headers. Returns the number of PVs not
 * found (warned as LVM2 does), or -1 on another error (printed). */
static int attach_pvs(struct lvm_ctx *ctx, struct vg *vg)
{
	int missing = 0;
	for (struct pv *pv = vg->pvs; pv; pv = pv->next) {
		struct lvm_dev *d = NULL;
		pv->fd = -1;
		for (unsigned i = 0; i < ctx->n_devs && !d; i++)
			if (ctx->devs[i].is_pv && !strcmp(ctx->devs[i].label.pv_uuid, pv->id))
				d = &ctx->devs[i];
		if (!d) {
			char id[UUID_DASHED_LEN + 1];
			uuid_format(pv->id, id);
			lvm_warn("Couldn't find device with uuid %s.", id);
			missing++;
			continue;
		}
		if (d->vgname && strcmp(d->vgname, vg->name)) {
			lvm_error("Physical volume %s belongs to volume group %s.", d->path,
				  d->vgname);
			return -1;
		}
		int fd = open(d->path, (lvm_has(ctx, ARG_test) ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (fd < 0 || label_read(fd, d->path, &pv->label) < 0) {
			lvm_error("Cannot use %s: %s", d->path,
				  fd < 0 ? strerror(errno) : err_msg());
			if (fd >= 0)
				close(fd);
			return -1;
		}
		pv->fd = fd;
		pv->device = arena_strdup(&vg->arena, d->path);
		pv->status &= ~(uint64_t)PV_MISSING;
		for (unsigned m = 0; m < pv->label.n_mdas; m++) {
			struct mda_copy c;
			mda_copy_read(fd, d->path, &pv->label, m, &c);
			free(c.text);
			pv->mda_ok[m] = c.header_ok;
			pv->mdas[m] = c.hdr;
		}
	}
	return missing;
}

/* Active LVs of the VG named `name` in the backup: asks before going on. */
static bool active_ok(struct lvm_ctx *ctx, const struct vg *vg)
{
	unsigned found = 0;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
		struct lvm_lv_state st;
		if (lvm_lv_state(ctx, lv, &st) == 0 && st.active)
			found++;
	}
	if (!found)
		return true;
	lvm_warn("Found %u active volume(s) in volume group \"%s\".", found, vg->name);
	lvm_print("Restoring VG with active LVs, may cause mismatch with its metadata.");
	if (lvm_yes(ctx,
		    "Do you really want to proceed with restore of volume group \"%s\", while %u "
		    "volume(s) are active?",
		    vg->name, found))
		return true;
	lvm_error("Restore aborted.");
	return false;
}

static int restore(struct lvm_ctx *ctx, const char *name, const char *file)
{
	struct vg *vg = lvm_backup_import(file, NULL);
	int status = LVM_EFAILED;

	if (!vg)
		goto failed;
	if (strcmp(vg->name, name)) {
		lvm_error("'%s' does not contain volume group '%s'.", file, name);
		goto failed;
	}
	if (!active_ok(ctx, vg))
		goto out;
	if (lvm_lock_global(ctx, true) < 0 || lvm_lock_vg(ctx, name, true) < 0)
		goto failed;
	lvm_rescan(ctx);
	lvm_scan(ctx);
	int missing = attach_pvs(ctx, vg);
	if (missing < 0)
		goto failed;
	if (missing) {
		lvm_error("Cannot restore Volume Group %s with %i PVs marked as missing.", name,
			  missing);
		goto failed;
	}
	/* The restored copy must win over every copy still on disk. */
	for (unsigned i = 0; i < ctx->n_devs; i++)
		if (ctx->devs[i].vgname && !strcmp(ctx->devs[i].vgname, name) &&
		    ctx->devs[i].seqno > vg->seqno)
			vg->seqno = ctx->devs[i].seqno;
	if (lvm_vg_commit(ctx, vg) < 0)
		goto failed;
	lvm_print("Restored volume group %s.", name);
	status = LVM_OK;
	goto out;
failed:
	lvm_error("Restore failed.");
out:
	vg_close(vg);
	return status;
}

int lvm_vgcfgrestore(struct lvm_ctx *ctx)
{
	const char *name = NULL, *file = lvm_str(ctx, ARG_file, NULL);
	char path[4300];

	if (ctx->argc == 1) {
		name = ctx->argv[0];
		const char *dev = getenv("ULVM_DEV_DIR");
		if (dev && !strncmp(name, dev, strlen(dev)) && name[strlen(dev)] == '/')
			name += strlen(dev) + 1;
		if (lvm_check_vg_name(name) < 0)
			return LVM_EFAILED;
	} else if (!(lvm_has(ctx, ARG_list) && file)) {
		lvm_error("Please specify a *single* volume group to restore.");
		return LVM_EFAILED;
	}
	if (lvm_has(ctx, ARG_list)) {
		if (!file)
			return list_archives(name);
		if (access(file, F_OK) < 0) {
			lvm_error("Archive file %s not found.", file);
			return LVM_EFAILED;
		}
		show_file(file);
		return LVM_OK;
	}
	if (!file) {
		snprintf(path, sizeof(path), "%s/backup/%s", lvm_system_dir(), name);
		file = path;
	}
	return restore(ctx, name, file);
}
