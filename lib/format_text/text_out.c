#include "text_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDENT  5
#define COMMENT_TAB 6

/* sb_add with the common case (room left) inline: export appends ~10
 * pieces per line. Unlike sb_add it leaves the NUL out (room for it is
 * kept): each line ends with put_end, which writes it once. */
static inline void put(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->cap - sb->len <= n) {
		sb_add(sb, s, n);
		return;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
}

/* One last byte and the NUL. */
static inline void put_end(struct strbuf *sb, char c)
{
	if (sb->cap - sb->len <= 1) {
		sb_add(sb, &c, 1);
		return;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = 0;
}

static void add_u64(struct strbuf *sb, unsigned long long v, bool negative)
{
	char buf[24], *e = buf + sizeof(buf), *p = e;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10));
	if (negative)
		*--p = '-';
	put(sb, p, (size_t)(e - p));
}

/* Appends `fmt` with its arguments as vsnprintf would when it uses only
 * %s, %d, %u (with l/ll) and %%; returns false at any other conversion,
 * leaving partial output for the caller to drop. A VG of 500 LVs is
 * ~10,000 lines, and vsnprintf was a third of exporting them. */
static bool format_simple(struct strbuf *sb, const char *fmt, va_list ap)
{
	const char *lit = fmt, *p = fmt;

	/* Format strings are a few bytes between conversions: a loop, not
	 * strchr and strlen calls. */
	for (;; lit = ++p) {
		int longs = 0;
		while (*p && *p != '%')
			p++;
		put(sb, lit, (size_t)(p - lit));
		if (!*p)
			return true;
		for (p++; *p == 'l' && longs < 2; p++)
			longs++;
		if (*p == '%') {
			put(sb, "%", 1);
		} else if (*p == 's') {
			const char *str = va_arg(ap, const char *);
			str = str ? str : "(null)";
			put(sb, str, strlen(str));
		} else if (*p == 'u') {
			unsigned long long v = longs == 0   ? va_arg(ap, unsigned)
					       : longs == 1 ? va_arg(ap, unsigned long)
							    : va_arg(ap, unsigned long long);
			add_u64(sb, v, false);
		} else if (*p == 'd') {
			long long v = longs == 0   ? va_arg(ap, int)
				      : longs == 1 ? va_arg(ap, long)
						   : va_arg(ap, long long);
			add_u64(sb, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v,
				v < 0);
		} else {
			return false;
		}
	}
}

static void format_any(struct strbuf *sb, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		sb_add(sb, small, (size_t)n);
	} else if (n >= 0) {
		char *big = malloc((size_t)n + 1);
		if (!big)
			abort();
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		sb_add(sb, big, (size_t)n);
		free(big);
	}
}

static void vline(struct text_out *o, const char *comment, const char *fmt, va_list ap)
{
	static const char tabs[MAX_INDENT + 1] = "\t\t\t\t\t";
	struct strbuf *raw = o->form == TEXT_RAW ? o->sb : NULL;
	struct strbuf *file = o->form == TEXT_FILE ? o->sb : o->file;
	struct strbuf *first = raw ? raw : file;

	if (!raw)
		put(file, tabs, (size_t)o->indent);
	size_t before = first->len;
	va_list ap2;
	va_copy(ap2, ap);
	bool simple = format_simple(first, fmt, ap2);
	va_end(ap2);
	if (!simple) {
		first->len = before;
		if (first->buf)
			first->buf[before] = 0;
		format_any(first, fmt, ap);
	}
	size_t n = first->len - before;
	if (raw && file) {
		put(file, tabs, (size_t)o->indent);
		put(file, raw->buf + before, n);
	}
	if (file && comment) {
		/* LVM lines comments up at the 6th tab stop when it can. */
		int i = (int)n + 8 * o->indent;
		i = i / 8 + 1;
		size_t n_tabs = i < COMMENT_TAB ? (size_t)(COMMENT_TAB - i) : 1; /* at least one */
		put(file, tabs, n_tabs);
		put(file, comment, strlen(comment));
	}
	if (raw)
		put_end(raw, '\n');
	if (file)
		put_end(file, '\n');
}

void out_line(struct text_out *o, const char *comment, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(o, comment, fmt, ap);
	va_end(ap);
}

/* "# 4 Megabytes": sectors/2 KiB scaled down by 1024 while above 1024. */
static void size_comment(uint64_t sectors, char *buf, size_t size)
{
	static const char *const units[] = {"Kilobytes", "Megabytes", "Gigabytes",
					    "Terabytes", "Petabytes", "Exabytes"};
	/* Most LVs of a VG share a size: remember the last one (%g is slow). */
	static _Thread_local uint64_t last_sectors = UINT64_MAX;
	static _Thread_local char last[64];
	double d = (double)sectors / 2.0;
	unsigned i = 0;

	if (sectors == last_sectors && size <= sizeof(last)) {
		memcpy(buf, last, size);
		buf[size - 1] = 0;
		return;
	}

	while (d > 1024.0 && i < 5) {
		d /= 1024.0;
		i++;
	}
	snprintf(buf, size, "# %g %s", d, units[i]);
	if (size <= sizeof(last)) {
		memcpy(last, buf, size);
		last_sectors = sectors;
	}
}

void out_size(struct text_out *o, uint64_t sectors, const char *fmt, ...)
{
	char comment[64];
	va_list ap;

	size_comment(sectors, comment, sizeof(comment));
	va_start(ap, fmt);
	vline(o, comment, fmt, ap);
	va_end(ap);
}

void out_nl(struct text_out *o)
{
	sb_add(o->sb, "\n", 1);
	if (o->form == TEXT_RAW && o->file)
		sb_add(o->file, "\n", 1);
}

void out_indent(struct text_out *o, int delta)
{
	o->indent += delta;
	if (o->indent > MAX_INDENT)
		o->indent = MAX_INDENT;
	if (o->indent < 0)
		o->indent = 0;
}

void out_str(struct text_out *o, const char *comment, const char *key, const char *value)
{
	struct strbuf esc = STRBUF_INIT;

	if (!strpbrk(value, "\"\\")) {
		out_line(o, comment, "%s = \"%s\"", key, value);
		return;
	}

	for (const char *s = value; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_add(&esc, "\\", 1);
		sb_add(&esc, s, 1);
	}
	out_line(o, comment, "%s = \"%s\"", key, sb_str(&esc));
	sb_release(&esc);
}
