/* Entry points of the `ulvm` commands (tools/commands.def). */
#ifndef ULVM_TOOLS_COMMANDS_H
#define ULVM_TOOLS_COMMANDS_H

#define ULVM_COMMAND(name, fn, help) int fn(int argc, char **argv);
#include "commands.def"
#undef ULVM_COMMAND

#endif
