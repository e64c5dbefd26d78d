/* pvck's two halves: pvck.c (checks, --repair) and pvck_dump.c (--dump). */
#ifndef ULVM_TOOLS_LVM_PVCK_H
#define ULVM_TOOLS_LVM_PVCK_H

#include "lvm.h"

/* pvck --dump NAME PATH (headers, metadata, metadata_all,
 * metadata_search; -f FILE for the text). Returns an LVM exit status. */
int lvm_pvck_dump(struct lvm_ctx *ctx, const char *path, const char *name);

#endif
