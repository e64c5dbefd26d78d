/* Private to loop.c, loop_links.c and loop_stale.c. */
#ifndef ULVM_EXPORTS_LOOP_INT_H
#define ULVM_EXPORTS_LOOP_INT_H

#include <stdbool.h>

/* $DEV_DIR/mapper/NAME -> /dev/loopN, and $DEV_DIR/VG/LV for names of LVM
 * devices (uuid "LVM-..."). Return 0 or a negative errno, message set. */
int links_add(const char *dev_dir, const char *name, const char *uuid, const char *target);
void links_remove(const char *dev_dir, const char *name, const char *uuid);

/* Splits an LVM device name "vg-lv" (hyphens in either doubled) into its
 * two names; false when it is not of that form. */
bool lvm_split_name(const char *name, char *vg, char *lv, unsigned size);

/* Removes symlinks to /dev/loopN under dev_dir/mapper and dev_dir/<dir>
 * whose loop device is no longer bound; returns how many. */
int links_remove_stale(const char *dev_dir);

/* The backing file of /dev/loopN as the kernel reports it; false if the
 * loop is unbound. */
bool loop_backing_file(unsigned nr, char *out, unsigned size);

#endif
