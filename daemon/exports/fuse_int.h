/* Private to the FUSE export's files (fuse*.c): the node table and the
 * session they share. */
#ifndef ULVM_EXPORTS_FUSE_INT_H
#define ULVM_EXPORTS_FUSE_INT_H

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <linux/fuse.h> /* the requests fuse_dev.c and fuse_io.c parse */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

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

struct fx_ring_ent; /* fuse_uring.c */

/* Where a request came from, so where its reply goes: /dev/fuse (ent
 * NULL) or a ring entry. */
struct fx_origin {
	uint64_t unique;
	struct fx_ring_ent *ent;
};

/* fuse_io.c: the data path, on the worker that got the request. Handles
 * `h` when it is a read, write, fsync or fallocate and returns true; false
 * for any other request. `op_in` holds the `op_len` bytes after the
 * header; on the ring a write's data is apart, `data` (ignored otherwise). */
bool fx_io_request(const struct fuse_in_header *h, const void *op_in, size_t op_len,
		   const char *data, size_t data_len, const struct fx_origin *o);

/* Writes a reply: `error` is 0 or a negative errno, `data` the payload. */
void fx_reply(const struct fx_origin *o, int error, const void *data, size_t len);

/* fuse_dev.c: hands a request (the header, `op_in` and `data` back to
 * back, as read from /dev/fuse) to the metadata threads. */
void fx_meta_post(const struct fx_origin *o, const struct fuse_in_header *h, const void *op_in,
		  size_t op_len, const void *data, size_t data_len);

/* fuse_uring.c: FUSE over io_uring. */
void fx_ring_allow(bool allowed); /* ulvmd's setting, before the mount */
/* The INIT request read from /dev/fuse: does it offer the ring? */
void fx_ring_init_request(uint64_t unique, const struct fuse_init_in *in, size_t len);
/* The session's custom io: amends the INIT reply, routes the metadata
 * threads' replies to ring requests into their entries. */
ssize_t fx_ring_writev(int fd, struct iovec *iov, int count, void *userdata);
ssize_t fx_ring_read(int fd, void *buf, size_t len, void *userdata);
/* The entry's payload buffer (page aligned) and its size. */
char *fx_ring_payload(struct fx_ring_ent *e, size_t *size);
/* Replies and fetches the next request; from any thread. */
void fx_ring_reply(struct fx_ring_ent *e, int error, const void *data, size_t len);
/* Around a metadata thread's run of a request that came on entry `e`
 * (NULL: from /dev/fuse); end replies -EIO if libfuse did not reply. */
void fx_ring_meta_begin(struct fx_ring_ent *e);
void fx_ring_meta_end(void);
uint64_t fx_ring_served(void); /* requests that came on the ring */
void fx_ring_stop(void);       /* after every entry ended */

#endif
