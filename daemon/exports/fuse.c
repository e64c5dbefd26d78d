/* The FUSE export: mount, threads, and the node table kept in step with
 * the engine's devices through an md_listener. The request handlers are
 * in fuse_ops.c (metadata) and fuse_io.c (data). */
#include "exports/fuse.h"
#include "exports/fuse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"

struct fuse_export fx = {
    .lock = PTHREAD_MUTEX_INITIALIZER, .next_ino = FUSE_ROOT_ID + 1, .dev_fd = -1};

struct fuse_node *fx_node_by_ino(uint64_t ino)
{
	for (struct fuse_node *n = fx.nodes; n; n = n->next)
		if (n->ino == ino)
			return n;
	return NULL;
}

/* Only live nodes have names; a removed one is reachable by inode only. */
struct fuse_node *fx_node_by_name(const char *name)
{
	for (struct fuse_node *n = fx.nodes; n; n = n->next)
		if (n->md && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static struct fuse_node *node_by_md(const struct mapped_device *md)
{
	for (struct fuse_node *n = fx.nodes; n; n = n->next)
		if (n->md == md)
			return n;
	return NULL;
}

void fx_node_attr(const struct fuse_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = S_IFREG | (n->read_only ? 0400 : 0600);
	st->st_nlink = n->md ? 1 : 0;
	st->st_size = (off_t)n->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)(n->size >> 9);
}

/* Drops kernel references; frees a removed node nobody can reach. */
void fx_node_unref(struct fuse_node *n, uint64_t count)
{
	n->nlookup = count > n->nlookup ? 0 : n->nlookup - count;
	if (n->nlookup || n->md)
		return;
	for (struct fuse_node **p = &fx.nodes; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			free(n);
			return;
		}
	}
}

int fuse_export_add(struct mapped_device *md)
{
	if (!fx.running)
		return -ENODEV;
	/* The engine refuses such names at create; checked again because the
	 * name becomes a path component. */
	if (!name_is_valid(md_name(md)))
		return err_set(EINVAL, "device name '%s' is not valid as a file name", md_name(md));
	pthread_mutex_lock(&fx.lock);
	struct fuse_node *n = node_by_md(md);
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&fx.lock);
			return -ENOMEM;
		}
		n->ino = fx.next_ino++;
		snprintf(n->name, sizeof(n->name), "%s", md_name(md));
		md_get(md);
		n->md = md;
		n->next = fx.nodes;
		fx.nodes = n;
	}
	n->size = md_size(md) << SECTOR_SHIFT;
	n->read_only = md_read_only(md);
	pthread_mutex_unlock(&fx.lock);
	return 0;
}

void fuse_export_sync_size(struct mapped_device *md)
{
	uint64_t ino = 0;
	char path[4096];

	if (!fx.running)
		return;
	pthread_mutex_lock(&fx.lock);
	struct fuse_node *n = node_by_md(md);
	if (n) {
		n->size = md_size(md) << SECTOR_SHIFT;
		n->read_only = md_read_only(md);
		ino = n->ino;
		snprintf(path, sizeof(path), "%s/%s", fx.mountpoint, n->name);
	}
	pthread_mutex_unlock(&fx.lock);
	if (!ino)
		return;
	/* Drop the kernel's cached attributes, then stat so that it fetches
	 * them now: the loop driver reads the cached inode size. */
	fuse_lowlevel_notify_inval_inode(fx.se, ino, -1, 0);
	struct stat st;
	if (stat(path, &st) < 0)
		log_warn("fuse: cannot refresh size of '%s': %s", path, strerror(errno));
}

static void listen_created(struct mapped_device *md)
{
	if (fuse_export_add(md) < 0)
		log_warn("fuse: no file for device '%s': %s", md_name(md), err_msg());
}

static void listen_resized(struct mapped_device *md, uint64_t old_size)
{
	fuse_export_sync_size(md);
}

/* The node loses its name and device; open handles keep their own device
 * reference and get -ENODEV from the engine from now on. */
static void listen_removed(struct mapped_device *md)
{
	char name[ULVM_NAME_MAX + 1];
	struct mapped_device *put = NULL;
	uint64_t ino = 0;

	if (!fx.running)
		return;
	pthread_mutex_lock(&fx.lock);
	struct fuse_node *n = node_by_md(md);
	if (n) {
		snprintf(name, sizeof(name), "%s", n->name);
		ino = n->ino;
		put = n->md;
		n->md = NULL;
		atomic_store(&n->removed, true);
		n->size = 0;
		fx_node_unref(n, 0);
	}
	pthread_mutex_unlock(&fx.lock);
	if (!ino)
		return;
	fuse_lowlevel_notify_delete(fx.se, FUSE_ROOT_ID, ino, name, strlen(name));
	md_put(put);
}

static void listen_renamed(struct mapped_device *md, const char *old_name)
{
	bool found = false;

	if (!fx.running)
		return;
	pthread_mutex_lock(&fx.lock);
	struct fuse_node *n = node_by_md(md);
	if (n && name_is_valid(md_name(md))) {
		snprintf(n->name, sizeof(n->name), "%s", md_name(md));
		found = true;
	}
	pthread_mutex_unlock(&fx.lock);
	if (found)
		fuse_lowlevel_notify_inval_entry(fx.se, FUSE_ROOT_ID, old_name, strlen(old_name));
}

static struct md_listener fuse_listener = {
    .created = listen_created,
    .resized = listen_resized,
    .removed = listen_removed,
    .renamed = listen_renamed,
};

/* A daemon killed with -9 leaves a dead mount: stat fails ENOTCONN. */
static void detach_dead_mount(const char *mountpoint)
{
	struct stat st;

	if (stat(mountpoint, &st) < 0 && errno == ENOTCONN) {
		log_info("fuse: detaching stale mount '%s'", mountpoint);
		umount2(mountpoint, MNT_DETACH);
	}
}

static int session_create(const char *mountpoint)
{
	char opts[256];

	/* As root the files are also reachable by others the modes allow;
	 * a user mount would need user_allow_other in /etc/fuse.conf. */
	snprintf(opts, sizeof(opts), "fsname=ulvm,subtype=ulvm,default_permissions%s",
		 geteuid() == 0 ? ",allow_other" : "");
	char *argv[] = {"ulvmd", "-o", opts, NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);

	fx.se = fuse_session_new(&args, &fx_ops, sizeof(fx_ops), NULL);
	fuse_opt_free_args(&args); /* the session keeps what it needs */
	if (!fx.se)
		return err_set(EIO, "fuse: cannot create a session (is /dev/fuse there?)");
	if (fuse_session_mount(fx.se, mountpoint) != 0) {
		fuse_session_destroy(fx.se);
		fx.se = NULL;
		return err_set(EIO, "fuse: cannot mount '%s'", mountpoint);
	}
	/* libfuse's writes (replies of the metadata threads, notifications)
	 * go through fuse_uring.c, which takes the ring up at INIT. */
	static const struct fuse_custom_io io = {.writev = fx_ring_writev, .read = fx_ring_read};
	int r = fuse_session_custom_io(fx.se, &io, fuse_session_fd(fx.se));
	if (r < 0) {
		fuse_session_unmount(fx.se);
		fuse_session_destroy(fx.se);
		fx.se = NULL;
		return err_set(-r, "fuse: cannot set the session's io: %s", strerror(-r));
	}
	return 0;
}

int fuse_export_start(const char *mountpoint)
{
	if (fx.running)
		return 0;
	if (mkdir(mountpoint, 0755) < 0 && errno != EEXIST)
		return err_set(errno, "fuse: cannot create '%s': %s", mountpoint, strerror(errno));
	detach_dead_mount(mountpoint);
	fx.mountpoint = strdup(mountpoint);
	if (!fx.mountpoint)
		return -ENOMEM;
	int r = session_create(mountpoint);
	if (r < 0)
		goto fail;
	fx.running = true;
	r = fx_dev_start();
	if (r < 0) {
		fx.running = false;
		fuse_session_exit(fx.se);
		fuse_session_unmount(fx.se);
		if (fx_dev_wait(2000))
			fx_dev_stop();
		else
			log_error("fuse: workers still read the device; leaving it open");
		fuse_session_destroy(fx.se);
		fx.se = NULL;
		goto fail;
	}
	md_add_listener(&fuse_listener);
	log_info("fuse: device files under '%s'", mountpoint);
	return 0;
fail:
	free(fx.mountpoint);
	fx.mountpoint = NULL;
	return r;
}

void fuse_export_allow_uring(bool allowed)
{
	fx_ring_allow(allowed);
}

const char *fuse_export_dir(void)
{
	return fx.running ? fx.mountpoint : NULL;
}

/* When a file is still held (a loop that could not be detached), the lazy
 * unmount keeps the connection alive and the workers' readers waiting:
 * aborting it through fusectl ends them with ENODEV. */
static void abort_connection(dev_t dev)
{
	char path[80];

	snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/abort",
		 (major(dev) << 20) | minor(dev));
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0)
		log_warn("fuse: cannot abort connection: %s", strerror(errno));
	close(fd);
}

/* Waits up to `ms` for the workers to send the replies they owe. */
static bool drain_inflight(int ms)
{
	struct timespec tick = {0, 10 * 1000 * 1000};

	for (int i = 0; i < ms / 10; i++) {
		if (atomic_load(&fx.inflight) == 0)
			return true;
		nanosleep(&tick, NULL);
	}
	return atomic_load(&fx.inflight) == 0;
}

static void free_nodes(void)
{
	pthread_mutex_lock(&fx.lock);
	while (fx.nodes) {
		struct fuse_node *n = fx.nodes;
		fx.nodes = n->next;
		if (n->md)
			md_put(n->md);
		free(n);
	}
	pthread_mutex_unlock(&fx.lock);
}

void fuse_export_stop(void)
{
	struct stat st;

	if (!fx.running)
		return;
	fx.running = false; /* listeners and fuse_export_add() stop here */
	bool have_dev = stat(fx.mountpoint, &st) == 0;
	fuse_session_exit(fx.se); /* replies after this may fail quietly */
	fuse_session_unmount(fx.se);
	if (!fx_dev_wait(2000)) {
		log_warn("fuse: '%s' still in use at stop, aborting the connection", fx.mountpoint);
		if (have_dev)
			abort_connection(st.st_dev);
		if (!fx_dev_wait(2000)) {
			/* No fusectl to abort with: the kernel ends the
			 * connection when the process exits. */
			log_error("fuse: cannot stop reading the FUSE device; leaving it to exit");
			return;
		}
	}
	fx_dev_stop();
	/* A worker replying into a destroyed session would crash. */
	if (!drain_inflight(10000)) {
		log_error("fuse: %ld requests still owed at stop; leaking the session",
			  atomic_load(&fx.inflight));
	} else {
		fuse_session_destroy(fx.se);
	}
	fx.se = NULL;
	free_nodes();
	rmdir(fx.mountpoint);
	free(fx.mountpoint);
	fx.mountpoint = NULL;
}
