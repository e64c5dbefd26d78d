/* What pvs/vgs/lvs and the *display commands share: report options from
 * the command line, and the device-mapper and device facts for lib/report. */
#ifndef ULVM_TOOLS_LVM_REPORT_CMD_H
#define ULVM_TOOLS_LVM_REPORT_CMD_H

#include "lvm.h"
#include "report/report.h"

/* Fills `o` from -o -O -S --units --nosuffix --separator --aligned
 * --noheadings --nameprefixes --unquoted --binary --reportformat -a -v.
 * Returns LVM_OK or LVM_EINVALID (message printed). */
int lvm_report_opts(struct lvm_ctx *ctx, enum report_kind kind, struct report_opts *o);
/* Units for display commands: --units, else 'h' (their default). */
struct units lvm_display_units(struct lvm_ctx *ctx, char def);
/* Makes the report (prints -o help when asked: *done true). NULL and
 * *status set on a bad option. */
struct report *lvm_report_make(struct lvm_ctx *ctx, struct report_opts *o, bool *done, int *status);
/* Callbacks for report_opts: LV state from ulvmd, device sizes from the scan. */
void lvm_report_lv_info(const struct lv *lv, struct report_lv_info *out, void *baton);
void lvm_report_pv_dev(const struct pv *pv, struct report_pv_dev *out, void *baton);
/* Every scanned PV as the VG it belongs to (or an orphan): calls fn for
 * each VG read (sorted by name) then for the orphans' pseudo VG. The VGs
 * stay allocated (report rows point into them) until the command ends;
 * the orphans' VG goes to *orphans_out, which the caller frees with
 * vg_free() after printing (NULL when `orphans` is false). */
typedef void (*lvm_report_vg_fn)(struct lvm_ctx *ctx, struct vg *vg, void *baton);
int lvm_report_each_vg(struct lvm_ctx *ctx, bool orphans, lvm_report_vg_fn fn, void *baton,
		       struct vg **orphans_out);

#endif
