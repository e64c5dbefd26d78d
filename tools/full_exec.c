/* The lean `ulvm` binary (dmsetup and the LVM commands) leaves out what
 * needs libcrypto, libargon2 and libreadline: linking them costs every
 * process about 2.5 ms of loading and relocation, more than an lvcreate
 * does otherwise. cryptsetup and the interactive shell run in `ulvm-full`
 * beside it, which this file execs with the same arguments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "shell.h"

/* Replaces the process with ulvm-full from the folder of this executable;
 * argv[0] names the command, as main() of ulvm-full expects. Returns only
 * on failure, with the status of a command that could not run. */
static int exec_full(char **argv)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("ulvm-full"));
	char *slash = n > 0 ? memrchr(path, '/', (size_t)n) : NULL;

	if (!slash) {
		fprintf(stderr, "ulvm: cannot find my own executable: %s\n", strerror(errno));
		return 127;
	}
	strcpy(slash + 1, "ulvm-full");
	execv(path, argv);
	fprintf(stderr, "ulvm: cannot run '%s': %s\n", path, strerror(errno));
	return 127;
}

int cmd_cryptsetup(int argc, char **argv)
{
	return exec_full(argv);
}

int ulvm_shell(void)
{
	char *argv[] = {"ulvm", NULL};
	return exec_full(argv);
}
