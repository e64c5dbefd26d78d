#include "text_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDENT  5
#define COMMENT_TAB 6

static void vline(struct text_out *o, const char *comment, const char *fmt, va_list ap)
{
	bool file = o->form == TEXT_FILE;
	size_t before;

	if (file)
		for (int i = 0; i < o->indent; i++)
			sb_puts(o->sb, "\t");
	before = o->sb->len;
	char small[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		sb_add(o->sb, small, (size_t)n);
	} else if (n >= 0) {
		char *big = malloc((size_t)n + 1);
		if (!big)
			abort();
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		sb_add(o->sb, big, (size_t)n);
		free(big);
	}
	if (file && comment) {
		/* LVM lines comments up at the 6th tab stop when it can. */
		int i = (int)(o->sb->len - before) + 8 * o->indent;
		i = i / 8 + 1;
		do
			sb_puts(o->sb, "\t");
		while (++i < COMMENT_TAB);
		sb_puts(o->sb, comment);
	}
	sb_puts(o->sb, "\n");
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
	double d = (double)sectors / 2.0;
	unsigned i = 0;

	while (d > 1024.0 && i < 5) {
		d /= 1024.0;
		i++;
	}
	snprintf(buf, size, "# %g %s", d, units[i]);
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
	sb_puts(o->sb, "\n");
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

	for (const char *s = value; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_add(&esc, "\\", 1);
		sb_add(&esc, s, 1);
	}
	out_line(o, comment, "%s = \"%s\"", key, sb_str(&esc));
	sb_release(&esc);
}
