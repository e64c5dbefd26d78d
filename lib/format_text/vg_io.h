/* Reading a VG from its PVs and committing a new version to all of them
 * (formats.md §2.3, §3.9).
 *
 * Commit protocol, per metadata area of every PV in the VG:
 *   vg_write     text written into the circular buffer beside the old copy
 *                (no header touched: a crash leaves the old VG);
 *   vg_precommit header slot 1 = new copy (slot 0 still the old one), not
 *                flushed: the old header or this one both name a whole VG;
 *   vg_commit    header slot 0 = new copy, slot 1 cleared, then synced.
 * Each header is one 512-byte sector, so every area holds the old or the
 * new VG at any instant, never neither. vg_revert clears slot 1. */
#ifndef ULVM_FORMAT_TEXT_VG_IO_H
#define ULVM_FORMAT_TEXT_VG_IO_H

#include <stdbool.h>

#include "format_text/pv_io.h"
#include "metadata/metadata.h"

/* Scans `devs` (paths of image files or block devices), finds the copy of
 * VG `vgname` (or of the only VG seen, when NULL) with the highest seqno,
 * imports it and attaches each PV's open fd, label and mda headers. Copies
 * that are older, differ, or fail their checksum are counted in
 * vg->stale_mdas with a warning; the next vg_write rewrites them. PVs of
 * the VG not among `devs` get fd -1. Opens read-write when `writable`.
 * Returns the VG (vg_close() it) or NULL with errno and a message. */
struct vg *vg_read(const char *const *devs, unsigned n_devs, const char *vgname, bool writable);
/* vg_read reusing what a scan read: cached[i] (NULL, or one mda_copy per
 * mda of the label of devs[i]) is taken instead of reading the text again
 * when the mda header read now is byte for byte the one it came with; its
 * text then moves to the VG's read (cached[i][m].text becomes NULL). */
struct vg *vg_read_cached(const char *const *devs, struct mda_copy *const *cached, unsigned n_devs,
			  const char *vgname, bool writable);
/* Closes the PV fds and frees the VG. */
void vg_close(struct vg *vg);

/* Makes PV entries for the formatted devices `devs` (orphans: label but
 * no VG text) in a new VG `name` with seqno 0; the devices stay open.
 * Returns the VG or NULL with errno and a message ("'dev' is already in
 * volume group 'x'"). */
struct vg *vg_create(const char *name, uint32_t extent_size, const char *const *devs,
		     unsigned n_devs);
/* Adds a formatted orphan device to `vg`. */
int vg_extend(struct vg *vg, const char *dev);

/* The commit steps described above. vg_write bumps seqno, serialises the
 * VG once (description "Write from <cmd>." / "Write[N] from <cmd>.") and
 * marks each PV's label as used. All return 0 or a negative errno. */
int vg_write(struct vg *vg, const char *cmdline);
int vg_precommit(struct vg *vg);
int vg_commit(struct vg *vg);
int vg_revert(struct vg *vg);

/* Writes the VG in file form to `path` (backup/archive): written to a
 * temporary file, synced, renamed. `description` is the whole text
 * ("Created *after* executing 'lvcreate ...'"). Right after vg_write the
 * VG section it made alongside (vg->file_body) is used, not a new export. */
int vg_backup_file(const struct vg *vg, const char *path, const char *description);

#endif
