/* The interactive `ulvm` shell (tools/shell.c) and what it needs from the
 * command table of tools/main.c. */
#ifndef ULVM_TOOLS_SHELL_H
#define ULVM_TOOLS_SHELL_H

/* Reads command lines from stdin until exit/quit or end of input; returns
 * the status of the last command. */
int ulvm_shell(void);

/* main.c: runs argv[0] as a ulvm command; ULVM_NO_SUCH_COMMAND when it
 * names none. */
#define ULVM_NO_SUCH_COMMAND (-1000)
int ulvm_run_command(int argc, char **argv);
/* Name of command `i` of tools/commands.def, NULL past the end. */
const char *ulvm_command_name(unsigned i);
unsigned ulvm_command_count(void);

#endif
