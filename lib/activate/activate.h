/* Activation: LV segments -> device-mapper names, uuids and table lines,
 * the same ones LVM2 would load (formats.md §3.9, §4). */
#ifndef ULVM_ACTIVATE_ACTIVATE_H
#define ULVM_ACTIVATE_ACTIVATE_H

#include "metadata/segtype.h"
#include "util/strbuf.h"

/* "<vg>-<lv>[-<layer>]" with every '-' inside a part doubled; a layer
 * starting with '_' is appended without the separating '-'. */
void dm_name_build(struct strbuf *out, const char *vg, const char *lv, const char *layer);
/* "LVM-" + vg id + lv id (32 chars each, no dashes) [+ "-" + layer]. */
void dm_uuid_build(struct strbuf *out, const char *vg_id, const char *lv_id, const char *layer);
/* Appends the table of `lv`, one line per segment. `pv_dev` names the
 * device under each PV. Returns 0 or a negative errno with a message
 * ("LV 'x' segment 2: segment type 'raid1' cannot be activated"). */
int lv_table(const struct lv *lv, pv_dev_fn pv_dev, void *baton, struct strbuf *out);

#endif
