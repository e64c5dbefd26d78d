/* Sizes as LVM2 prints them (--units, --nosuffix; libdevmapper's
 * dm_size_to_string and dm_units_to_factor rules).
 *
 * Unit letters: lower case b s k m g t p e are powers of 1024, upper case
 * K M G T P E powers of 1000 (with LVM2's default si_unit_consistency), S
 * and B equal s and b. h/H pick the largest fitting unit (1024/1000); r/R
 * do the same and mark a value that rounding would make look larger with
 * '<' ("<1.95g"). LVM2's default is r. A leading number makes a custom
 * unit ("4m"). */
#ifndef ULVM_REPORT_UNITS_H
#define ULVM_REPORT_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct units {
	char type;	 /* the letter; 'U' for a custom multiple */
	uint64_t factor; /* bytes per unit; 1 for h/H/r/R */
	bool suffix;	 /* false with --nosuffix */
};

/* The default display: human, rounding marked, with suffix. */
#define UNITS_DEFAULT                                                                              \
	(struct units)                                                                             \
	{                                                                                          \
		'r', 1, true                                                                       \
	}

/* Parses a --units argument ("m", "H", "4k"). Returns 0 or -EINVAL with
 * the message "invalid units specification". */
int units_parse(const char *arg, struct units *u);
/* Bytes per unit of a selection value's unit letters at `s` (non-strict:
 * "m", "MiB" is not accepted); 0 when `s` starts no unit. Sets *end past
 * the letter. */
uint64_t units_factor_prefix(const char *s, const char **end);
/* Formats `sectors` (512-byte units) into `buf` as LVM2's report shows
 * it: "12.00m", "<1.95g", "98304S", "0 ". */
void units_format(const struct units *u, uint64_t sectors, char *buf, size_t size);
/* The same with LVM2's long suffix when `long_form` ("156.00 MiB", zero
 * as "0   "), as vgdisplay/pvdisplay/lvdisplay print sizes. */
void units_format_form(const struct units *u, uint64_t sectors, bool long_form, char *buf,
		       size_t size);

#endif
