/* Cleaning up after a daemon that died without stopping (kill -9): its
 * loop devices still point into its dead FUSE mount, its links still
 * point at those loops. Only loops whose backing file lies under our own
 * mount point are touched, never anyone else's. */
#include "exports/loop.h"
#include "exports/loop_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

/* The canonical path of fuse_dir plus "/". A dead mount cannot be
 * resolved itself (ENOTCONN), so its parent is resolved instead. */
static bool mount_prefix(const char *fuse_dir, char *out, size_t size)
{
	char copy[PATH_MAX], copy2[PATH_MAX], parent[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", fuse_dir);
	snprintf(copy2, sizeof(copy2), "%s", fuse_dir);
	if (!realpath(dirname(copy), parent))
		return false;
	int n = snprintf(out, size, "%s/%s/", strcmp(parent, "/") ? parent : "", basename(copy2));
	return n > 0 && (size_t)n < size;
}

static int detach_stale_loops(const char *prefix)
{
	char back[PATH_MAX + 32], path[64];
	int count = 0;
	DIR *d = opendir("/sys/block");

	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		unsigned nr;
		char end;
		if (sscanf(e->d_name, "loop%u%c", &nr, &end) != 1 ||
		    !loop_backing_file(nr, back, sizeof(back)) ||
		    strncmp(back, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/loop%u", nr);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && ioctl(fd, LOOP_CLR_FD) == 0) {
			log_info("loop: detached stale %s (backing '%s')", path, back);
			count++;
		} else {
			log_warn("loop: cannot detach stale %s: %s", path, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return count;
}

int loop_export_cleanup_stale(const char *fuse_dir, const char *dev_dir)
{
	char prefix[PATH_MAX + 2];
	struct stat st;
	int count = 0;

	if (mount_prefix(fuse_dir, prefix, sizeof(prefix)))
		count += detach_stale_loops(prefix);
	if (dev_dir)
		count += links_remove_stale(dev_dir);
	/* A live mount belongs to a running daemon: only a dead one goes. */
	if (stat(fuse_dir, &st) < 0 && errno == ENOTCONN) {
		if (umount2(fuse_dir, MNT_DETACH) == 0) {
			log_info("loop: unmounted stale FUSE mount '%s'", fuse_dir);
			count++;
		} else {
			log_warn("loop: cannot unmount stale '%s': %s", fuse_dir, strerror(errno));
		}
	}
	return count;
}
