/* pvremove PV...: wipes the LVM2 label of orphan PVs. A PV in a VG needs
 * -ff and a confirmation, as in LVM2. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format_text/disk_io.h"
#include "format_text/label.h"
#include "lvm.h"
#include "lvm_int.h"
#include "util/error.h"

static int remove_one(struct lvm_ctx *ctx, const char *path)
{
	struct lvm_dev *d = lvm_dev_find(ctx, path);

	if (!d || !d->is_pv) {
		lvm_error("No PV found on device %s.", path);
		return LVM_EFAILED;
	}
	if (d->vgname) {
		if (lvm_count(ctx, ARG_force) < 2) {
			lvm_error("PV %s is used by VG %s so please use vgreduce first.", path,
				  d->vgname);
			lvm_error("(If you are certain you need pvremove, then confirm by using "
				  "--force twice.)");
			lvm_error("%s: physical volume label not removed.", path);
			return LVM_EFAILED;
		}
		if (!lvm_yes(ctx,
			     "Really WIPE LABELS from physical volume \"%s\" of volume group "
			     "\"%s\"?",
			     path, d->vgname))
			return LVM_EFAILED;
		lvm_warn("Wiping physical volume label from %s of volume group \"%s\".", path,
			 d->vgname);
	}
	if (lvm_dev_mounted(path)) {
		lvm_error("Can't open %s exclusively.  Mounted filesystem?", path);
		return LVM_EFAILED;
	}
	if (lvm_has(ctx, ARG_test))
		return LVM_OK;
	int fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || label_remove(fd, d->path) < 0 || disk_sync(fd, d->path) < 0) {
		lvm_error("Failed to wipe existing label on %s: %s", path,
			  fd < 0 ? strerror(errno) : err_msg());
		if (fd >= 0)
			close(fd);
		return LVM_EFAILED;
	}
	close(fd);
	lvm_print("Labels on physical volume \"%s\" successfully wiped.", path);
	return LVM_OK;
}

int lvm_pvremove(struct lvm_ctx *ctx)
{
	int status = LVM_OK;

	if (ctx->argc < 1) {
		lvm_error("Please enter a physical volume path");
		return LVM_EINVALID;
	}
	if (lvm_lock_global(ctx, true) < 0)
		return LVM_EFAILED;
	for (int i = 0; i < ctx->argc; i++) {
		int r = remove_one(ctx, ctx->argv[i]);
		if (r > status)
			status = r;
	}
	return status;
}
