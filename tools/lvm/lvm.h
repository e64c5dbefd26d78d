/* The LVM command layer of `ulvm` (pvcreate, vgcreate, lvcreate, lvs ...):
 * what every command shares.
 *
 * Commands are data: tools/lvm/args.def lists every option (long and short
 * name, value type) and tools/lvm/commands.def every command with its own
 * options; parsing, `--help` and `ulvm help` come from those tables. A
 * command is one file with one entry `int lvm_NAME(struct lvm_ctx *ctx)`
 * returning the exit status (LVM_OK, LVM_EINVALID, LVM_EFAILED).
 *
 * Before the entry runs, cmd_lvm() has parsed the options (ctx->args),
 * left the operands in ctx->argc/argv, read ulvm.conf merged with
 * --config (lvm_config_*) and loaded the devices file. Scanning, reading
 * VGs and locking happen on demand through the functions below; whatever
 * they open or lock is released when the command returns.
 *
 * Messages go out as LVM2 prints them: lvm_error() "  text" on stderr,
 * lvm_warn() "  WARNING: text" on stderr, lvm_print() "  text" on stdout.
 *
 * Environment: $ULVM_SYSTEM_DIR (ulvm.conf, devices/system.devices,
 * backup/, archive/), $ULVM_RUN_DIR (lock/, control socket), $ULVM_DEV_DIR
 * (VG/LV and mapper/NAME links). Test hooks are listed in lvm.c. */
#ifndef ULVM_TOOLS_LVM_H
#define ULVM_TOOLS_LVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "format_text/label.h"
#include "metadata/metadata.h"
#include "util/arena.h"

/* Exit statuses, as LVM2's (ECMD_PROCESSED is reported as 0). */
enum {
	LVM_OK = 0,
	LVM_ENOSUCHCMD = 2,
	LVM_EINVALID = 3, /* EINVALID_CMD_LINE: bad options or operands */
	LVM_EFAILED = 5,  /* ECMD_FAILED */
};

/* ---- options ---- */

enum lvm_arg_id {
#define LVM_ARG(id, lname, sname, type, repeat) ARG_##id,
#include "args.def"
#undef LVM_ARG
	LVM_ARG_COUNT
};

/* Value types of args.def. */
enum lvm_val {
	VAL_NONE,	/* a flag; args[id].count says how often (-vv, -ff) */
	VAL_STRING,	/* kept as typed */
	VAL_NUMBER,	/* decimal, optional leading +/-: num, sign */
	VAL_SIZE_MB,	/* size, default unit MiB: num in 512-byte sectors, sign */
	VAL_SIZE_KB,	/* size, default unit KiB: num in sectors, sign */
	VAL_EXTENTS,	/* -l: N or N%VG|%FREE|%PVS|%ORIGIN: num, percent, sign */
	VAL_BOOL,	/* y|n: num 1 or 0 */
	VAL_ACTIVATE,	/* y|n|ay|ey|sy|ly: num 1 (activate) or 0 */
	VAL_ALLOC,	/* contiguous|cling|cling_by_tags|normal|anywhere|inherit: num */
	VAL_PERMISSION, /* r|rw: num 1 for rw, 0 for r */
	VAL_UNITS,	/* one of hHbBsSkKmMgGtTpPeErR: str */
};

/* Size units: a number may end in k m g t p e (powers of 1024, either
 * case, so LVM's "M" is MiB too), s (sectors) or b (bytes). */
enum lvm_percent {
	PERCENT_NONE,
	PERCENT_VG,
	PERCENT_FREE,
	PERCENT_PVS,
	PERCENT_ORIGIN,
};

struct lvm_arg_value {
	unsigned count;		  /* times given; 0 = absent */
	const char *str;	  /* last value as typed (NULL for flags) */
	const char *const *list;  /* repeatable options: every value, NULL-ended */
	uint64_t num;		  /* parsed value, see enum lvm_val */
	char sign;		  /* '+', '-' or 0 */
	enum lvm_percent percent; /* VAL_EXTENTS only */
};

/* Accepted by every command besides its own options. */
#define LVM_COMMON_ARGS                                                                            \
	ARG_commandprofile, ARG_config, ARG_debug, ARG_devices, ARG_devicesfile, ARG_driverloaded, \
	    ARG_help, ARG_lockopt, ARG_longhelp, ARG_nohints, ARG_nolocking, ARG_profile,          \
	    ARG_quiet, ARG_test, ARG_verbose, ARG_version, ARG_yes

/* ---- commands ---- */

enum lvm_cmd_flags {
	LVM_CMD_REPORT = 1u << 0, /* read-only reporting command (lib/report) */
};

struct lvm_ctx;
typedef int (*lvm_fn)(struct lvm_ctx *ctx);

struct lvm_command {
	const char *name;
	lvm_fn fn;
	unsigned flags;
	const char *help;
	const char *usage;
	const enum lvm_arg_id *args; /* the command's own, ending with LVM_ARG_COUNT */
};

#define LVM_CMD(name, fn, flags, help, usage, ...) int fn(struct lvm_ctx *ctx);
#include "commands.def"
#undef LVM_CMD

/* One device the scan looked at (block device or image file). */
struct lvm_dev {
	const char *path;	 /* as allowed: devices file entry, --devices item */
	uint64_t size;		 /* bytes */
	bool is_pv;		 /* carries an LVM2 label */
	struct pv_label label;	 /* when is_pv */
	const char *vgname;	 /* VG whose metadata lists it; NULL for an orphan */
	uint32_t seqno;		 /* highest seqno among its own metadata copies */
	unsigned mdas_with_text; /* metadata areas holding a VG copy */
	/* One per mda of the label (texts malloc'd, freed by
	 * lvm_scan_release): what the scan read, for lvm_vg_read to take
	 * while unchanged (vg_read_cached). */
	struct mda_copy *copies;
	/* The scan's descriptor of a PV, kept until lvm_scan_release: the
	 * last close of a block device drops its page cache, and the
	 * command reads the same sectors again to commit (-1: none). */
	int hold_fd;
};

struct lvm_lock; /* lock.c */

struct lvm_ctx {
	const struct lvm_command *cmd;
	int argc; /* operands (options removed) */
	char **argv;
	struct lvm_arg_value args[LVM_ARG_COUNT];
	const char *cmdline; /* "lvcreate -L 400M -n x vg", for descriptions */
	struct arena arena;  /* the command's allocations */
	/* Filled by lvm_scan(): */
	bool scanned;
	struct lvm_dev *devs;
	unsigned n_devs;
	/* Internal: */
	void *config_stack; /* config.c: --config trees then ulvm.conf */
	void *open_vgs;	    /* vgread.c: VGs read and not released yet */
	struct lvm_lock *locks;
	struct ulvm_client *client;
	bool no_daemon;		/* lvm_client found no ulvmd and was not to start one */
	bool devices_file_used; /* system.devices exists and --devices not given */
};

/* Shorthands for the parsed options. */
static inline bool lvm_has(const struct lvm_ctx *ctx, enum lvm_arg_id id)
{
	return ctx->args[id].count > 0;
}
static inline unsigned lvm_count(const struct lvm_ctx *ctx, enum lvm_arg_id id)
{
	return ctx->args[id].count;
}
static inline const char *lvm_str(const struct lvm_ctx *ctx, enum lvm_arg_id id, const char *def)
{
	return ctx->args[id].count ? ctx->args[id].str : def;
}
static inline uint64_t lvm_num(const struct lvm_ctx *ctx, enum lvm_arg_id id, uint64_t def)
{
	return ctx->args[id].count ? ctx->args[id].num : def;
}

/* ---- messages ---- */

void lvm_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lvm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lvm_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed on stderr when -v was given at least `level` times. */
void lvm_verbose(const struct lvm_ctx *ctx, unsigned level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- configuration (ulvm.conf in LVM config syntax, --config on top) ---- */

/* Values at "section/key" paths, `def` when unset or of another type. */
int64_t lvm_config_int(const struct lvm_ctx *ctx, const char *path, int64_t def);
const char *lvm_config_str(const struct lvm_ctx *ctx, const char *path, const char *def);
/* First element of an array (or the single value), NULL when unset. */
const struct cfg_value *lvm_config_array(const struct lvm_ctx *ctx, const char *path);

/* ---- devices and scanning ---- */

/* Finds the devices LVM may use and reads their labels and metadata
 * headers into ctx->devs: with --devices only those; else the devices file
 * ($ULVM_SYSTEM_DIR/devices/system.devices, when it exists, or
 * --devicesfile) ; else every block device under /dev passing
 * devices/filter (and the global_filter). Image files are only seen
 * through the devices file or --devices. Idempotent: the second call
 * returns at once. Returns 0 or a negative errno (message printed). */
int lvm_scan(struct lvm_ctx *ctx);
/* The scanned device `path` names (compared after realpath), or NULL. */
struct lvm_dev *lvm_dev_find(struct lvm_ctx *ctx, const char *path);

/* Sorted names of the VGs found by the scan; *names lives in ctx->arena.
 * Returns the count. Scans first if needed. */
unsigned lvm_vg_names(struct lvm_ctx *ctx, const char ***names);

/* ---- reading VGs ---- */

enum lvm_read_flags {
	LVM_READ_WRITE = 1u << 0,	  /* open the PVs read-write, VG lock exclusive */
	LVM_READ_ALLOW_MISSING = 1u << 1, /* PVs may be missing (fd -1, PV_MISSING) */
	LVM_READ_QUIET = 1u << 2,	  /* no "not found" message */
	LVM_READ_NOLOCK = 1u << 3,	  /* the caller holds the lock already */
	LVM_READ_EXPORTED = 1u << 4,	  /* LVM_READ_WRITE of an exported VG (vgimport) */
	LVM_READ_KEEP = 1u << 5,	  /* lvm_for_each_vg: keep each VG (and its lock)
					   * until the command ends: reports sort rows
					   * pointing into every VG at the end */
};

/* Takes the VG lock (shared, or exclusive with LVM_READ_WRITE; held until
 * the command ends), scans and reads VG `name` from its PVs. Returns the
 * VG (release with lvm_vg_release, or leave it to the end of the command)
 * or NULL with the message printed ("Volume group "x" not found"). Refuses
 * a VG with missing PVs unless LVM_READ_ALLOW_MISSING, and writing to an
 * exported VG unless LVM_READ_EXPORTED. */
struct vg *lvm_vg_read(struct lvm_ctx *ctx, const char *name, unsigned flags);
void lvm_vg_release(struct lvm_ctx *ctx, struct vg *vg);

/* The orphan PVs (a label, in no VG) as a pseudo VG named LVM_ORPHAN_VG
 * whose PVs carry id, device, dev_size, pe_start (sectors), pe_count 0,
 * the label and fd -1. Never NULL; free with vg_free(). */
#define LVM_ORPHAN_VG "#orphans_lvm2"
struct vg *lvm_orphans_read(struct lvm_ctx *ctx);
static inline bool lvm_vg_is_orphan(const struct vg *vg)
{
	return vg->name[0] == '#';
}

/* Runs fn on each VG named in names[0..n) (or on every VG, sorted, when n
 * is 0; "@tag" names every VG with that tag): "Volume group "x" not found"
 * for an unknown one. Each VG is read
 * with `flags`, released after fn. Returns the worst exit status. */
typedef int (*lvm_vg_fn)(struct lvm_ctx *ctx, struct vg *vg, void *baton);
int lvm_for_each_vg(struct lvm_ctx *ctx, char **names, int n, unsigned flags, lvm_vg_fn fn,
		    void *baton);

/* Splits an operand "VG/LV", "/dev/VG/LV" ($ULVM_DEV_DIR/VG/LV) or
 * "$ULVM_DEV_DIR/mapper/VG-LV" into vg and lv (arena strings; lv NULL for a
 * bare VG name). Returns 0 or -EINVAL with the message printed. */
int lvm_split_lv_name(struct lvm_ctx *ctx, const char *arg, const char **vg, const char **lv);

/* ---- activation state (asks ulvmd; no daemon = nothing active) ---- */

struct lvm_lv_state {
	bool active;	 /* a mapped device VG-LV exists */
	bool live_table; /* it has a live table */
	bool suspended;
	bool read_only;
	unsigned open_count;
	unsigned major, minor; /* of the attached block device, else 0 */
	uint64_t size;	       /* sectors of the live table */
	char blockdev[256];    /* attached block device, "" when none */
};
/* Fills `st` for `lv`. Returns 0 (inactive is not an error), or a negative
 * errno when the daemon answered with an error. */
int lvm_lv_state(struct lvm_ctx *ctx, const struct lv *lv, struct lvm_lv_state *st);
/* "$ULVM_DEV_DIR/VG/LV" and "$ULVM_DEV_DIR/mapper/VG-LV", in ctx->arena. */
const char *lvm_lv_path(struct lvm_ctx *ctx, const struct lv *lv);
const char *lvm_lv_dm_path(struct lvm_ctx *ctx, const struct lv *lv);

/* ---- sizes ---- */

/* LVM's display_size: `sectors` in `unit` (as --units: 'h'/'H' human
 * readable 1024/1000 based, b s k m g t p e (1024) or B S K M G T P E
 * (1000)) with two decimals; human units get a '<' prefix when rounded
 * down. `long_suffix` prints " MiB" (pvdisplay, lvscan) instead of "m"
 * (reports); `suffix` false prints the number only. Returns buf. */
const char *lvm_size_str(uint64_t sectors, char unit, bool long_suffix, bool suffix, char *buf,
			 size_t size);

#endif
