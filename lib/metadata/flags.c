/* Status and compatible-flag words of the metadata, in the order LVM2
 * prints them (lib/format_text/flags.c). */
#include "metadata.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct flag {
	uint64_t bit;
	const char *word;
	bool compat; /* lives in the "flags" array rather than "status" */
};

static const struct flag vg_flags[] = {
    {VG_EXPORTED, "EXPORTED", false},
    {VG_RESIZEABLE, "RESIZEABLE", false},
    {VG_PVMOVE, "PVMOVE", false},
    {VG_READ, "READ", false},
    {VG_WRITE, "WRITE", false},
    {VG_WRITE_LOCKED, "WRITE_LOCKED", true},
    {VG_NOAUTOACTIVATE, "NOAUTOACTIVATE", true},
    {VG_CLUSTERED, "CLUSTERED", false},
    {VG_SHARED, "SHARED", false},
    {0, NULL, false},
};

static const struct flag pv_flags[] = {
    {PV_ALLOCATABLE, "ALLOCATABLE", false},
    {PV_EXPORTED, "EXPORTED", false},
    {PV_MISSING, "MISSING", true},
    {PV_MISSING, "MISSING", false},
    {0, NULL, false},
};

static const struct flag lv_flags[] = {
    {LV_READ, "READ", false},
    {LV_WRITE, "WRITE", false},
    {LV_WRITE_LOCKED, "WRITE_LOCKED", true},
    {LV_FIXED_MINOR, "FIXED_MINOR", false},
    {LV_VISIBLE, "VISIBLE", false},
    {LV_PVMOVE, "PVMOVE", false},
    {LV_LOCKED, "LOCKED", false},
    {LV_NOTSYNCED, "NOTSYNCED", false},
    {LV_REBUILD, "REBUILD", false},
    {LV_WRITEMOSTLY, "WRITEMOSTLY", false},
    {LV_ACTIVATION_SKIP, "ACTIVATION_SKIP", true},
    {LV_NOAUTOACTIVATE, "NOAUTOACTIVATE", true},
    {LV_ERROR_WHEN_FULL, "ERROR_WHEN_FULL", true},
    {LV_CACHE_VOL, "CACHE_VOL", true},
    {0, NULL, false},
};

static const struct flag *table(enum flag_kind kind)
{
	return kind == FLAGS_VG ? vg_flags : kind == FLAGS_PV ? pv_flags : lv_flags;
}

int flags_from_word(enum flag_kind kind, bool compat, const char *word, uint64_t *bit)
{
	for (const struct flag *f = table(kind); f->word; f++) {
		if (!strcmp(f->word, word) && f->compat == compat) {
			*bit = f->bit;
			return 0;
		}
	}
	return -EINVAL;
}

void flags_print(enum flag_kind kind, bool compat, uint64_t status, char *buf, size_t size)
{
	size_t used = 0;

	/* memcpy, not snprintf: every export prints this twice per LV. */
	buf[0] = '\0';
	for (const struct flag *f = table(kind); f->word; f++) {
		if (f->compat != compat || !(status & f->bit))
			continue;
		size_t sep = used ? 2 : 0, len = strlen(f->word);
		if (used + sep + len + 2 >= size)
			return;
		memcpy(buf + used, ", ", sep);
		buf[used + sep] = '"';
		memcpy(buf + used + sep + 1, f->word, len);
		buf[used + sep + 1 + len] = '"';
		used += sep + len + 2;
		buf[used] = '\0';
	}
}

static const char *const policy_names[] = {
    [ALLOC_INHERIT] = "inherit", [ALLOC_CONTIGUOUS] = "contiguous",
    [ALLOC_CLING] = "cling",	 [ALLOC_CLING_BY_TAGS] = "cling_by_tags",
    [ALLOC_NORMAL] = "normal",	 [ALLOC_ANYWHERE] = "anywhere",
};

const char *alloc_policy_name(enum alloc_policy p)
{
	return policy_names[p];
}

int alloc_policy_parse(const char *s, enum alloc_policy *out)
{
	for (unsigned i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++) {
		if (!strcmp(s, policy_names[i])) {
			*out = (enum alloc_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}
