/* Line writer for LVM2 metadata text in its two forms (formats.md §3.2).
 *
 * RAW is the copy inside a metadata area: no indentation and no comments
 * except those built into a format string. FILE is a backup/archive file:
 * one TAB per level and comments lined up at tab stops as LVM2 does. */
#ifndef ULVM_FORMAT_TEXT_TEXT_OUT_H
#define ULVM_FORMAT_TEXT_TEXT_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"

enum text_form { TEXT_RAW, TEXT_FILE };

struct text_out {
	struct strbuf *sb;
	enum text_form form;
	int indent;
	/* With form RAW: when set, each line also goes here in FILE form, so
	 * one pass makes the metadata copy and the backup's VG section. */
	struct strbuf *file;
};

/* One line; `comment` (e.g. "# linear") is written only in FILE form. */
void out_line(struct text_out *o, const char *comment, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* One line with a size comment ("# 4 Megabytes") for `sectors`. */
void out_size(struct text_out *o, uint64_t sectors, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void out_nl(struct text_out *o);
void out_indent(struct text_out *o, int delta);
/* `key = "value"` with '"' and '\' in the value escaped. */
void out_str(struct text_out *o, const char *comment, const char *key, const char *value);

#endif
