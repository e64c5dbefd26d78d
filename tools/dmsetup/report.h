/* The column report of `dmsetup info -c` (report.c). */
#ifndef ULVM_TOOLS_DMSETUP_REPORT_H
#define ULVM_TOOLS_DMSETUP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "dmsetup.h"

struct dm_report;

/* Builds a report for the -o fields (default set when NULL; "+a,b" adds
 * to the default set), --noheadings and --separator of `o`. Returns 0
 * with *out owned by the caller (dm_report_free), or -EINVAL with the
 * message set for an unknown field. */
int dm_report_new(const struct dmsetup_opts *o, struct dm_report **out);
void dm_report_free(struct dm_report *r);

/* Whether a chosen field needs the device's deps. */
bool dm_report_needs_deps(const struct dm_report *r);

/* Adds one row (the strings are copied; deps may be NULL when not needed). */
void dm_report_add(struct dm_report *r, const struct ulvm_info *info, const struct ulvm_deps *deps);

/* Prints the headings (unless --noheadings) and the rows. */
void dm_report_print(const struct dm_report *r, FILE *out);

#endif
