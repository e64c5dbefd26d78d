/* `ulvm dmsetup`: the entry point. Parses the global options, finds the
 * subcommand in commands.def, checks its operand count, connects to ulvmd
 * (starting it on demand) and runs it. Where the real dmsetup talks to the
 * kernel, this one talks to ulvmd. */
#include <stdio.h>
#include <string.h>

#include "../commands.h"
#include "dmsetup.h"
#include "util/error.h"

static const struct dmsetup_cmd commands[] = {
#define DMSETUP_COMMAND(name, fn, min, max, flags, usage) {#name, fn, min, max, flags, usage},
#include "commands.def"
#undef DMSETUP_COMMAND
};

#define NUM_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct dmsetup_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void dm_usage(FILE *out)
{
	fprintf(out, "Usage:\n\n"
		     "dmsetup\n\t"
		     "[--version] [-h|--help [-c|-C|--columns]]\n\t"
		     "[-v|--verbose [-v|--verbose ...]] [-f|--force]\n\t"
		     "[-r|--readonly] [--noflush] [--nolockfs] [--inactive]\n\t"
		     "[-c|-C|--columns] [-o <fields>] [-u|--uuid <uuid>]\n\t"
		     "[--noheadings] [--separator <separator>]\n\n");
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		fprintf(out, "\t%s %s\n", commands[i].name, commands[i].usage);
	fprintf(out,
		"\n<device> may be device name or (if only one) -u <uuid>\n"
		"<fields> are comma-separated.  Use 'help -c' for list.\n"
		"Table_file contents may be supplied on stdin.\n"
		"Options are: devno, devname, blkdevname.\n"
		"Tree specific options are: ascii, utf; notrunc;\n"
		"                           blkdevname, [no]device, active, open, rw and uuid.\n"
		"ulvm: devices are served by ulvmd ($ULVM_RUN_DIR/control), not the kernel.\n\n");
}

static int check_arg_count(const struct dmsetup_cmd *cmd, int nargs)
{
	if (nargs >= cmd->min_args && (cmd->max_args < 0 || nargs <= cmd->max_args))
		return 0;
	dm_error("%s: wrong number of arguments", cmd->name);
	fprintf(stderr, "Usage: dmsetup %s %s\n", cmd->name, cmd->usage);
	return 1;
}

static int run(const struct dmsetup_cmd *cmd, const struct dmsetup_opts *o, int argc, char **argv)
{
	struct dmsetup_ctx ctx = {.opts = o, .cmd = cmd, .argc = argc, .argv = argv};

	if (!(cmd->flags & DMSETUP_NO_DAEMON)) {
		ctx.client = ulvm_client_open(ULVM_CONNECT_AUTOSTART);
		if (!ctx.client)
			return dm_fail();
	}
	int status = cmd->fn(&ctx);
	ulvm_client_close(ctx.client);
	if (fflush(stdout))
		status = dm_error("cannot write output: %m");
	return status;
}

int cmd_dmsetup(int argc, char **argv)
{
	struct dmsetup_opts o;
	int first;

	err_clear();
	if (dmsetup_parse_options(argc, argv, &o, &first)) {
		dm_fail();
		fprintf(stderr, "Run 'dmsetup help' for the list of commands and options.\n");
		return 1;
	}
	/* --help and --version win over any subcommand, as in the real tool. */
	if (o.help || o.version)
		return run(find_command(o.help ? "help" : "version"), &o, 0, argv + argc);
	/* -c -o help lists the report fields, without asking ulvmd. */
	if (o.columns && o.fields && strstr(o.fields, "help")) {
		dm_report_help(stderr);
		return 0;
	}
	if (first >= argc) {
		dm_usage(stderr);
		return 1;
	}
	const struct dmsetup_cmd *cmd = find_command(argv[first]);
	if (!cmd) {
		dm_error("unknown command '%s'", argv[first]);
		fprintf(stderr, "Run 'dmsetup help' for the list of commands and options.\n");
		return 1;
	}
	int nargs = argc - first - 1;
	if (check_arg_count(cmd, nargs))
		return 1;
	return run(cmd, &o, nargs, argv + first + 1);
}
