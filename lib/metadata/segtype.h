/* Segment types as handlers (LVM2's lib/striped/striped.c model): each type
 * reads its own keys, writes them back, and builds its device-mapper table
 * line. Types are listed in segtypes.def; a type ulvm does not know is
 * handled by the "raw" handler, which keeps the section verbatim so that
 * rewriting the VG never loses it (it cannot be activated). */
#ifndef ULVM_METADATA_SEGTYPE_H
#define ULVM_METADATA_SEGTYPE_H

#include <stdint.h>

#include "metadata/metadata.h"

struct cfg_node;
struct text_out;
struct strbuf;

/* How activation names the device under a PV area: returns a path or
 * "major:minor" for `pv`, or NULL with a message when it is missing. */
typedef const char *(*pv_dev_fn)(const struct pv *pv, void *baton);

struct table_ctx {
	pv_dev_fn pv_dev;
	void *baton;
	const struct vg *vg;
};

struct segtype {
	const char *name;
	/* Reads the type's keys from segment section `sn` into `seg`, whose
	 * le/len are set. Returns 0 or -EINVAL with a message. */
	int (*text_import)(struct vg *vg, struct lv_seg *seg, const struct cfg_node *sn);
	/* Writes the type's keys after `type = "..."`. */
	void (*text_export)(const struct vg *vg, const struct lv_seg *seg, struct text_out *o);
	/* Appends "<start> <len> <target> <args>\n" for the whole segment,
	 * `start` in sectors. NULL when the type cannot be activated. */
	int (*table_line)(const struct table_ctx *ctx, const struct lv_seg *seg, uint64_t start,
			  struct strbuf *out);
};

/* The handler for `name` (without "+FLAG" suffixes); the raw handler when
 * the name is unknown. Never NULL. */
const struct segtype *segtype_find(const char *name);
extern const struct segtype segtype_striped;
extern const struct segtype segtype_raw;
extern const struct segtype segtype_snapshot; /* metadata/snapshot.c */

/* Shared by handlers: reads an area list `["pv0", 12, "lv", 0, ...]` into
 * seg->areas (seg->area_count entries). */
int segtype_import_areas(struct vg *vg, struct lv_seg *seg, const struct cfg_node *sn,
			 const char *key);
/* Writes `<key> = [` / `"pv0", 12,` ... `]` as LVM's out_areas does. */
void segtype_export_areas(const struct vg *vg, const struct lv_seg *seg, struct text_out *o,
			  const char *key);

#endif
