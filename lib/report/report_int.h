/* Inside the report engine: field table, cells and the helpers the field
 * files share. Not for commands (they use report.h). */
#ifndef ULVM_REPORT_REPORT_INT_H
#define ULVM_REPORT_REPORT_INT_H

#include "metadata/snapshot.h"
#include "report/report.h"
#include "util/arena.h"

/* Value types, as libdevmapper's: they decide alignment (numbers and
 * sizes right), sorting (numeric or strcmp) and how -S reads a value. */
enum field_type { FT_STR, FT_STRL, FT_NUM, FT_SNUM, FT_SIZ, FT_BIN, FT_PCT, FT_TIM };

/* The sections of `-o help`, each an object a row carries. */
enum field_section {
	SEC_LV,
	SEC_LVINFO,
	SEC_LVSTATUS,
	SEC_LVINFOSTATUS,
	SEC_LABEL,
	SEC_PV,
	SEC_VG,
	SEC_SEG,
	SEC_PVSEG,
	SEC_COUNT
};

/* One field of one row: what is printed, and what sorting/selection use. */
struct cell {
	const char *str;
	double num;	      /* numbers; sizes in sectors; percents; times */
	const char *sort_str; /* strings: compared instead of str when set */
	const char **items;   /* string lists: the items, sorted */
	unsigned n_items;
	bool undef; /* no value (blank percent, -1 number) */
};

struct field_ctx {
	struct report *r;
	struct arena *a;
	const struct report_opts *o;
	const struct report_obj *obj;
};

typedef void (*field_get_fn)(const struct field_ctx *c, struct cell *out);

struct field_def {
	const char *id, *heading;
	int width; /* minimum; the heading and values may widen it */
	unsigned char type, section;
	field_get_fn get;
	const char *desc;
};

extern const struct field_def report_fields_pv[], report_fields_vg[], report_fields_lv[],
    report_fields_seg[];
extern const unsigned report_n_fields_pv, report_n_fields_vg, report_n_fields_lv,
    report_n_fields_seg;

/* Cell setters. Strings are copied into the report's arena. */
void cell_str(const struct field_ctx *c, struct cell *out, const char *s);
void cell_num(const struct field_ctx *c, struct cell *out, uint64_t v);
void cell_snum(const struct field_ctx *c, struct cell *out, int64_t v);
void cell_size(const struct field_ctx *c, struct cell *out, uint64_t sectors);
/* "word" or "" (0/1 with --binary). */
void cell_bin(const struct field_ctx *c, struct cell *out, bool v, const char *word);
/* A percent "12.34", or blank when unknown. */
void cell_pct(const struct field_ctx *c, struct cell *out, bool known, double pct);
/* A string list: items joined with `sep` in the given order; `sorted`
 * sorts them first as LVM2 does for tags. */
void cell_strl(const struct field_ctx *c, struct cell *out, const char **items, unsigned n,
	       const char *sep, bool sorted);
void cell_tags(const struct field_ctx *c, struct cell *out, const struct str_list *tags);
void cell_uuid(const struct field_ctx *c, struct cell *out, const char *id);

/* LVM model helpers shared by the field files. */
bool rep_pv_is_orphan(const struct report_obj *o);
const char *rep_pv_name(const struct report_obj *o);
/* The "snapshot" segment whose COW store (or origin) is `lv`, else NULL. */
const struct lv_seg *rep_snapshot_of_cow(const struct lv *lv);
bool rep_lv_is_origin(const struct lv *lv);
unsigned rep_vg_snap_count(const struct vg *vg);
unsigned rep_vg_lv_count(const struct vg *vg);
/* The segment type's name ("striped", "linear", or a raw type's own). */
const char *rep_seg_type_name(const struct lv_seg *s);
/* Reads an integer or string key of a raw segment section. */
bool rep_seg_raw_str(const struct lv_seg *s, const char *key, const char **out);
bool rep_seg_raw_u64(const struct lv_seg *s, const char *key, uint64_t *out);
/* Free sectors of a PV's metadata area `i` as LVM2 counts them: half the
 * buffer (a new copy must fit beside the old one) less a sector, less the
 * committed copy. */
uint64_t rep_mda_free_sectors(const struct pv *pv, unsigned i);
/* The LV's device-mapper state (unknown when no callback). */
void rep_lv_info(const struct field_ctx *c, const struct lv *lv, struct report_lv_info *out);

/* --- the engine's own state (report.c, output.c, select.c) --- */
struct col {
	const struct field_def *f;
	int width;
	bool hidden; /* a sort key that is not a column */
};

struct sort_key {
	unsigned col;
	bool desc;
};

struct row {
	struct cell *cells; /* one per col */
	unsigned seq;	    /* insertion order, so equal keys keep it */
};

struct sel_node;

struct report {
	struct arena a;
	struct report_opts o;
	struct col *cols;
	unsigned n_cols;
	struct sort_key *keys;
	unsigned n_keys;
	struct sel_node *sel;
	struct row **rows;
	unsigned n_rows, cap_rows;
	bool segs;
};

/* The field named `name` (LVM2's matching: case and '_' ignored, the
 * kind's prefix optional) among those the report's kind allows. */
const struct field_def *report_find_field(const struct report *r, const char *name, size_t len);
void report_eval(struct report *r, const struct field_def *f, const struct report_obj *obj,
		 struct cell *out);
bool report_field_allowed(enum report_kind kind, const struct field_def *f);

/* Selection (select.c): parses -S text; NULL with a message on error. */
struct sel_node *sel_parse(struct report *r, const char *text);
bool sel_match(struct report *r, const struct sel_node *n, const struct report_obj *obj);
bool sel_uses_segs(const struct sel_node *n);
/* Releases the compiled regexes (the nodes live in the report's arena). */
void sel_free(struct sel_node *n);

/* Output (output.c). */
void report_print(struct report *r, FILE *out);
void report_print_help(const struct report *r, FILE *out);

#endif
