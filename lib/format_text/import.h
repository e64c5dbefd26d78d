/* LVM2 metadata text -> VG model (lib/format_text/import_vsn1.c rules:
 * required keys, unknown status words fatal, unknown flags ignored). */
#ifndef ULVM_FORMAT_TEXT_IMPORT_H
#define ULVM_FORMAT_TEXT_IMPORT_H

#include <stddef.h>

#include "metadata/metadata.h"

/* Parses the raw or file form. Returns a new VG the caller frees with
 * vg_free(), or NULL with errno and a message ("vg 'x': LV 'y': ...").
 * The VG keeps the parsed tree (vg->cft) only for segment types it does
 * not model: freed, the tree's memory (~1.5 KiB an LV) serves the exports
 * and files a command writes next instead of fresh pages. */
struct vg *vg_import(const char *text, size_t len);

#endif
