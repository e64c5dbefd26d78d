/* A growable NUL-terminated string, for status lines, tables and replies. */
#ifndef ULVM_UTIL_STRBUF_H
#define ULVM_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Appends formatted text; aborts the process if memory runs out, since
 * every caller would otherwise have to handle an impossible case. */
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_reset(struct strbuf *sb);
/* Returns the string ("" when empty); the strbuf keeps ownership. */
const char *sb_str(const struct strbuf *sb);
/* Hands the string to the caller (who frees it) and empties the strbuf. */
char *sb_detach(struct strbuf *sb);
void sb_release(struct strbuf *sb);

#endif
