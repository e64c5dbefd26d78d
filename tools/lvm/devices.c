/* The devices file (LVM2's lvmdevices(8) model): the list of devices LVM
 * may use, $ULVM_SYSTEM_DIR/devices/system.devices (or the file named by
 * --devicesfile in that folder). One line per device:
 *
 *   IDTYPE=devname IDNAME=/dev/loop3 DEVNAME=/dev/loop3 PVID=<32 chars>
 *   IDTYPE=file IDNAME=/x/pv1.img DEVNAME=/x/pv1.img PVID=<32 chars>
 *
 * "file" is ulvm's id type for image files (LVM2 has no such type). The
 * file is rewritten whole through a temporary file and rename, so readers
 * see the old or the new list. Callers hold the global lock. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lvm.h"
#include "lvm_int.h"

const char *lvm_devices_file_path(struct lvm_ctx *ctx)
{
	const char *name = lvm_str(ctx, ARG_devicesfile, "system.devices");
	if (strchr(name, '/'))
		return name;
	return arena_printf(&ctx->arena, "%s/devices/%s", lvm_system_dir(), name);
}

bool lvm_devices_file_use(struct lvm_ctx *ctx)
{
	struct stat st;
	if (lvm_has(ctx, ARG_devices) || !lvm_config_int(ctx, "devices/use_devicesfile", 1))
		return false;
	return lvm_has(ctx, ARG_devicesfile) || stat(lvm_devices_file_path(ctx), &st) == 0;
}

/* Value of "KEY=" in a line, copied into the arena; NULL when absent. */
static const char *field(struct lvm_ctx *ctx, const char *line, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = line; (p = strstr(p, key)); p += kl) {
		if ((p != line && p[-1] != ' ') || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		return arena_strndup(&ctx->arena, v, strcspn(v, " \n"));
	}
	return NULL;
}

unsigned lvm_devices_file_read(struct lvm_ctx *ctx, struct lvm_devfile_entry **out)
{
	FILE *f = fopen(lvm_devices_file_path(ctx), "re");
	struct lvm_devfile_entry *e = NULL;
	unsigned n = 0, cap = 0;
	char line[1024];

	while (f && fgets(line, sizeof(line), f)) {
		const char *dev = field(ctx, line, "DEVNAME");
		if (line[0] == '#' || !dev)
			continue;
		if (n == cap) {
			struct lvm_devfile_entry *ne =
			    arena_alloc(&ctx->arena, (cap = cap * 2 + 8) * sizeof(*ne));
			if (n)
				memcpy(ne, e, n * sizeof(*ne));
			e = ne;
		}
		e[n].idtype = field(ctx, line, "IDTYPE");
		e[n].devname = dev;
		e[n].pvid = field(ctx, line, "PVID");
		n++;
	}
	if (f)
		fclose(f);
	*out = e;
	return n;
}

unsigned lvm_devices_file_list(struct lvm_ctx *ctx, const char ***paths)
{
	struct lvm_devfile_entry *e;
	unsigned n = lvm_devices_file_read(ctx, &e);
	const char **p = arena_alloc(&ctx->arena, (n + 1) * sizeof(*p));
	for (unsigned i = 0; i < n; i++)
		p[i] = e[i].devname;
	*paths = p;
	return n;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int lvm_devices_file_write(struct lvm_ctx *ctx, const struct lvm_devfile_entry *e, unsigned n)
{
	const char *path = lvm_devices_file_path(ctx);
	char dir[PATH_MAX], tmp[PATH_MAX + 8];
	time_t now = time(NULL);

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = mkdir_p(dir) == 0 ? fopen(tmp, "we") : NULL;
	if (!f) {
		lvm_error("Failed to write devices file %s: %s", path, strerror(errno));
		return -EIO;
	}
	fprintf(f,
		"# LVM uses devices listed in this file.\n# Created by LVM command %s pid %d at %s",
		ctx->cmd->name, (int)getpid(), ctime(&now));
	fprintf(f, "VERSION=1.1.1\n");
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "IDTYPE=%s IDNAME=%s DEVNAME=%s PVID=%s\n", e[i].idtype, e[i].devname,
			e[i].devname, e[i].pvid && *e[i].pvid ? e[i].pvid : ".");
	if (fflush(f) || fsync(fileno(f)) || fclose(f) || rename(tmp, path)) {
		lvm_error("Failed to write devices file %s: %s", path, strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

/* The id type of a device: block devices by name, anything else a file. */
static const char *idtype_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISBLK(st.st_mode) ? "devname" : "file";
}

int lvm_devices_file_add(struct lvm_ctx *ctx, const char *path, const char *pvid)
{
	struct lvm_devfile_entry *e, *ne;
	unsigned n = lvm_devices_file_read(ctx, &e);
	char abs[PATH_MAX];

	if (!realpath(path, abs))
		snprintf(abs, sizeof(abs), "%s", path);
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(e[i].devname, abs) && strcmp(e[i].devname, path))
			continue;
		if (pvid && (!e[i].pvid || strcmp(e[i].pvid, pvid))) {
			e[i].pvid = pvid;
			return lvm_devices_file_write(ctx, e, n);
		}
		return 0;
	}
	ne = arena_alloc(&ctx->arena, (n + 1) * sizeof(*ne));
	if (n)
		memcpy(ne, e, n * sizeof(*ne));
	ne[n].idtype = idtype_of(abs);
	ne[n].devname = arena_strdup(&ctx->arena, abs);
	ne[n].pvid = pvid;
	return lvm_devices_file_write(ctx, ne, n + 1);
}

int lvm_devices_file_del(struct lvm_ctx *ctx, const char *path)
{
	struct lvm_devfile_entry *e;
	unsigned n = lvm_devices_file_read(ctx, &e), k = 0;
	char abs[PATH_MAX];
	bool found = false;

	if (!realpath(path, abs))
		snprintf(abs, sizeof(abs), "%s", path);
	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(e[i].devname, abs) || !strcmp(e[i].devname, path))
			found = true;
		else
			e[k++] = e[i];
	}
	return found ? lvm_devices_file_write(ctx, e, k) : -ENOENT;
}

/* pvcreate/vgimportdevices: record a device unless --devices restricts
 * this call or the devices file is switched off. */
int lvm_devices_file_note(struct lvm_ctx *ctx, const char *path, const char *pvid)
{
	if (lvm_has(ctx, ARG_devices) || !lvm_config_int(ctx, "devices/use_devicesfile", 1))
		return 0;
	return lvm_devices_file_add(ctx, path, pvid);
}
