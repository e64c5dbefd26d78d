/* Command locks as LVM2's file locking: one file per lock under
 * $ULVM_RUN_DIR/lock (P_global, V_<vg>), flock shared or exclusive, held
 * until the command ends. Two commands on one VG serialise on V_<vg>;
 * commands that change the set of PVs or VG names take P_global first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvm.h"
#include "lvm_int.h"
#include "ulvm/protocol.h"

struct lvm_lock {
	struct lvm_lock *next;
	const char *name;
	int fd;
	bool exclusive;
};

int lvm_lock(struct lvm_ctx *ctx, const char *name, bool exclusive)
{
	char path[4200];
	struct lvm_lock *l;

	if (lvm_has(ctx, ARG_nolocking))
		return 0;
	for (l = ctx->locks; l; l = l->next)
		if (!strcmp(l->name, name)) {
			if (l->exclusive || !exclusive)
				return 0;
			break;
		}
	if (!l) {
		snprintf(path, sizeof(path), "%s/lock", ulvm_run_dir());
		if (mkdir(ulvm_run_dir(), 0755) < 0 && errno != EEXIST)
			goto fail;
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			goto fail;
		snprintf(path, sizeof(path), "%s/lock/%s", ulvm_run_dir(), name);
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			goto fail;
		l = arena_alloc(&ctx->arena, sizeof(*l));
		l->name = arena_strdup(&ctx->arena, name);
		l->fd = fd;
		l->next = ctx->locks;
		ctx->locks = l;
	}
	if (flock(l->fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		goto fail;
	l->exclusive = exclusive;
	return 0;
fail:
	lvm_error("Failed to lock %s: %s", name, strerror(errno));
	return -EAGAIN;
}

int lvm_lock_global(struct lvm_ctx *ctx, bool exclusive)
{
	return lvm_lock(ctx, "P_global", exclusive);
}

int lvm_lock_vg(struct lvm_ctx *ctx, const char *vg, bool exclusive)
{
	char name[300];
	snprintf(name, sizeof(name), "V_%s", vg);
	return lvm_lock(ctx, name, exclusive);
}

void lvm_locks_release(struct lvm_ctx *ctx)
{
	for (struct lvm_lock *l = ctx->locks; l; l = l->next)
		close(l->fd);
	ctx->locks = NULL;
}
