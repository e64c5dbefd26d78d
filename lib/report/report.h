/* The report engine of pvs, vgs and lvs: LVM2's field names, headings,
 * default columns, -o/-O/-S, units, and its basic, name-prefixed and JSON
 * output forms (libdevmapper's report as LVM2 2.03.16 drives it).
 *
 * A command makes a report for its kind, feeds it one object per row
 * (report_wants_segs() says whether lvs rows are segments), then prints
 * it. Everything a report allocates lives in its own arena. */
#ifndef ULVM_REPORT_REPORT_H
#define ULVM_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "metadata/metadata.h"
#include "report/units.h"

enum report_kind { REPORT_PVS, REPORT_VGS, REPORT_LVS };

/* The device-mapper state of an LV, from whoever activates LVs. */
struct report_lv_info {
	bool known; /* false: LVM2 prints 'X' and "unknown" (no device-mapper) */
	bool exists, live_table, inactive_table, suspended, read_only;
	int open_count;
	int32_t major, minor;
	uint64_t read_ahead; /* sectors */
	/* Snapshot status when active: percent full (0..100), invalid. */
	double snap_percent;
	bool snap_percent_known, snap_invalid;
};
typedef void (*report_lv_info_fn)(const struct lv *lv, struct report_lv_info *out, void *baton);

/* Facts about a PV's device that are not in the VG text. */
struct report_pv_dev {
	uint64_t dev_size; /* sectors; 0 when unknown */
	int major, minor;  /* -1 when not a block device */
};
typedef void (*report_pv_dev_fn)(const struct pv *pv, struct report_pv_dev *out, void *baton);

struct report_opts {
	enum report_kind kind;
	const char *const *columns; /* -o arguments in order; NULL/0: defaults */
	unsigned n_columns;
	const char *const *sort; /* -O arguments */
	unsigned n_sort;
	const char *select; /* -S, or NULL */
	bool verbose;	    /* -v: the longer default columns */
	bool no_headings, aligned, name_prefixes, unquoted, json, binary;
	bool all;	       /* -a: hidden LVs too, as "[name]" */
	bool segments;	       /* --segments: a row per LV (lvs) or PV (pvs) segment */
	const char *separator; /* NULL: " " and aligned */
	struct units units;
	const char *dev_dir; /* for lv_path; NULL: "/dev" */
	report_lv_info_fn lv_info;
	report_pv_dev_fn pv_dev;
	void *baton;
};

/* One row's object. `vg` NULL (or an orphan VG) with `pv` set is an
 * orphan PV; `pv_name` overrides pv->device as the PV's name. */
struct report_obj {
	const struct vg *vg;
	const struct pv *pv;
	const char *pv_name;
	const struct lv *lv;
	const struct lv_seg *seg;
	uint32_t pvseg_start, pvseg_size; /* pvs rows per PV segment (extents) */
};

struct report;

/* Parses the columns, sort keys and selection. Returns NULL with a
 * message ("unrecognised field: 'x'") on a bad one. With "-o help" it
 * prints the field list to `out` and sets *help_shown. */
struct report *report_new(const struct report_opts *o, FILE *out, bool *help_shown);
void report_free(struct report *r);
/* True when some column, key or selection names a segment field: lvs
 * then reports one row per segment (LVM2's SEGS report). */
bool report_wants_segs(const struct report *r);
/* Adds a row unless the selection drops it; hidden LVs are dropped
 * without -a. */
int report_add(struct report *r, const struct report_obj *obj);
/* Sorts and prints the rows; the report can be filled again afterwards. */
void report_output(struct report *r, FILE *out);

#endif
