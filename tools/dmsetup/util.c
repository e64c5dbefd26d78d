/* Helpers shared by the dmsetup subcommands: messages, device operands,
 * iterating over devices and reading tables. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmsetup.h"
#include "util/error.h"
#include "util/strbuf.h"

/* Control characters in a message (a name given as "a\nb" quoted back)
 * are shown escaped, so each message stays one line on the terminal. */
static void put_escaped(const char *s, FILE *out)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

int dm_error(const char *fmt, ...)
{
	char msg[ERR_MSG_MAX + 256];
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("dmsetup: ", stderr);
	put_escaped(msg, stderr);
	fputc('\n', stderr);
	return 1;
}

int dm_fail(void)
{
	return dm_error("%s", err_msg());
}

struct ulvm_devid dm_devid(const struct dmsetup_ctx *ctx, const char *name)
{
	if (!name && ctx->opts->uuid)
		return ULVM_DEV_UUID(ctx->opts->uuid);
	return ULVM_DEV_NAME(name);
}

const char *dm_label(const struct dmsetup_ctx *ctx, const char *name)
{
	return name ? name : ctx->opts->uuid ? ctx->opts->uuid : "";
}

int dm_for_devices(struct dmsetup_ctx *ctx, dm_device_fn fn)
{
	int status = 0;

	if (ctx->argc == 0 && ctx->opts->uuid)
		return fn(ctx, NULL, false);
	if (ctx->argc > 0) {
		for (int i = 0; i < ctx->argc; i++)
			status |= fn(ctx, ctx->argv[i], ctx->argc > 1);
		return status;
	}
	struct ulvm_list *list;
	if (ulvm_list(ctx->client, NULL, &list))
		return dm_fail();
	if (list->count == 0)
		printf("No devices found\n");
	for (size_t i = 0; i < list->count; i++)
		status |= fn(ctx, list->dev[i].name, true);
	free(list);
	return status;
}

/* Reads all of `fd` into sb; returns 0 or -errno (message set). */
static int read_all(int fd, const char *what, struct strbuf *sb)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(errno, "cannot read table from %s: %s", what,
				       strerror(errno));
		if (n == 0)
			return 0;
		sb_add(sb, buf, (size_t)n);
	}
}

/* Cuts comments, keeping every newline; tells whether a target line
 * remains (a line with anything but blanks). */
static bool strip_comments(char *text)
{
	bool in_comment = false, content = false;
	char *out = text;

	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			in_comment = false;
		else if (*p == '#')
			in_comment = true;
		if (in_comment)
			continue;
		if (*p != '\n' && *p != ' ' && *p != '\t' && *p != '\r')
			content = true;
		*out++ = *p;
	}
	*out = '\0';
	return content;
}

int dm_read_table(const struct dmsetup_ctx *ctx, const char *file, char **out, bool *empty)
{
	struct strbuf sb = STRBUF_INIT;
	int r = 0;

	if (ctx->opts->table) {
		sb_puts(&sb, ctx->opts->table);
	} else if (file) {
		FILE *f = fopen(file, "r");
		if (!f) {
			r = err_set(errno, "cannot open table file '%s': %s", file,
				    strerror(errno));
			goto out;
		}
		r = read_all(fileno(f), file, &sb);
		fclose(f);
	} else {
		r = read_all(STDIN_FILENO, "stdin", &sb);
	}
out:
	if (r) {
		sb_release(&sb);
		return r;
	}
	*out = sb_detach(&sb);
	*empty = !strip_comments(*out);
	return 0;
}
