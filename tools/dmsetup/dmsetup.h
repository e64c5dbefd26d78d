/* `ulvm dmsetup`: the shared pieces of its subcommands.
 *
 * Each subcommand is a `int fn(struct dmsetup_ctx *)` returning the exit
 * status (0 or 1) and is listed in tools/dmsetup/commands.def. Options are
 * global, as in the real dmsetup: any option may come before or after the
 * subcommand and each subcommand uses the ones it understands. */
#ifndef ULVM_TOOLS_DMSETUP_H
#define ULVM_TOOLS_DMSETUP_H

#include <stdbool.h>
#include <stdio.h>

#include "ulvm/client.h"

struct dmsetup_opts {
	bool columns;  /* -c, -C, --columns */
	bool force;    /* -f, --force */
	bool notable;  /* -n, --notable */
	bool readonly; /* -r, --readonly */
	bool noheadings;
	bool tree;
	bool showkeys;
	bool inactive;
	bool noflush;
	bool nolockfs;
	bool setuuid;
	bool help;	       /* -h, --help */
	bool version;	       /* --version */
	int verbose;	       /* -v, repeatable */
	const char *fields;    /* -o, --options */
	const char *uuid;      /* -u, --uuid */
	const char *separator; /* --separator */
	const char *table;     /* --table */
	const char *target;    /* --target */
};

/* Parses the options of argv[0..argc) (argv[0] is the program name) into
 * `o`, permuting argv so the operands (subcommand first) end up in
 * argv[*first..argc). Returns 0, or -EINVAL with the message set. */
int dmsetup_parse_options(int argc, char **argv, struct dmsetup_opts *o, int *first);

struct dmsetup_cmd;

struct dmsetup_ctx {
	const struct dmsetup_opts *opts;
	const struct dmsetup_cmd *cmd;
	struct ulvm_client *client; /* connected before the command runs */
	int argc;		    /* operands after the subcommand name */
	char **argv;
	void *priv; /* the subcommand's own state */
};

typedef int (*dmsetup_fn)(struct dmsetup_ctx *ctx);

/* Command flags. */
enum {
	DMSETUP_NO_DAEMON = 1u << 0, /* runs without connecting to ulvmd */
};

struct dmsetup_cmd {
	const char *name;
	dmsetup_fn fn;
	int min_args, max_args; /* max -1: any number */
	unsigned flags;
	const char *usage;
};

#define DMSETUP_COMMAND(name, fn, min, max, flags, usage) int fn(struct dmsetup_ctx *ctx);
#include "commands.def"
#undef DMSETUP_COMMAND

/* Prints "dmsetup: <message>" on stderr and returns 1 (the exit status). */
int dm_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the current err_msg() the same way; returns 1. */
int dm_fail(void);

/* The device an operand names: the name, or the -u uuid when name is NULL. */
struct ulvm_devid dm_devid(const struct dmsetup_ctx *ctx, const char *name);

/* Label of a device for messages: its name, or the uuid given with -u. */
const char *dm_label(const struct dmsetup_ctx *ctx, const char *name);

/* Runs fn on each device the operands name, or on every device when there
 * are none (and no -u): "No devices found" when there is no device at all.
 * `multiple` tells fn to prefix its output with the device name, as the
 * real dmsetup does when it reports on several devices. Returns the exit
 * status: 1 when any call failed. */
typedef int (*dm_device_fn)(struct dmsetup_ctx *ctx, const char *name, bool multiple);
int dm_for_devices(struct dmsetup_ctx *ctx, dm_device_fn fn);

/* The table text for create/load: --table, else the file operand, else
 * stdin. Comments ('#' to the end of a line) are cut; lines are kept so
 * ulvmd's "table line N" messages count as the user does. *out is
 * malloc'ed (caller frees); *empty tells whether no target line remains. */
int dm_read_table(const struct dmsetup_ctx *ctx, const char *file, char **out, bool *empty);

/* Prints the long form of `dmsetup info` for one device. */
void dm_print_info(const struct ulvm_info *info);

/* Prints the usage of every subcommand (as `dmsetup help`). */
void dm_usage(FILE *out);

/* Exposed for `help -c`: the fields `info -c -o` knows. */
void dm_report_help(FILE *out);

/* Parses the -o of deps and ls (devno, devname, blkdevname) into 0, 1, 2;
 * returns 0 or -EINVAL with the message set. */
int dm_dev_name_type(const char *fields, int *type);

/* `ls --tree`: draws every device over the devices it uses (tree.c). */
int dm_tree_show(struct dmsetup_ctx *ctx);

/* Keeps $ULVM_DEV_DIR/mapper/NAME in step with the device's block device. */
int dm_mknode(const struct ulvm_info *info);

#endif
