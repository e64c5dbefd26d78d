/* Extent allocation: extending an LV with new striped/linear space.
 *
 * As in LVM2's allocator, the policies are tried in turn from contiguous
 * up to the one asked for, each taking what it can:
 *  - contiguous: space directly following each stripe of the LV's last
 *    segment (for an empty LV under this policy: one whole free area per
 *    stripe);
 *  - cling: space on the PVs the LV already uses;
 *  - normal: the free areas able to give the most (length capped at what
 *    is still needed) first, ties in PV order, one stripe per PV;
 *  - anywhere: like normal, but stripes may share a PV (on different
 *    free areas of it; one area is never split between stripes).
 * ALLOC_INHERIT counts as normal (callers resolve the VG's policy). New
 * space adjacent to the last segment merges into it. */
#ifndef ULVM_METADATA_ALLOC_H
#define ULVM_METADATA_ALLOC_H

#include <stdint.h>

#include "metadata/metadata.h"

struct pe_range {
	uint32_t start, end; /* inclusive */
};

/* A candidate PV, optionally restricted to PE ranges ("/dev/x:0-99"). */
struct alloc_pv {
	struct pv *pv;
	unsigned n_ranges; /* 0 = the whole PV */
	struct pe_range ranges[16];
};

struct alloc_request {
	uint32_t extents;     /* logical extents to add (multiple of stripes) */
	uint32_t stripes;     /* 1 = linear */
	uint32_t stripe_size; /* sectors, when stripes > 1 */
	enum alloc_policy policy;
	const struct alloc_pv *pvs; /* NULL: every allocatable PV of the VG */
	unsigned n_pvs;
};

/* Adds req->extents to `lv`. On failure the LV is unchanged and the
 * message is LVM's ("Insufficient suitable allocatable extents for logical
 * volume lv: N more required"), errno ENOSPC. */
int lv_extend(struct lv *lv, const struct alloc_request *req);

/* Parses "PATH[:A-B|:A|:A-][...]" against the PVs of `vg` (matched by their
 * device path). Returns 0 or -EINVAL/-ENOENT with a message. */
int alloc_pv_parse(struct vg *vg, const char *arg, struct alloc_pv *out);
/* The free extents of the PVs named for an allocation (what N%PVS counts);
 * of the whole VG when none are named. */
uint32_t alloc_pvs_free(const struct vg *vg, const struct alloc_pv *pvs, unsigned n_pvs);

#endif
