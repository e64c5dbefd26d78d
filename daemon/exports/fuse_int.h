/* Private to fuse.c, fuse_ops.c and fuse_io.c: the node table and the
 * session they share. */
#ifndef ULVM_EXPORTS_FUSE_INT_H
#define ULVM_EXPORTS_FUSE_INT_H

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
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
	pthread_t thread;
	bool running;
	char *mountpoint;
	pthread_mutex_t lock; /* nodes, next_ino */
	struct fuse_node *nodes;
	uint64_t next_ino;
	atomic_long inflight; /* requests handed to workers, not yet replied */
};

extern struct fuse_export fx;

/* Under fx.lock. */
struct fuse_node *fx_node_by_ino(uint64_t ino);
struct fuse_node *fx_node_by_name(const char *name);
void fx_node_attr(const struct fuse_node *n, struct stat *st);
void fx_node_unref(struct fuse_node *n, uint64_t count);

extern const struct fuse_lowlevel_ops fx_ops;

/* fuse_io.c: the data path. */
void fx_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void fx_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	      struct fuse_file_info *fi);
void fx_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void fx_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t length,
		  struct fuse_file_info *fi);

#endif
