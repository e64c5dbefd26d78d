/* Daemon and tool logging: one line per message to stderr, or to the file
 * given to log_to_file() (ulvmd in the background logs to
 * $ULVM_RUN_DIR/ulvmd.log). Thread safe. */
#ifndef ULVM_UTIL_LOG_H
#define ULVM_UTIL_LOG_H

#include <stdbool.h>

void log_to_file(const char *path);
/* The log file's descriptor, or -1 when logging to stderr. */
int log_file_fd(void);
void log_set_prefix(const char *prefix);
void log_set_debug(bool on);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
