/* `ulvm <lvm command>`: the entry point of every LVM command. Finds the
 * command in commands.def, parses its options, loads the configuration and
 * the devices file, runs it, then releases what it scanned, read and
 * locked.
 *
 * Test hooks (environment, read only by tests):
 *   ULVM_TEST_CRASH_AFTER=write|precommit  commit.c exits with status 99
 *       right after that commit step, as if the machine died there.
 *   ULVM_TEST_LVCREATE_COUNT=N  lvcreate makes N LVs (NAME, NAME_1 ...)
 *       in one commit, to build large VGs fast for benchmarks. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../commands.h"
#include "lvm.h"
#include "lvm_int.h"
#include "format_text/pv_io.h"
#include "ulvm/client.h"
#include "util/strbuf.h"

#define LVM_CMD(name, fn, flags, help, usage, ...)                                                 \
	static const enum lvm_arg_id name##_args[] = {__VA_ARGS__, LVM_ARG_COUNT};
#include "commands.def"
#undef LVM_CMD

const struct lvm_command lvm_commands[] = {
#define LVM_CMD(name, fn, flags, help, usage, ...) {#name, fn, flags, help, usage, name##_args},
#include "commands.def"
#undef LVM_CMD
};
const unsigned lvm_command_count = sizeof(lvm_commands) / sizeof(lvm_commands[0]);

const struct lvm_command *lvm_command_find(const char *name)
{
	for (unsigned i = 0; i < lvm_command_count; i++)
		if (!strcmp(lvm_commands[i].name, name))
			return &lvm_commands[i];
	return NULL;
}

static void vmsg(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void lvm_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(stderr, "  ", fmt, ap);
	va_end(ap);
}

void lvm_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(stderr, "  WARNING: ", fmt, ap);
	va_end(ap);
}

void lvm_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(stdout, "  ", fmt, ap);
	va_end(ap);
}

void lvm_verbose(const struct lvm_ctx *ctx, unsigned level, const char *fmt, ...)
{
	va_list ap;
	if (ctx->args[ARG_verbose].count < level)
		return;
	va_start(ap, fmt);
	vmsg(stderr, "  ", fmt, ap);
	va_end(ap);
}

/* The library's warnings in LVM's shape. */
static void warn_hook(const char *msg)
{
	lvm_warn("%s", msg);
}

static const char *join_cmdline(struct lvm_ctx *ctx, int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < argc; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", argv[i]);
	const char *s = arena_strdup(&ctx->arena, sb_str(&sb));
	sb_release(&sb);
	return s;
}

void lvm_ctx_release(struct lvm_ctx *ctx);

int lvm_run(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct lvm_command *cmd = lvm_command_find(base ? base + 1 : argv[0]);
	struct lvm_ctx ctx = {0};
	int status;

	if (!cmd) {
		lvm_error("No such command '%s'.  Try 'ulvm help'.", argv[0]);
		return LVM_ENOSUCHCMD;
	}
	ctx.cmd = cmd;
	ctx.cmdline = join_cmdline(&ctx, argc, argv);
	format_text_warn = warn_hook;
	if (lvm_parse_args(&ctx, argc, argv) < 0) {
		status = LVM_EINVALID;
		goto out;
	}
	if (lvm_has(&ctx, ARG_help) || lvm_has(&ctx, ARG_longhelp)) {
		lvm_usage(cmd, stdout);
		status = LVM_OK;
		goto out;
	}
	if (lvm_has(&ctx, ARG_version)) {
		status = cmd_version(1, argv);
		goto out;
	}
	if (lvm_config_load(&ctx) < 0) {
		status = LVM_EINVALID;
		goto out;
	}
	status = cmd->fn(&ctx);
out:
	lvm_ctx_release(&ctx);
	if (fflush(stdout) && status == 0)
		status = LVM_EFAILED;
	return status;
}

int cmd_lvm(int argc, char **argv)
{
	return lvm_run(argc, argv);
}
