/* Mapped devices: the objects ulvmd owns, as the kernel owns dm devices.
 *
 * A device has a name, an optional uuid set once, a live and an inactive
 * table, a suspend state, an open count and an event counter. ios enter
 * through md_submit() on a worker thread; control requests (create, load,
 * suspend, ...) come from control threads and take the device lock.
 *
 * Lifetime: devices are reference counted. md_lookup() returns a
 * reference that the caller drops with md_put(). A removed device stays
 * allocated until its last reference goes, but new ios fail with -ENODEV.
 */
#ifndef ULVM_ENGINE_DEVICE_H
#define ULVM_ENGINE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "ulvm/io.h"

struct mapped_device;
struct table;
struct worker;
struct strbuf;

/* Someone holding the device open (an NBD connection, a FUSE open, a
 * loop device). On forced removal the engine calls kick() on the removing
 * (control) thread while the opener is still registered: kick must be
 * quick and thread-safe (shutdown(2) of a socket, setting a flag), must
 * not call md_close(), and may be NULL. The opener then sees its ios fail
 * with -ENODEV and closes from its own thread. */
struct md_opener {
	void (*kick)(struct md_opener *o);
	struct worker *worker;
	struct md_opener *next; /* engine-owned */
};

/* Snapshot of a device's state, as the `info` reply reports it. */
struct md_info {
	char name[128];
	char uuid[129];
	unsigned major, minor;
	unsigned open_count; /* exports + holders, as dm reports it */
	unsigned holders;    /* of which: devices stacked on this one */
	unsigned event_nr;
	bool suspended, read_only, live_table, inactive_table;
	unsigned target_count;	   /* of the live table */
	unsigned inactive_targets; /* of the inactive table */
	uint64_t size;		   /* live table sectors */
	char blockdev[256];
};

/* Reference counting and lookup. */
struct mapped_device *md_lookup(const char *name);
struct mapped_device *md_lookup_uuid(const char *uuid);
/* The device whose attached block device is major:minor. */
struct mapped_device *md_lookup_blockdev(unsigned major, unsigned minor);
void md_get(struct mapped_device *md);
void md_put(struct mapped_device *md);

/* Calls fn for each device, sorted by name, under the registry lock
 * (fn must not call back into the registry). */
void md_foreach(void (*fn)(struct mapped_device *md, void *data), void *data);
unsigned md_count(void);

const char *md_name(const struct mapped_device *md);
/* Live size in sectors (0 without a live table). */
uint64_t md_size(const struct mapped_device *md);
bool md_read_only(const struct mapped_device *md);
/* Logical block size in bytes the exports should present (512 without a
 * live table). */
unsigned md_block_size(const struct mapped_device *md);
void md_get_info(struct mapped_device *md, struct md_info *info);

/* Submits an io on the current worker. Out-of-range, read-only and
 * removed-device errors complete it at once with -EIO/-EROFS/-ENODEV. */
void md_submit(struct mapped_device *md, struct io *io);

/* Open count. md_open fails with -ENODEV on a removed device. */
int md_open(struct mapped_device *md, struct md_opener *o);
void md_close(struct mapped_device *md, struct md_opener *o);

/* ---- control operations (control threads; return 0 or -errno with the
 * message set) ---- */
int md_create(const char *name, const char *uuid, bool read_only, struct mapped_device **out);
int md_remove(struct mapped_device *md, bool force);
int md_rename(struct mapped_device *md, const char *new_name);
int md_set_uuid(struct mapped_device *md, const char *uuid);
/* Relative device paths in the table resolve against `cwd` (may be NULL). */
int md_load(struct mapped_device *md, const char *table_text, bool read_only, const char *cwd);
int md_clear(struct mapped_device *md);
/* md_suspend flags. Without NOLOCKFS a filesystem mounted on the
 * attached block device is frozen first (its dirty data written) and
 * thawed at resume, as device-mapper's lockfs. */
#define MD_SUSPEND_NOFLUSH  0x1u
#define MD_SUSPEND_NOLOCKFS 0x2u
int md_suspend(struct mapped_device *md, unsigned flags);
int md_resume(struct mapped_device *md);
/* Calls fn for each target of the live (or inactive) table with its
 * TABLE form (status false) or INFO form (status true) parameters.
 * Returns -ENXIO when that table is absent. */
typedef void (*md_target_fn)(void *data, uint64_t start, uint64_t len, const char *type,
			     const char *params);
int md_table_foreach(struct mapped_device *md, bool inactive, bool status, unsigned flags,
		     md_target_fn fn, void *data);
/* Calls fn for each device the live (or inactive) table uses. `name` is the
 * mapped device's name for stacked devices, else NULL; `path` the backing
 * file or device path; major/minor 0 for image files. */
typedef void (*md_dep_fn)(void *data, unsigned major, unsigned minor, const char *path,
			  const char *name);
int md_deps_foreach(struct mapped_device *md, bool inactive, md_dep_fn fn, void *data);
int md_message(struct mapped_device *md, uint64_t sector, const char *msg, struct strbuf *out);
/* Waits until the event counter differs from `event_nr`. */
int md_wait_event(struct mapped_device *md, unsigned event_nr);
void md_event(struct mapped_device *md);

/* Listeners hear of devices appearing, changing size and going away
 * (FUSE files, loop attachments). Called from control threads. */
struct md_listener {
	/* Before a removal: return -EBUSY (message set) to refuse it, e.g.
	 * while the attached block device is mounted and !force. Then undo
	 * what was attached (detach loop, remove links). */
	int (*removing)(struct mapped_device *md, bool force);
	void (*created)(struct mapped_device *md);
	void (*renamed)(struct mapped_device *md, const char *old_name);
	/* Freeze a filesystem mounted on the device before a suspend (0, or
	 * -errno with the message set to fail the suspend); thaw it after. */
	int (*freeze)(struct mapped_device *md);
	void (*thaw)(struct mapped_device *md);
	void (*resized)(struct mapped_device *md, uint64_t old_size);
	void (*removed)(struct mapped_device *md);
	struct md_listener *next;
};
void md_add_listener(struct md_listener *l);

/* The block device attached to `md` (loop over its FUSE file), reported in
 * info; path NULL to clear. */
void md_set_blockdev(struct mapped_device *md, const char *path, unsigned major, unsigned minor);

#endif
