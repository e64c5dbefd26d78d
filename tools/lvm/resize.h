/* Shared by lvresize.c and fsresize.c: the filesystem side of
 * lvextend/lvreduce/lvresize -r, as LVM2's fsadm does it. */
#ifndef ULVM_TOOLS_LVM_RESIZE_H
#define ULVM_TOOLS_LVM_RESIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "lvm.h"

enum fs_kind { FS_NONE, FS_EXT, FS_XFS };

struct fs_info {
	enum fs_kind kind;
	const char *name; /* "ext2", "ext3", "ext4", "xfs" */
	uint64_t size;	  /* bytes the filesystem spans */
};

/* Reads the superblock at the start of `lv` straight from its first PV
 * area (O_DIRECT, so active and inactive LVs alike). An unknown or absent
 * filesystem gives FS_NONE. Returns 0 or a negative errno (printed). */
int fs_probe(const struct lv *lv, struct fs_info *fs);

/* Where the block device `dev` is mounted (first mount), in buf; NULL when
 * it is not mounted. */
const char *fs_mount_point(const char *dev, char *buf, size_t size);

/* Grows the filesystem on `dev` to fill it: ext* with resize2fs (online
 * when mounted, else after e2fsck -f -p unless nofsck), xfs with
 * xfs_growfs on its mount point (mounted for the time of the call when it
 * is not). Returns 0 or -1 with the message printed. */
int fs_grow(const char *dev, const struct fs_info *fs, bool nofsck);

/* Shrinks the filesystem on `dev` to `bytes`: ext* unmounted only (e2fsck
 * -f -p first unless nofsck, then resize2fs DEV NK); xfs cannot shrink.
 * Returns 0 or -1 with the message printed; on failure the LV must not be
 * reduced. */
int fs_shrink(const char *dev, const struct fs_info *fs, uint64_t bytes, bool nofsck);

/* vgmerge.c, shared with vgsplit.c: moves a PV or an LV (struct and all)
 * from one VG's list to the end of another's. The moved structs stay in
 * `from`'s arena: `to` must be closed (vg_close / lvm_vg_release) before
 * `from` is freed. */
void vg_move_pv(struct vg *from, struct vg *to, struct pv *pv);
void vg_move_lv(struct vg *from, struct vg *to, struct lv *lv);
/* True when some LV of `vg` is active in ulvmd (message printed naming
 * the first one with `fmt`, which takes the LV's VG/LV name). */
bool vg_has_active_lv(struct lvm_ctx *ctx, const struct vg *vg, const struct lv *only,
		      const char *fmt);

#endif
