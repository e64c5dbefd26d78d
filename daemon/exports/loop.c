/* The loop export: attaches a loop device over each device's FUSE file as
 * the device appears, follows its size, and refuses a removal while the
 * loop device is held exclusively (mounted, or claimed by a holder). */
#include "exports/loop.h"
#include "exports/fuse.h"
#include "exports/loop_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "engine/device.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"

#define LOOP_MAJOR 7

struct attachment {
	struct mapped_device *md; /* our reference */
	char name[128];		  /* as linked (follows renames) */
	char uuid[129];
	unsigned nr;	 /* /dev/loopN */
	char *frozen_at; /* mount point we froze at suspend, thawed at resume */
	struct attachment *next;
};

static struct {
	pthread_mutex_t lock; /* serialises attach/detach and the list */
	struct attachment *list;
	char *fuse_dir, *dev_dir;
	bool enabled;
	char reason[256];
} lx = {.lock = PTHREAD_MUTEX_INITIALIZER};

int loop_attach_mode_parse(const char *text)
{
	if (strcmp(text, "auto") == 0)
		return LOOP_ATTACH_AUTO;
	if (strcmp(text, "never") == 0)
		return LOOP_ATTACH_NEVER;
	return err_set(EINVAL, "invalid attach mode '%s' (auto or never)", text);
}

const char *loop_export_reason(void)
{
	return lx.reason;
}

static struct attachment *find(const struct mapped_device *md)
{
	for (struct attachment *a = lx.list; a; a = a->next)
		if (a->md == md)
			return a;
	return NULL;
}

/* Opens /dev/loopN; a node LOOP_CTL_GET_FREE just made may take a moment
 * to appear in devtmpfs. */
static int loop_open(unsigned nr, int flags)
{
	char path[64];
	struct timespec tick = {0, 5 * 1000 * 1000};

	snprintf(path, sizeof(path), "/dev/loop%u", nr);
	for (int i = 0; i < 200; i++) {
		int fd = open(path, flags | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		nanosleep(&tick, NULL);
	}
	return -1;
}

static bool loop_dio_on(unsigned nr)
{
	char path[64], c = '0';

	snprintf(path, sizeof(path), "/sys/block/loop%u/loop/dio", nr);
	FILE *f = fopen(path, "re");
	if (f) {
		if (fread(&c, 1, 1, f) != 1)
			c = '0';
		fclose(f);
	}
	return c == '1';
}

/* Binds a free loop device to `file_fd`. Direct I/O keeps device data out
 * of the page cache under the loop (the filesystem above caches it); it is
 * dropped when the kernel will not have it. Other programs take free loop
 * devices too, so a lost race (EBUSY) just moves on to the next one. */
static int loop_bind(int file_fd, const char *file, bool read_only, unsigned block_size,
		     unsigned *nr_out)
{
	/* The device's logical block size, as the kernel's dm device would
	 * have (4096 for crypt with sector_size:4096). */
	struct loop_config cfg = {.fd = (unsigned)file_fd, .block_size = block_size};
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		return err_set(errno, "cannot open '/dev/loop-control': %s", strerror(errno));
	cfg.info.lo_flags = LO_FLAGS_DIRECT_IO | (read_only ? LO_FLAGS_READ_ONLY : 0);
	/* Informational only (the kernel keeps 64 bytes): the tail is kept. */
	size_t len = strlen(file), keep = len < LO_NAME_SIZE ? len : LO_NAME_SIZE - 1;
	memcpy(cfg.info.lo_file_name, file + len - keep, keep);
	int r = -EBUSY;
	for (int tries = 0; tries < 16 && r < 0; tries++) {
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0) {
			r = err_set(errno, "no free loop device: %s", strerror(errno));
			break;
		}
		int fd = loop_open((unsigned)nr, read_only ? O_RDONLY : O_RDWR);
		if (fd < 0)
			continue;
		r = ioctl(fd, LOOP_CONFIGURE, &cfg) < 0 ? -errno : 0;
		if (r == -EINVAL && (cfg.info.lo_flags & LO_FLAGS_DIRECT_IO)) {
			cfg.info.lo_flags &= ~LO_FLAGS_DIRECT_IO;
			r = ioctl(fd, LOOP_CONFIGURE, &cfg) < 0 ? -errno : 0;
		}
		close(fd);
		if (r == 0)
			*nr_out = (unsigned)nr;
		else if (r != -EBUSY)
			r = err_set(-r, "cannot configure '/dev/loop%d': %s", nr, strerror(-r));
	}
	close(ctl);
	if (r == -EBUSY)
		return err_set(EBUSY, "no loop device could be bound (all taken)");
	return r;
}

/* Attaches a loop device over md's FUSE file and links it; the caller
 * holds lx.lock. */
static int attach(struct mapped_device *md)
{
	char file[4096], dev[64];
	struct md_info info;
	unsigned nr = 0;

	md_get_info(md, &info);
	if (!name_is_valid(info.name))
		return err_set(EINVAL, "device name '%s' is not valid as a file name", info.name);
	int r = fuse_export_add(md);
	if (r < 0)
		return err_default(-r, "no FUSE file to attach a loop device to");
	snprintf(file, sizeof(file), "%s/%s", lx.fuse_dir, info.name);
	int fd = open(file, (info.read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "cannot open '%s': %s", file, strerror(errno));
	r = loop_bind(fd, file, info.read_only, md_block_size(md), &nr);
	close(fd);
	if (r < 0)
		return r;
	struct attachment *a = calloc(1, sizeof(*a));
	if (!a)
		abort(); /* a bound loop we could not track would leak */
	md_get(md);
	a->md = md;
	a->nr = nr;
	snprintf(a->name, sizeof(a->name), "%s", info.name);
	snprintf(a->uuid, sizeof(a->uuid), "%s", info.uuid);
	a->next = lx.list;
	lx.list = a;
	snprintf(dev, sizeof(dev), "/dev/loop%u", nr);
	if (links_add(lx.dev_dir, a->name, a->uuid, dev) < 0)
		log_warn("loop: %s", err_msg());
	md_set_blockdev(md, dev, LOOP_MAJOR, nr);
	log_info("loop: device '%s' is %s%s", a->name, dev,
		 loop_dio_on(nr) ? "" : " (without direct I/O)");
	return 0;
}

/* Where /dev/loopN is mounted, for the message of a refused removal. */
static bool find_mount(unsigned nr, char *out, size_t size)
{
	char line[8192], want[32];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found = false;

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%u:%u", LOOP_MAJOR, nr);
	while (!found && fgets(line, sizeof(line), f)) {
		char devno[32], mnt[4096];
		/* id parent major:minor root mountpoint ... */
		if (sscanf(line, "%*s %*s %31s %*s %4095s", devno, mnt) == 2 &&
		    strcmp(devno, want) == 0) {
			snprintf(out, size, "%s", mnt);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* A mounted filesystem (or any exclusive holder) keeps O_EXCL opens out. */
static int check_busy(const struct attachment *a)
{
	char mnt[4096];
	int fd = loop_open(a->nr, O_RDONLY | O_EXCL);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EBUSY)
		return 0;
	if (find_mount(a->nr, mnt, sizeof(mnt)))
		return err_set(EBUSY, "device '%s' is in use: /dev/loop%u is mounted on '%s'",
			       a->name, a->nr, mnt);
	return err_set(EBUSY, "device '%s' is in use: /dev/loop%u is held open exclusively",
		       a->name, a->nr);
}

/* Unbinds the loop (at once when idle, else at its last close, as the
 * kernel does for a busy loop) and removes the links. Caller holds lx.lock
 * and gives up `a`. */
static void detach(struct attachment *a)
{
	int fd = loop_open(a->nr, O_RDONLY);

	if (fd < 0 || ioctl(fd, LOOP_CLR_FD) < 0)
		log_warn("loop: cannot detach /dev/loop%u of '%s': %s", a->nr, a->name,
			 strerror(errno));
	if (fd >= 0)
		close(fd);
	links_remove(lx.dev_dir, a->name, a->uuid);
	md_set_blockdev(a->md, NULL, 0, 0);
	for (struct attachment **p = &lx.list; *p; p = &(*p)->next) {
		if (*p == a) {
			*p = a->next;
			break;
		}
	}
	log_info("loop: detached /dev/loop%u from '%s'", a->nr, a->name);
	md_put(a->md);
	free(a->frozen_at);
	free(a);
}

int loop_export_check_busy(struct mapped_device *md)
{
	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	int r = a ? check_busy(a) : 0;
	pthread_mutex_unlock(&lx.lock);
	return r;
}

static int listen_removing(struct mapped_device *md, bool force)
{
	int r = 0;

	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	if (a) {
		r = check_busy(a);
		if (r < 0 && force) {
			log_warn("loop: %s; detaching anyway (forced)", err_msg());
			r = 0;
		}
		if (r == 0)
			detach(a);
	}
	pthread_mutex_unlock(&lx.lock);
	return r;
}

static void listen_removed(struct mapped_device *md)
{
	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	if (a)
		detach(a);
	pthread_mutex_unlock(&lx.lock);
}

/* A device without a table has no size; it is attached once it has one. */
static void attach_if_sized(struct mapped_device *md)
{
	if (!lx.enabled || md_size(md) == 0 || find(md))
		return;
	if (attach(md) < 0)
		log_warn("loop: no block device for '%s': %s", md_name(md), err_msg());
}

static void listen_created(struct mapped_device *md)
{
	pthread_mutex_lock(&lx.lock);
	attach_if_sized(md);
	pthread_mutex_unlock(&lx.lock);
}

/* The FUSE inode size first, since the loop driver reads it from there. */
static void listen_resized(struct mapped_device *md, uint64_t old_size)
{
	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	if (a) {
		fuse_export_sync_size(md);
		int fd = loop_open(a->nr, O_RDWR);
		if (fd < 0 || ioctl(fd, LOOP_SET_CAPACITY, 0) < 0)
			log_warn("loop: cannot resize /dev/loop%u of '%s': %s", a->nr, a->name,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		attach_if_sized(md);
	}
	pthread_mutex_unlock(&lx.lock);
}

static void listen_renamed(struct mapped_device *md, const char *old_name)
{
	char dev[64];

	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	if (a && name_is_valid(md_name(md))) {
		links_remove(lx.dev_dir, a->name, a->uuid);
		snprintf(a->name, sizeof(a->name), "%s", md_name(md));
		snprintf(dev, sizeof(dev), "/dev/loop%u", a->nr);
		if (links_add(lx.dev_dir, a->name, a->uuid, dev) < 0)
			log_warn("loop: %s", err_msg());
	}
	pthread_mutex_unlock(&lx.lock);
}

/* dm's lockfs: a filesystem mounted on the block device is frozen before
 * the device suspends (so it writes its dirty data and journal while the
 * device still takes I/O) and thawed after the resume. */
static int listen_freeze(struct mapped_device *md)
{
	char mnt[4096];

	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	bool mounted = a && !a->frozen_at && find_mount(a->nr, mnt, sizeof(mnt));
	pthread_mutex_unlock(&lx.lock);
	if (!mounted)
		return 0;
	int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* not ours to reach: suspend without freezing */
	int r = ioctl(fd, FIFREEZE, 0);
	int e = errno;
	close(fd);
	if (r < 0) {
		/* Frozen by someone else, cannot freeze, or failing (a device
		 * under flakey): the suspend goes on without, as it must still
		 * be possible to swap the table of an erroring device. */
		if (e != EBUSY && e != EOPNOTSUPP)
			log_warn("loop: cannot freeze the filesystem on '%s' (%s): %s; suspending "
				 "without",
				 md_name(md), mnt, strerror(e));
		return 0;
	}
	pthread_mutex_lock(&lx.lock);
	a = find(md);
	if (a)
		a->frozen_at = strdup(mnt);
	pthread_mutex_unlock(&lx.lock);
	return 0;
}

static void listen_thaw(struct mapped_device *md)
{
	pthread_mutex_lock(&lx.lock);
	struct attachment *a = find(md);
	char *mnt = a ? a->frozen_at : NULL;
	if (a)
		a->frozen_at = NULL;
	pthread_mutex_unlock(&lx.lock);
	if (!mnt)
		return;
	int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, FITHAW, 0) < 0)
		log_warn("loop: cannot thaw the filesystem on '%s' (%s): %s", md_name(md), mnt,
			 strerror(errno));
	if (fd >= 0)
		close(fd);
	free(mnt);
}

static struct md_listener loop_listener = {
    .freeze = listen_freeze,
    .thaw = listen_thaw,
    .removing = listen_removing,
    .created = listen_created,
    .resized = listen_resized,
    .removed = listen_removed,
    .renamed = listen_renamed,
};

/* Why no block devices can be made here, or "" when they can. */
static void probe(int mode)
{
	if (mode == LOOP_ATTACH_NEVER) {
		snprintf(lx.reason, sizeof(lx.reason), "block devices disabled (--attach=never)");
		return;
	}
	if (!lx.fuse_dir) {
		snprintf(lx.reason, sizeof(lx.reason),
			 "no block devices: the FUSE export is not running");
		return;
	}
	int fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(lx.reason, sizeof(lx.reason),
			 "no block devices: '/dev/loop-control': %s%s", strerror(errno),
			 geteuid() ? " (not root)" : "");
		return;
	}
	close(fd);
	lx.reason[0] = '\0';
	lx.enabled = true;
}

int loop_export_start(const char *fuse_dir, const char *dev_dir, int mode)
{
	lx.fuse_dir = fuse_dir ? strdup(fuse_dir) : NULL;
	lx.dev_dir = strdup(dev_dir);
	if ((fuse_dir && !lx.fuse_dir) || !lx.dev_dir)
		return -ENOMEM;
	probe(mode);
	if (lx.enabled)
		log_info("loop: block devices linked under '%s/mapper'", dev_dir);
	else
		log_warn("loop: %s; FUSE files and NBD still work", lx.reason);
	md_add_listener(&loop_listener);
	return 0;
}

void loop_export_stop(void)
{
	pthread_mutex_lock(&lx.lock);
	lx.enabled = false;
	while (lx.list)
		detach(lx.list);
	pthread_mutex_unlock(&lx.lock);
}
