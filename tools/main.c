/* The multi-call `ulvm` binary. It answers to the name it was run as
 * (a symlink named `dmsetup` runs dmsetup) or, run as `ulvm`, to its first
 * argument (`ulvm dmsetup ls`). The commands are tools/commands.def. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "shell.h"
#include "ulvm/client.h"
#include "ulvm/protocol.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
#define ULVM_COMMAND(name, fn, help) {#name, fn, help},
#include "commands.def"
#undef ULVM_COMMAND
};

#define NUM_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int ulvm_run_command(int argc, char **argv)
{
	const struct command *cmd = find_command(argv[0]);
	return cmd ? cmd->fn(argc, argv) : ULVM_NO_SUCH_COMMAND;
}

const char *ulvm_command_name(unsigned i)
{
	return i < NUM_COMMANDS ? commands[i].name : NULL;
}

unsigned ulvm_command_count(void)
{
	return NUM_COMMANDS;
}

int cmd_help(int argc, char **argv)
{
	printf("Usage: ulvm <command> [arguments]\n"
	       "       <command> [arguments]   (through a symlink named after it)\n\n"
	       "Commands:\n");
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].help);
	printf("\nRun 'ulvm <command> --help' for the options of a command.\n");
	return 0;
}

/* `lvm version`'s shape, so scripts reading "LVM version:" keep working;
 * the metadata ulvm writes is LVM2 2.03.16's. The driver line asks a
 * running ulvmd, never starts one. */
int cmd_version(int argc, char **argv)
{
	struct ulvm_client *c = ulvm_client_open(0);
	char daemon[128] = "";
	unsigned proto[3] = {0, 0, 0};

	printf("  LVM version:     2.03.16(2) (ulvm %s)\n", ULVM_VERSION);
	printf("  Library version: ulvm %s (control protocol %d.%d.%d)\n", ULVM_VERSION,
	       ULVM_PROTO_MAJOR, ULVM_PROTO_MINOR, ULVM_PROTO_PATCH);
	if (c && ulvm_version(c, proto, daemon, sizeof(daemon)) == 0)
		printf("  Driver version:  %u.%u.%u (%s)\n", proto[0], proto[1], proto[2], daemon);
	else
		printf("  Driver version:  none (ulvmd not running for '%s')\n", ulvm_run_dir());
	printf("  Configuration:   userspace device-mapper (ulvmd), no kernel driver needed\n");
	ulvm_client_close(c);
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct command *cmd;

	/* Metadata buffers of a big VG (each copy read, each export) are
	 * 100s of KiB: above glibc's mmap threshold each one was mapped,
	 * faulted in page by page and unmapped again. From the heap they
	 * reuse the pages the previous one freed. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);

	base = base ? base + 1 : argv[0];
	/* A symlink named after a command runs it with argv untouched. */
	if (strcmp(base, "ulvm") && strcmp(base, "help") && strcmp(base, "version") &&
	    (cmd = find_command(base)))
		return cmd->fn(argc, argv);
	/* No command: the shell (tools/shell.c). */
	if (argc < 2)
		return ulvm_shell();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "ulvm: unknown command '%s' (try 'ulvm help')\n", argv[1]);
		return 1;
	}
	return cmd->fn(argc - 1, argv + 1);
}
