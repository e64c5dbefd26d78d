/* Backup and archive files (formats.md §3.10) read back by vgcfgrestore,
 * pvcreate --restorefile and pvck --repair. */
#ifndef ULVM_TOOLS_LVM_BACKUP_FILE_H
#define ULVM_TOOLS_LVM_BACKUP_FILE_H

#include <stddef.h>

#include "metadata/metadata.h"

/* The whole file as a malloc'd NUL-terminated string (caller frees), or
 * NULL with errno. */
char *lvm_backup_read(const char *path, size_t *len);
/* Imports the VG a backup file holds (vg_free() it); NULL with the message
 * printed. `description`, when not NULL, gets its malloc'd description
 * line (or NULL). Its PVs have fd -1 until attached. */
struct vg *lvm_backup_import(const char *path, char **description);

#endif
