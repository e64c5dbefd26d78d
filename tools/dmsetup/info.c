/* dmsetup info: the long form ("Name:              strip" lines, one
 * block per device) and, with -c, the column report (report.c). */
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dmsetup.h"
#include "report.h"

/* The block device's read-ahead in sectors, as dmsetup reads it (BLKRAGET
 * on the node); false without a block device, where dmsetup has no line. */
static bool read_ahead(const struct ulvm_info *info, long *sectors)
{
	if (!info->blockdev[0])
		return false;
	int fd = open(info->blockdev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	bool ok = ioctl(fd, BLKRAGET, sectors) == 0;
	close(fd);
	return ok;
}

void dm_print_info(const struct ulvm_info *info)
{
	long ra;

	printf("Name:              %s\n", info->name);
	printf("State:             %s%s\n", info->suspended ? "SUSPENDED" : "ACTIVE",
	       info->read_only ? " (READ-ONLY)" : "");
	if (read_ahead(info, &ra))
		printf("Read Ahead:        %ld\n", ra);
	if (!info->live_table && !info->inactive_table)
		printf("Tables present:    None\n");
	else
		printf("Tables present:    %s%s%s\n", info->live_table ? "LIVE" : "",
		       info->live_table && info->inactive_table ? " & " : "",
		       info->inactive_table ? "INACTIVE" : "");
	printf("Open count:        %u\n", info->open_count);
	printf("Event number:      %u\n", info->event_nr);
	printf("Major, minor:      %u, %u\n", info->major, info->minor);
	printf("Number of targets: %u\n", info->target_count);
	if (info->uuid[0])
		printf("UUID: %s\n", info->uuid);
	putchar('\n');
}

static int info_one(struct dmsetup_ctx *ctx, const char *name, bool multiple)
{
	struct dm_report *report = ctx->priv;
	struct ulvm_info info;
	struct ulvm_deps *deps = NULL;
	unsigned flags = ctx->opts->inactive ? ULVM_Q_INACTIVE : 0;

	if (ulvm_info(ctx->client, dm_devid(ctx, name), &info))
		return dm_fail();
	if (!report) {
		dm_print_info(&info);
		return 0;
	}
	if (dm_report_needs_deps(report) &&
	    ulvm_deps(ctx->client, dm_devid(ctx, name), flags, NULL, &deps))
		return dm_fail();
	dm_report_add(report, &info, deps);
	free(deps);
	return 0;
}

int dmsetup_info(struct dmsetup_ctx *ctx)
{
	struct dm_report *report = NULL;

	if (ctx->opts->columns && dm_report_new(ctx->opts, &report))
		return dm_fail();
	ctx->priv = report;
	int status = dm_for_devices(ctx, info_one);
	if (report)
		dm_report_print(report, stdout);
	dm_report_free(report);
	return status;
}
