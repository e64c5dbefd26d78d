/* The LVM model: a volume group, its physical volumes, logical volumes and
 * their segments, apart from any on-disk format.
 *
 * A `struct vg` owns everything reachable from it through its arena; free
 * it with vg_free(). Lists keep metadata order (PVs as pv0, pv1, ...). */
#ifndef ULVM_METADATA_METADATA_H
#define ULVM_METADATA_METADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "format_text/label.h"
#include "format_text/mda.h"
#include "util/arena.h"

struct cfg_tree;
struct cfg_node;

/* Status bits. Each kind (VG, PV, LV) has its own word table in flags.c;
 * the bit values only need to be unique within a kind. */
enum {
	VG_EXPORTED = 1 << 0,
	VG_RESIZEABLE = 1 << 1,
	VG_PVMOVE = 1 << 2,
	VG_READ = 1 << 3,
	VG_WRITE = 1 << 4,
	VG_CLUSTERED = 1 << 5,
	VG_SHARED = 1 << 6,
	VG_WRITE_LOCKED = 1 << 7,   /* compatible flag */
	VG_NOAUTOACTIVATE = 1 << 8, /* compatible flag */

	PV_ALLOCATABLE = 1 << 0,
	PV_EXPORTED = 1 << 1,
	PV_MISSING = 1 << 2,

	LV_READ = 1 << 0,
	LV_WRITE = 1 << 1,
	LV_FIXED_MINOR = 1 << 2,
	LV_VISIBLE = 1 << 3,
	LV_PVMOVE = 1 << 4,
	LV_LOCKED = 1 << 5,
	LV_NOTSYNCED = 1 << 6,
	LV_REBUILD = 1 << 7,
	LV_WRITEMOSTLY = 1 << 8,
	LV_WRITE_LOCKED = 1 << 9, /* compatible flags from here */
	LV_ACTIVATION_SKIP = 1 << 10,
	LV_NOAUTOACTIVATE = 1 << 11,
	LV_ERROR_WHEN_FULL = 1 << 12,
	LV_CACHE_VOL = 1 << 13,
};

enum flag_kind { FLAGS_VG, FLAGS_PV, FLAGS_LV };

enum alloc_policy {
	ALLOC_INHERIT,
	ALLOC_CONTIGUOUS,
	ALLOC_CLING,
	ALLOC_CLING_BY_TAGS,
	ALLOC_NORMAL,
	ALLOC_ANYWHERE,
};

struct str_list {
	struct str_list *next;
	const char *s;
};

/* A PV as the VG metadata and the label describe it. */
struct pv {
	struct pv *next;
	char id[33];	    /* 32 chars, no dashes */
	const char *device; /* path hint from metadata, or the opened path */
	const char *key;    /* section name it was read under ("pv0"), or NULL */
	uint64_t status;
	struct str_list *tags;
	uint64_t dev_size; /* sectors */
	uint64_t pe_start; /* sectors */
	uint32_t pe_count;
	uint64_t ba_start, ba_size;
	const char *device_id_type, *device_id;
	/* Found on disk (not part of the text): */
	int fd; /* -1 when the device is missing */
	struct pv_label label;
	struct mda_header mdas[LABEL_MAX_AREAS];
	bool mda_ok[LABEL_MAX_AREAS];
	struct raw_locn pending[LABEL_MAX_AREAS]; /* written, not yet committed */
};

enum area_type { AREA_PV, AREA_LV };

struct seg_area {
	enum area_type type;
	struct pv *pv;	/* AREA_PV */
	struct lv *lv;	/* AREA_LV */
	uint32_t start; /* first PE on the PV, or first LE in the LV */
};

struct segtype;

struct lv_seg {
	struct lv_seg *next;
	struct lv *lv;
	const struct segtype *type;
	const char *type_flags; /* "+FLAG..." suffix of the type string, or "" */
	uint32_t le, len;	/* logical extents of the LV */
	uint32_t area_len;	/* extents per area */
	uint32_t stripe_size;	/* sectors */
	uint32_t area_count;
	struct seg_area *areas;
	struct str_list *tags;
	uint32_t reshape_count, data_copies;
	/* Segment types ulvm does not model keep their section verbatim. */
	const struct cfg_node *raw;
	/* "snapshot" segments (metadata/snapshot.h): */
	struct lv *origin, *cow;
	uint32_t chunk_size; /* sectors */
	bool merging;	     /* merging_store rather than cow_store */
};

struct lv {
	struct lv *next;
	struct vg *vg;
	const char *name;
	char id[33];
	uint64_t status;
	struct str_list *tags;
	int64_t creation_time; /* 0: none */
	const char *creation_host;
	const char *lock_args, *profile;
	enum alloc_policy alloc;
	int64_t read_ahead;   /* -1 none, -2 auto (absent) */
	int32_t major, minor; /* -1 unset */
	uint32_t le_count;
	struct lv_seg *segs;
};

#define READ_AHEAD_AUTO (-2)

struct vg {
	struct arena arena;
	const char *name;
	char id[33];
	uint32_t seqno;
	uint64_t status;
	struct str_list *tags;
	const char *system_id, *lock_type, *lock_args, *profile;
	uint32_t extent_size; /* sectors */
	uint32_t max_lv, max_pv, mda_copies;
	enum alloc_policy alloc;
	struct pv *pvs;
	struct lv *lvs;
	struct cfg_tree *cft; /* keeps raw segment sections alive, or NULL */
	unsigned stale_mdas;  /* copies found older or damaged; the next write repairs them */
	unsigned write_count; /* vg_write calls, for "Write[N] from" */
	/* Snapshot segments ever added (never lowered): 0 lets the origin and
	 * COW queries of metadata/snapshot.h answer without a scan, which a
	 * report of 10,000 LVs would otherwise do once per LV. */
	unsigned snapshot_segs;
	/* Header items of the text it was read from. */
	const char *creation_host;
	int64_t creation_time;
	/* The file form of the VG section (malloc'd, vg_free frees it) that
	 * vg_write made in the same pass as the copy it wrote at seqno
	 * file_body_seqno: the backup after the commit takes it as it is. */
	char *file_body;
	uint32_t file_body_seqno;
};

/* A new VG (seqno 0) in its own arena; caller frees with vg_free(). */
struct vg *vg_new(const char *name, uint32_t extent_size);
void vg_free(struct vg *vg);

struct pv *vg_add_pv(struct vg *vg, const char *id, const char *device);
struct pv *vg_find_pv(const struct vg *vg, const char *id);
unsigned vg_pv_index(const struct vg *vg, const struct pv *pv);
struct lv *vg_add_lv(struct vg *vg, const char *name, const char *id);
/* The same, appending at `*tail` (the last LV's next pointer, or NULL to
 * find the end), which it moves on: adding n LVs in a row is O(n). */
struct lv *vg_add_lv_at(struct vg *vg, struct lv ***tail, const char *name, const char *id);
struct lv *vg_find_lv(const struct vg *vg, const char *name);
/* A new user LV as lvcreate makes it: random id, READ WRITE VISIBLE,
 * creation time now and this host. NULL with a message when the uuid
 * cannot be made or the name is taken/invalid. No extents yet. */
struct lv *vg_new_lv(struct vg *vg, const char *name);
/* Unlinks an LV (its memory stays in the arena until vg_free). */
void vg_remove_lv(struct vg *vg, struct lv *lv);
/* Appends a segment of `area_count` zeroed areas at the LV's end. */
struct lv_seg *lv_add_seg(struct lv *lv, const struct segtype *type, uint32_t len,
			  uint32_t area_count);
void str_list_add(struct arena *a, struct str_list **l, const char *s);

/* Flag words <-> bits for status (`compat` false) or flags (true) arrays.
 * flags_from_word returns 0 and the bit, or -EINVAL for an unknown word. */
int flags_from_word(enum flag_kind kind, bool compat, const char *word, uint64_t *bit);
/* Writes `"A", "B"` for the set bits in LVM's order into `buf`. */
void flags_print(enum flag_kind kind, bool compat, uint64_t status, char *buf, size_t size);

const char *alloc_policy_name(enum alloc_policy p);
int alloc_policy_parse(const char *s, enum alloc_policy *out);

/* Free extents of `pv` (pe_count minus those used by segments). */
uint32_t pv_free_extents(const struct vg *vg, const struct pv *pv);
uint32_t vg_free_extents(const struct vg *vg);

/* Checks that every LV's segments tile it from extent 0, that PV areas
 * stay inside their PV and do not overlap. Returns 0 or -EINVAL with a
 * message naming the LV. */
int vg_validate(const struct vg *vg);

#endif
