/* pvcreate: writes an LVM2 label and metadata area(s) on devices, after
 * checking that each may be overwritten: not mounted or open exclusively
 * elsewhere, not in a VG (unless -ff and confirmed), no other signature
 * (unless confirmed). Image files are added to the devices file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_file.h"
#include "format_text/disk_io.h"
#include "format_text/pv_io.h"
#include "lvm.h"
#include "lvm_int.h"
#include "metadata/uuid.h"
#include "util/error.h"

static bool source_mounted(const char *path);

/* True when `path` (or what it resolves to) is the source of a mount, or
 * an image file behind a loop device that is. */
bool lvm_dev_mounted(const char *path)
{
	char want[PATH_MAX], back[PATH_MAX], p[300];
	if (source_mounted(path) || !realpath(path, want))
		return source_mounted(path);
	for (unsigned n = 0; n < 1024; n++) {
		snprintf(p, sizeof(p), "/sys/block/loop%u/loop/backing_file", n);
		FILE *f = fopen(p, "re");
		if (!f)
			continue;
		bool same = fgets(back, sizeof(back), f) && (back[strcspn(back, "\n")] = 0, 1) &&
			    !strcmp(back, want);
		fclose(f);
		snprintf(p, sizeof(p), "/dev/loop%u", n);
		if (same && source_mounted(p))
			return true;
	}
	return false;
}

static bool source_mounted(const char *path)
{
	char want[PATH_MAX], src[PATH_MAX], mnt[PATH_MAX], line[3 * PATH_MAX];
	FILE *f = fopen("/proc/self/mounts", "re");
	bool found = false;

	if (!realpath(path, want) || !f) {
		if (f)
			fclose(f);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		char real[PATH_MAX];
		if (sscanf(line, "%4095s %4095s", src, mnt) == 2 && realpath(src, real))
			found = !strcmp(real, want);
	}
	fclose(f);
	return found;
}

/* Another format's signature in the first sectors ("ext4", "xfs" ...). */
static const char *signature(int fd)
{
	unsigned char b[4096];
	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return NULL;
	if (b[1080] == 0x53 && b[1081] == 0xef)
		return "ext4";
	if (!memcmp(b, "XFSB", 4))
		return "xfs";
	if (!memcmp(b, "LUKS\xba\xbe", 6))
		return "crypto_LUKS";
	if (!memcmp(b + 4086, "SWAPSPACE2", 10))
		return "swap";
	return NULL;
}

/* Opens `path` for formatting after the safety checks; -1 when refused
 * (message printed). */
static int open_checked(struct lvm_ctx *ctx, const char *path, bool *wipe_sig)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		lvm_error("Cannot use %s: device not found", path);
		return -1;
	}
	if (lvm_dev_mounted(path)) {
		lvm_error("Can't open %s exclusively.  Mounted filesystem?", path);
		return -1;
	}
	int fd = open(path, O_RDWR | O_CLOEXEC | (S_ISBLK(st.st_mode) ? O_EXCL : 0));
	if (fd < 0) {
		if (errno == EBUSY)
			lvm_error("Can't open %s exclusively.  Mounted filesystem?", path);
		else
			lvm_error("Cannot use %s: %s", path, strerror(errno));
		return -1;
	}
	const char *sig = signature(fd);
	*wipe_sig = false;
	if (sig) {
		if (!lvm_yes(ctx, "WARNING: %s signature detected on %s. Wipe it?", sig, path)) {
			lvm_error("%s: physical volume not initialized.", path);
			close(fd);
			return -1;
		}
		*wipe_sig = true;
	}
	return fd;
}

/* The label geometry the options ask for. */
static int format_opts(struct lvm_ctx *ctx, struct pv_format_opts *o)
{
	uint64_t align = lvm_num(ctx, ARG_dataalignment, 2048); /* sectors */
	uint64_t mda = lvm_num(ctx, ARG_metadatasize, 0) * 512;

	memset(o, 0, sizeof(*o));
	if (!align)
		align = 2048;
	if (mda && mda < PV_MDA_SIZE_MIN)
		mda = PV_MDA_SIZE_MIN;
	uint64_t end = (PV_DEFAULT_MDA_START + (mda ? mda : 1020 * 1024) + 511) / 512;
	o->pe_start = (end + align - 1) / align * align;
	o->mda_size = mda ? o->pe_start * 512 - PV_DEFAULT_MDA_START : 0;
	enum lvm_arg_id copies =
	    lvm_has(ctx, ARG_pvmetadatacopies) ? ARG_pvmetadatacopies : ARG_metadatacopies;
	if (lvm_has(ctx, copies)) {
		o->mda_copies = (unsigned)lvm_num(ctx, copies, 1);
		o->set_mda_copies = true;
		if (o->mda_copies > 2) {
			lvm_error("Metadatacopies may only be 0, 1 or 2");
			return -EINVAL;
		}
	}
	return 0;
}

/* pe_start (sectors) of the PV named by --uuid in --restorefile; 0 = none. */
static uint64_t restore_pe_start;

/* --restorefile: the PV with `uuid` in the backup gives the geometry, so
 * vgcfgrestore finds its extents where they were. Another device already
 * carrying the uuid is refused. 0 or LVM_EFAILED (printed). */
static int restore_geometry(struct lvm_ctx *ctx, const char *uuid, const char *path)
{
	const char *file = lvm_str(ctx, ARG_restorefile, "");
	struct vg *vg = lvm_backup_import(file, NULL);
	if (!vg)
		return LVM_EFAILED;
	struct pv *pv = vg_find_pv(vg, uuid);
	if (!pv) {
		lvm_error("Can't find uuid %s in backup file %s", lvm_str(ctx, ARG_uuid, ""), file);
		vg_free(vg);
		return LVM_EFAILED;
	}
	restore_pe_start = pv->pe_start;
	vg_free(vg);
	lvm_scan(ctx);
	struct lvm_dev *self = lvm_dev_find(ctx, path);
	for (unsigned i = 0; i < ctx->n_devs; i++)
		if (ctx->devs[i].is_pv && &ctx->devs[i] != self &&
		    !strcmp(ctx->devs[i].label.pv_uuid, uuid)) {
			lvm_error("uuid %s already in use on \"%s\".", lvm_str(ctx, ARG_uuid, ""),
				  ctx->devs[i].path);
			return LVM_EFAILED;
		}
	return 0;
}

/* Formats one device as an orphan PV. Returns 0 or -errno (printed). */
int lvm_pv_create(struct lvm_ctx *ctx, const char *path, const char *uuid)
{
	struct lvm_dev *d = lvm_dev_find(ctx, path);
	struct pv_format_opts o;
	struct pv_label l;
	bool wipe;

	if (lvm_has(ctx, ARG_devices) && !d) {
		lvm_error("Cannot use %s: device is not in devices list.", path);
		return -EPERM;
	}
	if (d && d->vgname) {
		if (lvm_count(ctx, ARG_force) < 2) {
			lvm_error("Can't initialize physical volume \"%s\" of volume group \"%s\" "
				  "without -ff",
				  path, d->vgname);
			return -EEXIST;
		}
		if (!lvm_yes(ctx,
			     "Really INITIALIZE physical volume \"%s\" of volume group "
			     "\"%s\"?",
			     path, d->vgname)) {
			lvm_error("%s: physical volume not initialized.", path);
			return -ECANCELED;
		}
		lvm_warn("Forcing physical volume creation on %s of volume group \"%s\"", path,
			 d->vgname);
	}
	if (format_opts(ctx, &o) < 0)
		return -EINVAL;
	o.uuid = uuid;
	if (restore_pe_start)
		o.pe_start = restore_pe_start;
	int fd = open_checked(ctx, path, &wipe);
	if (fd < 0)
		return -EPERM;
	if (lvm_has(ctx, ARG_test)) {
		close(fd);
		return 0;
	}
	static const char zero[4096];
	if (wipe && disk_write(fd, path, zero, sizeof(zero), 0) < 0)
		lvm_error("%s", err_msg());
	int r = pv_format(fd, path, &o, &l);
	close(fd);
	if (r < 0) {
		lvm_error("Failed to write physical volume \"%s\": %s", path, err_msg());
		return r;
	}
	lvm_devices_file_note(ctx, path, l.pv_uuid);
	lvm_print("Physical volume \"%s\" successfully created.", path);
	return 0;
}

int lvm_pvcreate(struct lvm_ctx *ctx)
{
	char uuid[UUID_LEN + 1];
	int status = LVM_OK;

	if (ctx->argc < 1) {
		lvm_error("Please enter a physical volume path.");
		return LVM_EINVALID;
	}
	if (lvm_has(ctx, ARG_uuid)) {
		if (!lvm_has(ctx, ARG_restorefile) && !lvm_has(ctx, ARG_norestorefile)) {
			lvm_error("--uuid requires --restorefile or --norestorefile.");
			return LVM_EINVALID;
		}
		if (ctx->argc > 1) {
			lvm_error("Can only set uuid on one volume at once");
			return LVM_EINVALID;
		}
		if (uuid_parse(lvm_str(ctx, ARG_uuid, ""), uuid) < 0) {
			lvm_error("%s", err_msg());
			return LVM_EINVALID;
		}
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	if (lvm_has(ctx, ARG_restorefile) && lvm_has(ctx, ARG_uuid) &&
	    restore_geometry(ctx, uuid, ctx->argv[0]))
		return LVM_EFAILED;
	for (int i = 0; i < ctx->argc; i++)
		if (lvm_pv_create(ctx, ctx->argv[i], lvm_has(ctx, ARG_uuid) ? uuid : NULL) < 0)
			status = LVM_EFAILED;
	return status;
}
