/* The /dev/mapper style links of the loop export. Every name reaching a
 * path here passed name_is_valid(): no '/', no "..", no control bytes. */
#include "exports/loop_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"

bool lvm_split_name(const char *name, char *vg, char *lv, unsigned size)
{
	unsigned n = 0;
	char *out = vg;
	bool split = false;

	for (const char *p = name; *p; p++) {
		if (*p == '-' && p[1] == '-') {
			p++; /* an escaped hyphen */
		} else if (*p == '-' && !split) {
			out[n] = '\0';
			out = lv;
			n = 0;
			split = true;
			continue;
		}
		if (n + 1 >= size)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return split && name_is_valid(vg) && name_is_valid(lv);
}

/* Points `link` at `target`, replacing whatever was there atomically. */
static int link_replace(const char *link, const char *target)
{
	char tmp[4200];

	snprintf(tmp, sizeof(tmp), "%s.ulvm-tmp", link);
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		int e = errno;
		unlink(tmp);
		return err_set(e, "cannot link '%s' to '%s': %s", link, target, strerror(e));
	}
	return 0;
}

/* An LV's own device; layers (uuid suffix "-real", "-cow", ...) get no
 * VG/LV link, as with LVM2's udev rules. */
static bool is_lvm_uuid(const char *uuid)
{
	return uuid && strncmp(uuid, "LVM-", 4) == 0 && !strchr(uuid + 4, '-');
}

int links_add(const char *dev_dir, const char *name, const char *uuid, const char *target)
{
	char path[4096], vg[128], lv[128];

	if (!name_is_valid(name))
		return err_set(EINVAL, "device name '%s' is not valid as a file name", name);
	snprintf(path, sizeof(path), "%s/mapper", dev_dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return err_set(errno, "cannot create '%s': %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/mapper/%s", dev_dir, name);
	int r = link_replace(path, target);
	if (r < 0 || !is_lvm_uuid(uuid) || !lvm_split_name(name, vg, lv, sizeof(vg)))
		return r;
	snprintf(path, sizeof(path), "%s/%s", dev_dir, vg);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return err_set(errno, "cannot create '%s': %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/%s", dev_dir, vg, lv);
	return link_replace(path, target);
}

void links_remove(const char *dev_dir, const char *name, const char *uuid)
{
	char path[4096], vg[128], lv[128];

	if (!name_is_valid(name))
		return;
	snprintf(path, sizeof(path), "%s/mapper/%s", dev_dir, name);
	unlink(path);
	if (!is_lvm_uuid(uuid) || !lvm_split_name(name, vg, lv, sizeof(vg)))
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", dev_dir, vg, lv);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", dev_dir, vg);
	rmdir(path); /* only goes when it was the VG's last LV */
}

bool loop_backing_file(unsigned nr, char *out, unsigned size)
{
	char path[80];

	snprintf(path, sizeof(path), "/sys/block/loop%u/loop/backing_file", nr);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(out, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		out[strcspn(out, "\n")] = '\0';
	return ok;
}

/* A link of ours that outlived its daemon: it names /dev/loopN exactly and
 * that loop is unbound now (cleanup detached it first). */
static bool link_is_stale(const char *path)
{
	char target[256], back[4096];
	unsigned nr;
	char end;

	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	if (sscanf(target, "/dev/loop%u%c", &nr, &end) != 1)
		return false;
	return !loop_backing_file(nr, back, sizeof(back));
}

static int remove_stale_in(const char *dir, bool remove_dir)
{
	char path[4400];
	int count = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type != DT_LNK || !name_is_valid(e->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (link_is_stale(path) && unlink(path) == 0) {
			log_info("loop: removed stale link '%s'", path);
			count++;
		}
	}
	closedir(d);
	if (remove_dir && count)
		rmdir(dir);
	return count;
}

int links_remove_stale(const char *dev_dir)
{
	char path[4400];
	int count = 0;
	DIR *d = opendir(dev_dir);

	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type != DT_DIR || !name_is_valid(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dev_dir, e->d_name);
		count += remove_stale_in(path, strcmp(e->d_name, "mapper") != 0);
	}
	closedir(d);
	return count;
}
