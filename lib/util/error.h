/* The one error message of the current thread.
 *
 * The function that first knows why something failed calls err_set() with
 * a message naming the culprit ("table line 2: device '/x' not found");
 * callers above it just unwind with the negative errno it returned.
 * Messages start lowercase and have no full stop.
 */
#ifndef ULVM_UTIL_ERROR_H
#define ULVM_UTIL_ERROR_H

#include <errno.h>

#define ERR_MSG_MAX 1024

/* Records the message for this thread and returns -errnum (errnum > 0), so
 * a failing function can end with `return err_set(EINVAL, "...")`. */
int err_set(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like err_set() but keeps an existing message: for generic fallbacks that
 * must not hide the more precise reason set deeper down. */
int err_default(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with "prefix: ". */
void err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The current message, or strerror of the last errno given when none. */
const char *err_msg(void);

/* Forgets the message (at the start of each independent request). */
void err_clear(void);

#endif
