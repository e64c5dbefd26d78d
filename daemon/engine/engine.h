/* Engine internals shared by device.c, table.c, io.c and backing.c.
 * Nothing outside daemon/engine/ includes this; exports use device.h and
 * targets use ulvm/target.h. */
#ifndef ULVM_ENGINE_ENGINE_H
#define ULVM_ENGINE_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/device.h"
#include "ulvm/protocol.h"
#include "ulvm/target.h"

/* An open image file or block device, shared by every table naming it. */
struct backing {
	char *path; /* canonical absolute path */
	bool is_blockdev;
	dev_t rdev;   /* block devices */
	dev_t st_dev; /* identity of files */
	ino_t ino;
	int fd;		 /* O_DIRECT when `direct` */
	int fd_buffered; /* for I/O the direct fd cannot take (alignment) */
	bool direct;
	bool writable;
	bool inline_io;	    /* in-memory file: served on the worker at once */
	unsigned dio_align; /* offset/length/memory alignment for O_DIRECT */
	uint64_t size;	    /* sectors, at open time */
	unsigned refs;	    /* under backing_lock */
	struct backing *next;
};

int backing_open(const char *path, bool writable, struct backing **out);
void backing_put(struct backing *b);
/* Issues io (remapped: io->sector is a sector of b) on the current worker;
 * io->end_io runs on completion. */
void backing_submit(struct backing *b, struct io *io);
/* Synchronous fdatasync, for suspend on a control thread. */
int backing_flush_sync(struct backing *b);

/* A device as a table holds it: a backing or a stacked mapped device. */
struct target_dev {
	struct backing *backing;
	struct mapped_device *md;
	char *name;    /* TABLE form for backings; md uses md_name() */
	unsigned refs; /* within one table */
	struct target_dev *next;
};

struct table {
	struct mapped_device *md;
	struct target *targets;
	uint64_t *ends; /* ends[i] = targets[i].begin + targets[i].len */
	unsigned count;
	uint64_t size;
	unsigned block_size; /* bytes, largest of the targets' */
	bool read_only;
	struct target_dev *devs;
	char *cwd; /* relative device paths resolve here (may be NULL) */
};

int table_create(struct mapped_device *md, const char *text, bool read_only, const char *cwd,
		 struct table **out);
void table_destroy(struct table *t);
/* The target covering `sector` (sector < t->size). */
struct target *table_find(const struct table *t, uint64_t sector);
/* True if `t` maps onto `md`, directly or through stacked devices. */
bool table_depends_on(const struct table *t, const struct mapped_device *md);

struct mapped_device {
	char name[ULVM_NAME_MAX + 1];
	char uuid[ULVM_UUID_MAX + 1];
	unsigned minor;
	atomic_int refs;
	bool read_only;

	pthread_mutex_t lock; /* serialises control operations */
	struct table *live;   /* read by workers only while in_flight > 0 */
	struct table *inactive;

	/* The I/O gate (see io.c): in_flight counts ios inside the device;
	 * suspend waits for it to reach 0 under io_lock/io_cond. */
	atomic_bool suspended;
	atomic_bool removed;
	bool frozen; /* under lock: a freeze hook ran at suspend */
	atomic_long in_flight;
	pthread_mutex_t io_lock;
	pthread_cond_t io_cond;
	struct io *deferred_head, *deferred_tail; /* under io_lock */

	atomic_uint event_nr;
	pthread_cond_t event_cond; /* under io_lock */

	atomic_uint open_count;	   /* exports: NBD, FUSE, block device */
	pthread_cond_t close_cond; /* under io_lock: open_count went down */
	atomic_uint holders;	   /* tables of other devices stacked on it */
	struct md_opener *openers; /* under io_lock */

	char blockdev[256]; /* under lock */
	unsigned bd_major, bd_minor;
};

/* device.c: tell the listeners the live size changed (after a resume). */
void md_notify_resized(struct mapped_device *md, uint64_t old_size);
/* device.c: freeze / thaw a filesystem on the device (md->lock held). */
int md_freeze(struct mapped_device *md);
void md_thaw(struct mapped_device *md);

/* A table stacked on `md` holds it (counted in the open count). */
int md_hold(struct mapped_device *md);
void md_unhold(struct mapped_device *md);

/* io.c */
/* Frees the calling thread's cache of io structs (at worker exit). */
void io_cache_release(void);
void io_dispatch(struct mapped_device *md, struct io *io);
/* Resubmits ios queued while the device was suspended, each on its own
 * worker (or fails them with `error` when non-zero). */
void io_release_deferred(struct mapped_device *md, struct io *list, int error);

#endif
