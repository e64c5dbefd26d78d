/* The loop export: a kernel block device per mapped device, a loop device
 * over the device's FUSE file, with $ULVM_DEV_DIR/mapper/NAME (and, for
 * LVM devices, $ULVM_DEV_DIR/VG/LV) linking to it.
 *
 * Needs root, /dev/loop-control and the FUSE export; without them the
 * FUSE files and NBD still work and the reason is logged and kept for
 * loop_export_reason().
 */
#ifndef ULVM_EXPORTS_LOOP_H
#define ULVM_EXPORTS_LOOP_H

struct mapped_device;

enum loop_attach_mode {
	LOOP_ATTACH_AUTO,  /* attach whenever loop devices can be made */
	LOOP_ATTACH_NEVER, /* FUSE files only */
};

/* Parses the value of `--attach=`: "auto" or "never". Returns the mode,
 * or -EINVAL with the message set. */
int loop_attach_mode_parse(const char *text);

/* Registers the md_listener; `fuse_dir` is the FUSE mount, `dev_dir`
 * $ULVM_DEV_DIR. Returns 0 even when block devices cannot be made (the
 * reason is logged); a negative errno only when out of memory. Call after
 * fuse_export_start(). */
int loop_export_start(const char *fuse_dir, const char *dev_dir, int mode);

/* Detaches every loop device this daemon attached and removes the links,
 * even when in use (a mounted filesystem then loses its device at its
 * last close). The daemon's shutdown asks the md_listener's removing hook
 * first, which refuses while mounted. */
void loop_export_stop(void);

/* -EBUSY with the message set ("device 'x' is in use: /dev/loop3 is
 * mounted on '/mnt'") when md's loop device is held exclusively (a
 * mounted filesystem), else 0. For a shutdown without --force, which must
 * refuse like a removal would (the loop's own open of the FUSE file is not
 * in the device's open count). */
int loop_export_check_busy(struct mapped_device *md);

/* Why mapped devices get no block device ("" when they do). */
const char *loop_export_reason(void);

/* After a kill -9: detaches loop devices whose backing file lies under
 * `fuse_dir` (no one else's), removes links to loop devices left in
 * `dev_dir`/mapper and `dev_dir`/VG, lazily unmounts a dead FUSE mount at
 * `fuse_dir`. Returns the number of things cleaned. Call before
 * fuse_export_start(). */
int loop_export_cleanup_stale(const char *fuse_dir, const char *dev_dir);

#endif
