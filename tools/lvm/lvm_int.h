/* Internals shared by the files of tools/lvm (not for the report side). */
#ifndef ULVM_TOOLS_LVM_INT_H
#define ULVM_TOOLS_LVM_INT_H

#include <stdio.h>

#include "lvm.h"

struct lvm_arg_def {
	const char *lname;
	char sname;
	enum lvm_val type;
	bool repeat;
};
extern const struct lvm_arg_def lvm_arg_defs[LVM_ARG_COUNT];

/* Fills ctx->args and the operands from argv[1..argc). 0 or -EINVAL
 * (message printed). */
int lvm_parse_args(struct lvm_ctx *ctx, int argc, char **argv);
bool lvm_cmd_takes(const struct lvm_command *cmd, enum lvm_arg_id id);
void lvm_usage(const struct lvm_command *cmd, FILE *out);
/* "10", "10m", "1.5G", "+4k", "2048s", "4096b" -> sectors. */
int lvm_parse_size(const char *s, char default_unit, uint64_t *sectors, char *sign);
/* The table of commands.def and its size. */
extern const struct lvm_command lvm_commands[];
extern const unsigned lvm_command_count;
const struct lvm_command *lvm_command_find(const char *name);

/* config.c: reads ulvm.conf and --config into ctx->config. */
int lvm_config_load(struct lvm_ctx *ctx);

/* Runs one command line (argv[0] = command name); used by cmd_lvm and the
 * shell. */
int lvm_run(int argc, char **argv);

/* devices.c: the devices file. */
struct lvm_devfile_entry {
	const char *idtype, *devname, *pvid;
};
const char *lvm_system_dir(void);
const char *lvm_devices_file_path(struct lvm_ctx *ctx);
bool lvm_devices_file_use(struct lvm_ctx *ctx);
unsigned lvm_devices_file_read(struct lvm_ctx *ctx, struct lvm_devfile_entry **out);
unsigned lvm_devices_file_list(struct lvm_ctx *ctx, const char ***paths);
int lvm_devices_file_write(struct lvm_ctx *ctx, const struct lvm_devfile_entry *e, unsigned n);
int lvm_devices_file_add(struct lvm_ctx *ctx, const char *path, const char *pvid);
int lvm_devices_file_del(struct lvm_ctx *ctx, const char *path);
int lvm_devices_file_note(struct lvm_ctx *ctx, const char *path, const char *pvid);

/* lock.c: flock files under $ULVM_RUN_DIR/lock, held until the command
 * ends (lvm_locks_release). `name` is "P_global" or "V_<vg>". */
int lvm_lock(struct lvm_ctx *ctx, const char *name, bool exclusive);
int lvm_lock_global(struct lvm_ctx *ctx, bool exclusive);
int lvm_lock_vg(struct lvm_ctx *ctx, const char *vg, bool exclusive);
void lvm_locks_release(struct lvm_ctx *ctx);
/* Forgets the scan so the next lvm_scan reads the devices again (after a
 * lock was taken, or after pvcreate wrote labels). */
void lvm_rescan(struct lvm_ctx *ctx);
/* Frees the metadata texts the scan kept that no VG read took. */
void lvm_scan_release(struct lvm_ctx *ctx);

/* commit.c: archive the VG as read (done by lvm_vg_read with
 * LVM_READ_WRITE), write/precommit/commit, back it up. Returns 0 or -errno
 * with the message printed; on failure nothing is committed. */
int lvm_vg_commit(struct lvm_ctx *ctx, struct vg *vg);
int lvm_vg_archive_prepare(struct lvm_ctx *ctx, struct vg *vg);
void lvm_archive_forget(struct lvm_ctx *ctx, const struct vg *vg);
void lvm_vgs_release_all(struct lvm_ctx *ctx);
int lvm_vg_backup(struct lvm_ctx *ctx, const struct vg *vg);
/* run_hint.c: $ULVM_RUN_DIR/FOLDER/NAME, a hint a command leaves for the
 * next (read: its length, or -1 when there is none). */
int lvm_run_hint_read(const char *folder, const char *name, char *buf, size_t size);
void lvm_run_hint_write(const char *folder, const char *name, const char *text, size_t len);
/* archive_index.c: the NNNNN for the next archive of `vgname` in folder
 * `dir`, and the note, after writing archive `index`, that spares the
 * next call reading the folder. */
unsigned lvm_archive_next_index(const char *dir, const char *vgname);
void lvm_archive_note_index(const char *dir, const char *vgname, unsigned index);
/* text_hint.c: after a commit, where each PV's text now is; in the scan,
 * a read-ahead of the text last committed on `device` (open as `fd`). */
void lvm_text_hint_note(const struct vg *vg);
void lvm_text_hint_prefetch(int fd, const char *device);

/* activate.c: LVs as mapped devices in ulvmd. */
int lvm_lv_activate(struct lvm_ctx *ctx, const struct lv *lv);
int lvm_lv_deactivate(struct lvm_ctx *ctx, const struct lv *lv);
/* Connection to ulvmd; `start` launches it when absent. NULL if none. */
struct ulvm_client *lvm_client(struct lvm_ctx *ctx, bool start);

/* names.c: LVM's name rules. 0 or -EINVAL with the message printed. */
int lvm_check_vg_name(const char *name);
int lvm_check_lv_name(const char *name);

/* Asks "question? [y/n]: " unless -y; true for yes. */
bool lvm_yes(struct lvm_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* pvcreate.c: formats one device as an orphan PV (uuid NULL: new one). */
int lvm_pv_create(struct lvm_ctx *ctx, const char *path, const char *uuid);
bool lvm_dev_mounted(const char *path);

/* vgcreate.c: helpers shared with vgextend. */
uint32_t lvm_extent_size(struct lvm_ctx *ctx); /* -s in sectors, 0 (printed) when bad */
int lvm_prepare_pvs(struct lvm_ctx *ctx, const char *vgname, char **devs, int n);
const char **lvm_pv_paths(struct lvm_ctx *ctx, char **devs, int n);

/* lvremove.c: deactivates `lv` (refusing an open one; asks about an active
 * one unless -f) and unlinks it from `vg`. 0 or -1 (printed). */
int lvm_lv_remove(struct lvm_ctx *ctx, struct vg *vg, struct lv *lv);
/* vgremove.c: rewrites a PV as an orphan in the same geometry. */
int lvm_pv_orphan(struct lvm_ctx *ctx, struct pv *pv);

/* vgchange.c: checks --activationmode complete|degraded|partial. */
int lvm_activation_mode_check(struct lvm_ctx *ctx);

/* lvchange.c: (de)activates one visible LV. */
int lvm_lv_set_active(struct lvm_ctx *ctx, const struct lv *lv, bool on);

#endif
