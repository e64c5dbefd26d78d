/* Private to fuse.c, fuse_ops.c, fuse_dev.c and fuse_io.c: the node table
 * and the session they share. */
#ifndef ULVM_EXPORTS_FUSE_INT_H
#define ULVM_EXPORTS_FUSE_INT_H

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <linux/fuse.h> /* the requests fuse_dev.c and fuse_io.c parse */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/device.h"
#include "ulvm/protocol.h"

/* One file in the mount's root directory. Inode numbers are never reused,
 * so a stale kernel inode can never reach another device. */
struct fuse_node {
	uint64_t ino;
	char name[ULVM_NAME_MAX + 1];
	struct mapped_device *md; /* our reference; NULL once removed */
	_Atomic uint64_t size;	  /* bytes; read by the data path without the lock */
	atomic_bool removed;	  /* the device is gone: fail ios, submit none */
	bool read_only;
	uint64_t nlookup; /* kernel references (lookup minus forget) */
	struct fuse_node *next;
};

/* An open file. Holds a device reference so ios can use it without the
 * node lock; counts as an md opener unless ulvmd itself opened the file
 * (the loop attachment), which must not make the device look busy. */
struct fuse_handle {
	struct md_opener opener;
	struct mapped_device *md;
	struct fuse_node *node; /* stays while open: the kernel holds a lookup */
	bool counted;
};

struct fuse_export {
	struct fuse_session *se;
	int dev_fd;	     /* the session's /dev/fuse, duplicated; workers read it */
	atomic_uint readers; /* workers still reading dev_fd */
	bool running;
	char *mountpoint;
	pthread_mutex_t lock; /* nodes, next_ino */
	struct fuse_node *nodes;
	uint64_t next_ino;
	atomic_long inflight; /* data requests submitted, not yet replied */
};

extern struct fuse_export fx;

/* Under fx.lock. */
struct fuse_node *fx_node_by_ino(uint64_t ino);
struct fuse_node *fx_node_by_name(const char *name);
void fx_node_attr(const struct fuse_node *n, struct stat *st);
void fx_node_unref(struct fuse_node *n, uint64_t count);

extern const struct fuse_lowlevel_ops fx_ops;

/* fuse_dev.c: the workers read the requests. fx_dev_start() starts the
 * metadata threads and arms a reader on every worker (0 or a negative
 * errno with the message set); fx_dev_wait() waits up to `ms` for all
 * readers to see the connection end; fx_dev_stop() then stops the
 * metadata threads and closes the device. */
int fx_dev_start(void);
bool fx_dev_wait(int ms);
void fx_dev_stop(void);

/* fuse_io.c: the data path, on the worker that read the request. Handles
 * `h` when it is a read, write, fsync or fallocate (`arg` holds the `len`
 * bytes after the header) and returns true; false for any other request. */
bool fx_io_request(const struct fuse_in_header *h, const char *arg, size_t len);

/* Writes a reply: `error` is 0 or a negative errno, `data` the payload. */
void fx_reply(uint64_t unique, int error, const void *data, size_t len);

#endif
