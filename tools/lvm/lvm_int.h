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

#endif
