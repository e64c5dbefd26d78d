/* lvmdiskscan [-l]: every device the scan may use, with its size and
 * "LVM physical volume" for those with a label, then LVM2's counts. Like
 * LVM2, a name ending in a digit counts as a partition, else as a disk;
 * -l lists the PVs only. Devices in display_devices() order. */
#include <string.h>

#include "display.h"
#include "report_cmd.h"

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
	unsigned disks = 0, parts = 0, pv_disks = 0, pv_parts = 0;
	int width = 0;

	if (pvs_only)
		lvm_warn("only considering LVM devices");
	if (lvm_scan(ctx) < 0)
		return LVM_EFAILED;
	const struct lvm_dev **devs;
	unsigned n = display_devices(ctx, &devs);
	for (unsigned i = 0; i < n; i++)
		if ((int)strlen(devs[i]->path) > width)
			width = (int)strlen(devs[i]->path);
	for (unsigned i = 0; i < n; i++) {
		const struct lvm_dev *d = devs[i];
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
