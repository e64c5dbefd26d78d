/* Weak stand-ins for the commands of commands.def not written yet: each
 * real command file's strong definition replaces its stub at link time,
 * so commands (and the report side, written in parallel) land one by one. */
#include "lvm.h"

#define LVM_CMD(name, fn, flags, help, usage, ...)                                                 \
	__attribute__((weak)) int fn(struct lvm_ctx *ctx)                                          \
	{                                                                                          \
		(void)ctx;                                                                         \
		lvm_error(#name ": not implemented yet");                                          \
		return LVM_EFAILED;                                                                \
	}
#include "commands.def"
#undef LVM_CMD
