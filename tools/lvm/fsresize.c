/* The filesystem side of lvresize -r (LVM2's scripts/fsadm.sh): find the
 * filesystem on an LV, grow it after the LV grew, shrink it before the LV
 * shrinks. The tools (e2fsck, resize2fs, xfs_growfs, mount) run as child
 * processes with their output passed through. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvm.h"
#include "resize.h"
#include "ulvm/protocol.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* ext2/3/4: superblock at byte 1024, magic 0xEF53 at +56. */
static void probe_ext(const unsigned char *b, struct fs_info *fs)
{
	const unsigned char *sb = b + 1024;
	if (sb[56] != 0x53 || sb[57] != 0xEF)
		return;
	uint32_t incompat = le32(sb + 0x60), compat = le32(sb + 0x5c);
	uint64_t blocks = le32(sb + 4);
	if (incompat & 0x80) /* 64bit */
		blocks |= (uint64_t)le32(sb + 0x150) << 32;
	fs->kind = FS_EXT;
	fs->size = blocks * (1024ull << le32(sb + 24));
	fs->name = incompat & 0x2c0 ? "ext4" : compat & 0x4 ? "ext3" : "ext2";
}

/* xfs: "XFSB", sb_blocksize (be32) at 4, sb_dblocks (be64) at 8. */
static void probe_xfs(const unsigned char *b, struct fs_info *fs)
{
	if (memcmp(b, "XFSB", 4))
		return;
	fs->kind = FS_XFS;
	fs->name = "xfs";
	fs->size = be64(b + 8) * (((uint64_t)b[4] << 24) | b[5] << 16 | b[6] << 8 | b[7]);
}

int fs_probe(const struct lv *lv, struct fs_info *fs)
{
	memset(fs, 0, sizeof(*fs));
	const struct lv_seg *s = lv->segs;
	if (!s || !s->area_count || s->areas[0].type != AREA_PV || !s->areas[0].pv->device)
		return 0;
	const struct pv *pv = s->areas[0].pv;
	off_t off = (off_t)(pv->pe_start + (uint64_t)s->areas[0].start * lv->vg->extent_size) * 512;
	void *buf = NULL;
	int fd = open(pv->device, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		fd = open(pv->device, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || posix_memalign(&buf, 4096, 4096) || pread(fd, buf, 4096, off) != 4096) {
		lvm_error("Cannot read the start of %s/%s on %s.", lv->vg->name, lv->name,
			  pv->device);
		if (fd >= 0)
			close(fd);
		free(buf);
		return -EIO;
	}
	close(fd);
	probe_ext(buf, fs);
	if (fs->kind == FS_NONE)
		probe_xfs(buf, fs);
	free(buf);
	return 0;
}

const char *fs_mount_point(const char *dev, char *buf, size_t size)
{
	struct stat st;
	char line[4096];
	const char *found = NULL;

	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
		return NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		char mnt[4096];
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) == 3 &&
		    maj == major(st.st_rdev) && min == minor(st.st_rdev)) {
			snprintf(buf, size, "%s", mnt);
			found = buf;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Runs argv[0] (searched on PATH); returns its exit status, or -1. */
static int run(char *const argv[])
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "  Cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* e2fsck -f -p: 0 clean, 1 errors fixed; anything else stops the resize. */
static int check_ext(const char *dev, bool nofsck)
{
	if (nofsck)
		return 0;
	char *argv[] = {"e2fsck", "-f", "-p", (char *)dev, NULL};
	int r = run(argv);
	if (r == 0 || r == 1)
		return 0;
	lvm_error("Filesystem check failed on %s (e2fsck exit status %d).", dev, r);
	return -1;
}

static int grow_xfs(const char *dev, const char *mnt)
{
	char tmp[4200];
	bool mounted_here = false;

	if (!mnt) {
		snprintf(tmp, sizeof(tmp), "%s/fsadm-XXXXXX", ulvm_run_dir());
		mkdir(ulvm_run_dir(), 0755);
		if (!mkdtemp(tmp) || mount(dev, tmp, "xfs", 0, NULL) < 0) {
			lvm_error("Cannot mount %s to grow its xfs filesystem: %s", dev,
				  strerror(errno));
			rmdir(tmp);
			return -1;
		}
		mnt = tmp;
		mounted_here = true;
	}
	char *argv[] = {"xfs_growfs", (char *)mnt, NULL};
	int r = run(argv);
	if (mounted_here) {
		umount(tmp);
		rmdir(tmp);
	}
	if (r) {
		lvm_error("xfs_growfs failed on %s (exit status %d).", mnt, r);
		return -1;
	}
	return 0;
}

int fs_grow(const char *dev, const struct fs_info *fs, bool nofsck)
{
	char buf[4096];
	const char *mnt = fs_mount_point(dev, buf, sizeof(buf));

	if (fs->kind == FS_XFS)
		return grow_xfs(dev, mnt);
	if (fs->kind != FS_EXT)
		return 0;
	if (!mnt && check_ext(dev, nofsck) < 0)
		return -1;
	char *argv[] = {"resize2fs", (char *)dev, NULL};
	int r = run(argv);
	if (r) {
		lvm_error("resize2fs failed on %s (exit status %d)%s.", dev, r,
			  mnt ? ": online resizing needs CAP_SYS_RESOURCE" : "");
		return -1;
	}
	return 0;
}

int fs_shrink(const char *dev, const struct fs_info *fs, uint64_t bytes, bool nofsck)
{
	char buf[4096], size[32];

	if (fs->kind == FS_XFS) {
		lvm_error("Xfs filesystem shrinking is unsupported.");
		return -1;
	}
	if (fs->kind != FS_EXT)
		return 0;
	if (fs_mount_point(dev, buf, sizeof(buf))) {
		lvm_error("Cannot shrink the mounted %s filesystem on %s: unmount %s first.",
			  fs->name, dev, buf);
		return -1;
	}
	if (check_ext(dev, nofsck) < 0)
		return -1;
	snprintf(size, sizeof(size), "%lluK", (unsigned long long)(bytes / 1024));
	char *argv[] = {"resize2fs", (char *)dev, size, NULL};
	int r = run(argv);
	if (r) {
		lvm_error("resize2fs failed on %s (exit status %d).", dev, r);
		return -1;
	}
	return 0;
}
