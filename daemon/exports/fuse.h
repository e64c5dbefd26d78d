/* The FUSE export: every mapped device as a regular file of its size under
 * $ULVM_RUN_DIR/dev. The engine's workers read /dev/fuse themselves: data
 * requests become ios submitted where they were read and are replied to
 * from the io's end_io; other requests go to a few threads running
 * libfuse's low-level API (fuse_dev.c).
 *
 * The loop export (loop.h) builds block devices on top of these files and
 * calls fuse_export_add()/fuse_export_sync_size() so that it never depends
 * on the order in which listeners run.
 */
#ifndef ULVM_EXPORTS_FUSE_H
#define ULVM_EXPORTS_FUSE_H

#include <stdbool.h>

struct mapped_device;

/* Mounts the export at `mountpoint` (created if missing; a stale mount
 * left by a killed daemon is detached first), arms a reader on every
 * worker, starts the metadata threads and registers the md_listener.
 * Returns 0 or a negative errno with the message set; the daemon runs on
 * without the export then (NBD still works). Call once, after
 * workers_start(). */
int fuse_export_start(const char *mountpoint);

/* Whether the export may take requests over io_uring when the kernel
 * offers it (the fuse module's enable_uring): yes unless told otherwise.
 * Call before fuse_export_start(). */
void fuse_export_allow_uring(bool allowed);

/* Unmounts (lazily, so a forced stop never hangs on a busy file), waits
 * for the workers to stop reading and for replies they still owe, stops
 * the threads. Call after loop_export_stop() and before workers_stop().
 * Safe when not started. */
void fuse_export_stop(void);

/* The mount point, or NULL when the export is not running. */
const char *fuse_export_dir(void);

/* Makes sure `md` has a file (idempotent). Returns 0, or -ENODEV when the
 * export is not running. */
int fuse_export_add(struct mapped_device *md);

/* Takes md's current size into the file and makes the kernel's cached
 * inode size follow it (so LOOP_SET_CAPACITY sees the new size). Call from
 * a control thread, never from a FUSE or worker thread. */
void fuse_export_sync_size(struct mapped_device *md);

#endif
