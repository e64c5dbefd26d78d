/* Small shared pieces of the LVM commands: sizes as LVM prints them, name
 * rules, the y/n prompt, and the end of a command. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lvm.h"
#include "lvm_int.h"
#include "ulvm/client.h"

const char *lvm_size_str(uint64_t sectors, char unit, bool long_suffix, bool suffix, char *buf,
			 size_t size)
{
	static const char letters[] = "bkmgtpe";
	static const char *const longs[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	static const char *const longs_si[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
	bool si = isupper((unsigned char)unit);
	bool human = strchr("hHrR", unit) != NULL;
	double base = si ? 1000.0 : 1024.0, bytes = (double)sectors * 512.0, v = bytes;
	unsigned u = 0;

	if (unit == 's' || unit == 'S') {
		snprintf(buf, size, "%llu%s", (unsigned long long)sectors, suffix ? "S" : "");
		return buf;
	}
	if (human) {
		if (!sectors) {
			snprintf(buf, size, suffix ? (long_suffix ? "0   " : "0 ") : "0");
			return buf;
		}
		while (u < 6 && v >= base) {
			v /= base;
			u++;
		}
	} else {
		const char *p = strchr(letters, tolower((unsigned char)unit));
		u = p ? (unsigned)(p - letters) : 0;
		for (unsigned i = 0; i < u; i++)
			v /= base;
	}
	/* LVM prints two decimals; '<' says the true size is smaller. */
	double shown = (double)(long long)(v * 100.0 + 0.5) / 100.0;
	const char *lt = human && shown > v + 1e-9 ? "<" : "";
	const char *sfx = !suffix	? ""
			  : long_suffix ? (si ? longs_si[u] : longs[u])
					: (char[]){si ? (char)toupper(letters[u]) : letters[u], 0};
	if (suffix && !long_suffix) {
		char one[2] = {si ? (char)toupper(letters[u]) : letters[u], 0};
		snprintf(buf, size, "%s%.2f%s", lt, shown, one);
	} else
		snprintf(buf, size, "%s%.2f%s%s", lt, shown, long_suffix && suffix ? " " : "", sfx);
	return buf;
}

/* LVM's valid-name rule: [a-zA-Z0-9.-_+], not starting with '-', not "."
 * or "..", at most 127 bytes. */
static int check_name(const char *name, const char *what)
{
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || name[0] == '-' ||
	    strlen(name) > 127) {
		lvm_error("%s name \"%s\" is invalid.", what, name);
		return -EINVAL;
	}
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-+", *p)) {
			lvm_error("Name contains invalid character, valid set includes: "
				  "[a-zA-Z0-9.-_+].");
			lvm_error("%s name \"%s\" is invalid.", what, name);
			return -EINVAL;
		}
	return 0;
}

int lvm_check_vg_name(const char *name)
{
	return check_name(name, "Volume group");
}

int lvm_check_lv_name(const char *name)
{
	static const char *const reserved_prefix[] = {"snapshot", "pvmove"};
	static const char *const reserved_part[] = {
	    "_cdata", "_cmeta", "_corig",   "_mimage", "_mlog",	  "_pmspare", "_rimage", "_rmeta",
	    "_tdata", "_tmeta", "_vorigin", "_vdata",  "_wcorig", "_iorig",   "_imeta"};
	if (check_name(name, "Logical volume") < 0)
		return -EINVAL;
	for (unsigned i = 0; i < 2; i++)
		if (!strncmp(name, reserved_prefix[i], strlen(reserved_prefix[i]))) {
			lvm_error("Names starting \"%s\" are reserved. Please choose a different "
				  "LV name.",
				  reserved_prefix[i]);
			return -EINVAL;
		}
	for (unsigned i = 0; i < sizeof(reserved_part) / sizeof(reserved_part[0]); i++)
		if (strstr(name, reserved_part[i])) {
			lvm_error("Names including \"%s\" are reserved. Please choose a different "
				  "LV name.",
				  reserved_part[i]);
			return -EINVAL;
		}
	return 0;
}

bool lvm_yes(struct lvm_ctx *ctx, const char *fmt, ...)
{
	char line[64];
	va_list ap;

	if (lvm_has(ctx, ARG_yes))
		return true;
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputs(" [y/n]: ", stdout);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin)) {
		fputs("[n]\n", stdout);
		return false;
	}
	return line[0] == 'y' || line[0] == 'Y';
}

void lvm_config_release(struct lvm_ctx *ctx);

void lvm_ctx_release(struct lvm_ctx *ctx)
{
	lvm_vgs_release_all(ctx);
	lvm_scan_release(ctx);
	lvm_locks_release(ctx);
	ulvm_client_close(ctx->client);
	ctx->client = NULL;
	lvm_config_release(ctx);
	arena_release(&ctx->arena);
}
