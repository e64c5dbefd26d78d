/* Strict number parsing and word splitting, shared by the table parser,
 * the tools and the config reader. Trailing junk is always an error. */
#ifndef ULVM_UTIL_PARSE_H
#define ULVM_UTIL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal unsigned integers only: no sign, no spaces, no "0x", no suffix.
 * Return 0, or -EINVAL (bad text) / -ERANGE (too big) without a message. */
int parse_u64(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);

/* Splits `line` in place at blanks into at most `max` words; returns the
 * count, or -E2BIG when there are more than `max` words. */
int split_words(char *line, char **words, int max);

/* True if `name` is a valid mapped-device name: 1..127 bytes, not "." or
 * "..", no '/', no control characters or blanks. */
bool name_is_valid(const char *name);

#endif
