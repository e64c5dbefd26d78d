/* lvmdiskscan [-l]: every device the scan may use, with its size and
 * "LVM physical volume" for those with a label, then LVM2's counts. Like
 * LVM2, a name ending in a digit counts as a partition, else as a disk;
 * -l lists the PVs only. Block devices come in device-number order (LVM2's
 * device cache), image files after them in the scan's order. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "display.h"
#include "report_cmd.h"

struct disk {
	const struct lvm_dev *dev;
	dev_t rdev; /* 0 for a file */
	unsigned index;
};

static int disk_cmp(const void *a, const void *b)
{
	const struct disk *x = a, *y = b;

	if (!x->rdev != !y->rdev)
		return x->rdev ? -1 : 1;
	if (x->rdev != y->rdev)
		return x->rdev < y->rdev ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void count(const char *name, unsigned *disks, unsigned *parts)
{
	size_t n = strlen(name);

	if (n && name[n - 1] >= '0' && name[n - 1] <= '9')
		++*parts;
	else
		++*disks;
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

int lvm_lvmdiskscan(struct lvm_ctx *ctx)
{
	bool pvs_only = lvm_has(ctx, ARG_lvmpartition);
	unsigned disks = 0, parts = 0, pv_disks = 0, pv_parts = 0, n = 0;
	int width = 0;

	if (pvs_only)
		lvm_warn("only considering LVM devices");
	if (lvm_scan(ctx) < 0)
		return LVM_EFAILED;
	struct disk *list = arena_alloc(&ctx->arena, (ctx->n_devs + 1) * sizeof(*list));
	for (unsigned i = 0; i < ctx->n_devs; i++) {
		const struct lvm_dev *d = &ctx->devs[i];
		struct stat st;
		if (!d->size)
			continue;
		list[n] = (struct disk){d, 0, i};
		if (!stat(d->path, &st) && S_ISBLK(st.st_mode))
			list[n].rdev = st.st_rdev;
		if ((int)strlen(d->path) > width)
			width = (int)strlen(d->path);
		n++;
	}
	qsort(list, n, sizeof(*list), disk_cmp);
	for (unsigned i = 0; i < n; i++) {
		const struct lvm_dev *d = list[i].dev;
		if (!d->is_pv && pvs_only)
			continue;
		lvm_print("%-*s [%15s] %s", width, d->path, display_size(ctx, d->size / 512),
			  d->is_pv ? "LVM physical volume" : "");
		if (d->is_pv)
			count(d->path, &pv_disks, &pv_parts);
		else
			count(d->path, &disks, &parts);
	}
	if (!pvs_only) {
		lvm_print("%u disk%s", disks, plural(disks));
		lvm_print("%u partition%s", parts, plural(parts));
	}
	lvm_print("%u LVM physical volume whole disk%s", pv_disks, plural(pv_disks));
	lvm_print("%u LVM physical volume%s", pv_parts, plural(pv_parts));
	return LVM_OK;
}
