/* LVM UUIDs (formats.md §3.9): 32 characters from [0-9a-zA-Z] (readers
 * also accept '!' and '#'), printed as 6-4-4-4-4-4-6 groups. */
#ifndef ULVM_METADATA_UUID_H
#define ULVM_METADATA_UUID_H

#include <stdbool.h>

#define UUID_LEN	32
#define UUID_DASHED_LEN 38

/* Fills `out` (33 bytes) with a new random uuid from getrandom(2).
 * Returns 0 or a negative errno with a message. */
int uuid_generate(char out[UUID_LEN + 1]);
/* Writes the dashed form of a 32-char uuid into `out` (39 bytes). An id
 * starting with '#' is copied verbatim, as LVM does. */
void uuid_format(const char *id, char out[UUID_DASHED_LEN + 1]);
/* Strips dashes from `text` and checks that 32 valid characters remain.
 * Returns 0 or -EINVAL with a message naming the text. */
int uuid_parse(const char *text, char out[UUID_LEN + 1]);
bool uuid_char_valid(char c);

#endif
