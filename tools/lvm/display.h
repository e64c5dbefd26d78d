/* The blocks of pvdisplay, lvdisplay and vgdisplay -v, as LVM2 2.03.16
 * prints them (lib/display/display.c there): labels, spacing, the
 * tab-separated segment lines and the long size suffixes ("4.00 MiB").
 *
 * Each function prints one block through lvm_print() ("  " + line). Sizes
 * follow --units (default 'r') and --nosuffix of the command line.
 *
 * Where ulvm knows more than LVM2 with activation off: LVM2 prints
 * "LV Status", "# open", "- currently set to" and "Block device" only when
 * it can ask device-mapper; ulvm always asks ulvmd, so "LV Status" is
 * always printed and the other three when the LV is active. */
#ifndef ULVM_TOOLS_LVM_DISPLAY_H
#define ULVM_TOOLS_LVM_DISPLAY_H

#include "lvm.h"

/* `sectors` as display_size() prints it ("48.00 MiB", "0   "), in
 * ctx->arena. */
const char *display_size(struct lvm_ctx *ctx, uint64_t sectors);

/* ---- logical volumes ---- */

/* "--- Logical volume ---" ... " ": lvdisplay's block, also each LV of
 * vgdisplay -v. Type-specific lines (snapshot status, COW table) belong
 * in the marked places of display.c's lv_full_* helpers. */
void display_lv_full(struct lvm_ctx *ctx, const struct lv *lv);
/* "--- Segments ---" and one "Logical extents A to B:" block per segment
 * (lvdisplay -m). */
void display_lv_segments(struct lvm_ctx *ctx, const struct lv *lv);
/* lvdisplay -c: one colon-separated line. */
void display_lv_colons(struct lvm_ctx *ctx, const struct lv *lv);

/* ---- physical volumes ---- */

/* `pv` of `vg` (an orphan pseudo VG for a PV in no VG). */
void display_pv_full(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv);
/* One used stretch of a PV: extents [pe, pe+len) for segment `seg`. */
struct pv_stretch {
	uint32_t pe, len;
	const struct lv_seg *seg;
};
/* The used stretches of `pv` in `vg`, by first extent (in ctx->arena);
 * the gaps between them are free. Returns their number. */
size_t display_pv_stretches(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv,
			    struct pv_stretch **out);
/* "--- Physical Segments ---" (pvdisplay -m). */
void display_pv_segments(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv);
/* pvdisplay -c. */
void display_pv_colons(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv);
/* The four-line block under vgdisplay -v's "--- Physical volumes ---". */
void display_pv_short(struct lvm_ctx *ctx, const struct vg *vg, const struct pv *pv);
/* The PV's name as LVM2 prints it: its device, "[unknown]" when missing. */
const char *display_pv_name(const struct pv *pv);

/* The report options a display command refuses without -C (-o -O
 * --separator --aligned --noheadings --binary --unbuffered, and -a when
 * `all_too`): prints `message` ("Incompatible options selected", with or
 * without LVM2's full stop) and returns LVM_EINVALID, else LVM_OK. */
int display_reject_report_opts(struct lvm_ctx *ctx, bool all_too, const char *message);

/* The scanned devices in LVM2's device-cache order: block devices by
 * device number, then image files in scan order. Returns the count;
 * *out (ctx->arena) skips devices of size 0. */
unsigned display_devices(struct lvm_ctx *ctx, const struct lvm_dev ***out);
/* The VG names in the order LVM2's display commands process them without
 * operands: its cache puts each VG found at the front, so the reverse of
 * first sight in display_devices() order. Returns the count. */
unsigned display_vg_names(struct lvm_ctx *ctx, char ***out);

/* True when LVM2's vgdisplay -A would list the VG: some LV is active. */
bool display_vg_has_active(struct lvm_ctx *ctx, const struct vg *vg);

#endif
