/* Which devices LVM may use and what their labels say (lvm_scan).
 *
 * The allowed devices are, in this order of precedence: --devices; the
 * devices file (--devicesfile NAME, else devices/system.devices under
 * $ULVM_SYSTEM_DIR when it exists and devices/use_devicesfile is not 0);
 * else every block device of /proc/partitions passing devices/filter and
 * devices/global_filter. Image files are only ever seen by name. Scanning
 * only reads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format_text/disk_io.h"
#include "format_text/import.h"
#include "format_text/pv_io.h"
#include "lvm.h"
#include "lvm_int.h"

static void quiet_warn(const char *msg)
{
	(void)msg;
}

static void add_path(struct lvm_ctx *ctx, const char *path, unsigned *cap)
{
	for (unsigned i = 0; i < ctx->n_devs; i++)
		if (!strcmp(ctx->devs[i].path, path))
			return;
	if (ctx->n_devs == *cap) {
		struct lvm_dev *d = arena_alloc(&ctx->arena, (*cap = *cap * 2 + 16) * sizeof(*d));
		if (ctx->n_devs)
			memcpy(d, ctx->devs, ctx->n_devs * sizeof(*d));
		ctx->devs = d;
	}
	ctx->devs[ctx->n_devs].hold_fd = -1;
	ctx->devs[ctx->n_devs++].path = arena_strdup(&ctx->arena, path);
}

/* One filter pattern "a|regex|" or "r|regex|" (any delimiter). Returns 1
 * accept, 0 reject, -1 no match or unusable pattern. */
static int filter_one(const char *pat, const char *path)
{
	if (strlen(pat) < 3 || (pat[0] != 'a' && pat[0] != 'r'))
		return -1;
	char delim = pat[1], re_text[1024];
	const char *end = strrchr(pat + 2, delim);
	if (!end)
		return -1;
	snprintf(re_text, sizeof(re_text), "%.*s", (int)(end - pat - 2), pat + 2);
	regex_t re;
	if (regcomp(&re, re_text, REG_EXTENDED | REG_NOSUB))
		return -1;
	int m = regexec(&re, path, 0, NULL, 0) == 0;
	regfree(&re);
	return m ? pat[0] == 'a' : -1;
}

static bool filter_pass(const struct lvm_ctx *ctx, const char *key, const char *path)
{
	for (const struct cfg_value *v = lvm_config_array(ctx, key); v; v = v->next) {
		if (v->type != CFG_STRING)
			continue;
		int r = filter_one(v->v.s, path);
		if (r >= 0)
			return r;
	}
	return true;
}

/* Every block device the kernel lists, filtered. */
static void add_block_devices(struct lvm_ctx *ctx, unsigned *cap)
{
	FILE *f = fopen("/proc/partitions", "re");
	char line[256], name[128], path[300];
	unsigned long long blocks;
	unsigned ma, mi;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %u %llu %127s", &ma, &mi, &blocks, name) != 4 || !blocks)
			continue;
		if (!strncmp(name, "ram", 3))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", name);
		if (filter_pass(ctx, "devices/global_filter", path) &&
		    filter_pass(ctx, "devices/filter", path))
			add_path(ctx, path, cap);
	}
	fclose(f);
}

static void add_devices_arg(struct lvm_ctx *ctx, unsigned *cap)
{
	const struct lvm_arg_value *a = &ctx->args[ARG_devices];
	for (unsigned i = 0; i < a->count; i++) {
		char *copy = arena_strdup(&ctx->arena, a->list[i]), *save = NULL;
		for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
			add_path(ctx, p, cap);
	}
}

/* The scan reads the devices side by side, not one after the other: a
 * read that misses the page cache waits for the device (for a loop device
 * a round trip through a kernel worker, 0.3-1.5 ms on a busy machine), and
 * the last close of a block device empties its cache, so each command
 * starts cold. The kernel is first asked to read the label sectors and the
 * first mda header of every device in the background, then each device's
 * headers say where its metadata text is and all the texts are asked for,
 * and only then is anything read: two waits in all instead of two per
 * device, one when the text is where the last commit left it
 * (text_hint.c), which is asked for with the labels. */
#define HEAD_PREFETCH (PV_DEFAULT_MDA_START + MDA_HEADER_SIZE)

static void open_one(struct lvm_dev *d)
{
	d->hold_fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (d->hold_fd < 0)
		return;
	posix_fadvise(d->hold_fd, 0, HEAD_PREFETCH, POSIX_FADV_WILLNEED);
	lvm_text_hint_prefetch(d->hold_fd, d->path);
}

static void label_one(struct lvm_dev *d)
{
	/* open_one may have run out of descriptors (EMFILE) with many devices
	 * open at once; by now the non-PVs before this one are closed again. */
	if (d->hold_fd < 0)
		d->hold_fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (d->hold_fd < 0)
		return;
	disk_size(d->hold_fd, d->path, &d->size);
	if (label_read(d->hold_fd, d->path, &d->label) < 0) {
		close(d->hold_fd); /* only PVs are held */
		d->hold_fd = -1;
		return;
	}
	d->is_pv = true;
	for (unsigned m = 0; m < d->label.n_mdas; m++)
		mda_text_prefetch(d->hold_fd, &d->label, m);
}

/* `*like`: the last copy read with text, whose bytes spare the CRC of an
 * identical copy on this device. */
static void read_copies(struct lvm_ctx *ctx, struct lvm_dev *d, const struct mda_copy **like)
{
	d->copies = arena_alloc(&ctx->arena, LABEL_MAX_AREAS * sizeof(*d->copies));
	for (unsigned m = 0; m < d->label.n_mdas; m++) {
		struct mda_copy c;
		mda_copy_read_like(d->hold_fd, d->path, &d->label, m, *like, &c);
		d->copies[m] = c;
		if (!c.has_text)
			continue;
		*like = &d->copies[m];
		d->mdas_with_text++;
		if (!d->vgname || c.seqno > d->seqno) {
			d->vgname = arena_strdup(&ctx->arena, c.vgname);
			d->seqno = c.seqno;
		}
	}
}

/* PVs without metadata text of their own belong to the VG whose text lists
 * their uuid: read one copy of each VG to tell. */
static void resolve_mdaless(struct lvm_ctx *ctx)
{
	const char **names;
	unsigned n = lvm_vg_names(ctx, &names);

	for (unsigned v = 0; v < n; v++) {
		struct vg *vg = lvm_vg_read(
		    ctx, names[v], LVM_READ_QUIET | LVM_READ_ALLOW_MISSING | LVM_READ_NOLOCK);
		if (!vg)
			continue;
		for (unsigned i = 0; i < ctx->n_devs; i++) {
			struct lvm_dev *d = &ctx->devs[i];
			if (d->is_pv && !d->vgname && vg_find_pv(vg, d->label.pv_uuid))
				d->vgname = arena_strdup(&ctx->arena, vg->name);
		}
		lvm_vg_release(ctx, vg);
	}
}

void lvm_scan_release(struct lvm_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_devs; i++)
		if (ctx->devs[i].hold_fd >= 0) {
			close(ctx->devs[i].hold_fd);
			ctx->devs[i].hold_fd = -1;
		}
	for (unsigned i = 0; i < ctx->n_devs; i++)
		for (unsigned m = 0; ctx->devs[i].copies && m < LABEL_MAX_AREAS; m++) {
			free(ctx->devs[i].copies[m].text);
			ctx->devs[i].copies[m].text = NULL;
		}
}

int lvm_scan(struct lvm_ctx *ctx)
{
	unsigned cap = 0;
	void (*saved)(const char *) = format_text_warn;

	if (ctx->scanned)
		return 0;
	ctx->scanned = true;
	if (lvm_has(ctx, ARG_devices))
		add_devices_arg(ctx, &cap);
	else if (lvm_devices_file_use(ctx)) {
		const char **paths;
		unsigned n = lvm_devices_file_list(ctx, &paths);
		for (unsigned i = 0; i < n; i++)
			add_path(ctx, paths[i], &cap);
	} else
		add_block_devices(ctx, &cap);
	/* Damage is reported once, by the read that uses the copy. */
	format_text_warn = quiet_warn;
	bool mdaless = false;
	const struct mda_copy *like = NULL;
	for (unsigned i = 0; i < ctx->n_devs; i++)
		open_one(&ctx->devs[i]);
	for (unsigned i = 0; i < ctx->n_devs; i++)
		label_one(&ctx->devs[i]);
	for (unsigned i = 0; i < ctx->n_devs; i++) {
		if (!ctx->devs[i].is_pv)
			continue;
		read_copies(ctx, &ctx->devs[i], &like);
		mdaless |= !ctx->devs[i].mdas_with_text;
	}
	format_text_warn = saved;
	if (mdaless)
		resolve_mdaless(ctx);
	return 0;
}

struct lvm_dev *lvm_dev_find(struct lvm_ctx *ctx, const char *path)
{
	char want[PATH_MAX], have[PATH_MAX];

	lvm_scan(ctx);
	if (!realpath(path, want))
		snprintf(want, sizeof(want), "%s", path);
	for (unsigned i = 0; i < ctx->n_devs; i++) {
		if (!strcmp(ctx->devs[i].path, path))
			return &ctx->devs[i];
		if (realpath(ctx->devs[i].path, have) && !strcmp(have, want))
			return &ctx->devs[i];
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

unsigned lvm_vg_names(struct lvm_ctx *ctx, const char ***names)
{
	const char **out = arena_alloc(&ctx->arena, (ctx->n_devs + 1) * sizeof(*out));
	unsigned n = 0;

	lvm_scan(ctx);
	for (unsigned i = 0; i < ctx->n_devs; i++) {
		const char *v = ctx->devs[i].vgname;
		bool seen = false;
		for (unsigned j = 0; v && j < n && !seen; j++)
			seen = !strcmp(out[j], v);
		if (v && !seen)
			out[n++] = v;
	}
	qsort(out, n, sizeof(*out), cmp_str);
	*names = out;
	return n;
}
