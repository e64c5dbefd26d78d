/* dmsetup deps: "N dependencies\t: (maj, min) ...". With -o devname a
 * stacked mapped device shows as its name and a block device as its path
 * basename; with -o blkdevname both show as block device names. Image
 * files, which have no device number, always show as their path. */
#include <stdlib.h>
#include <string.h>

#include "dmsetup.h"
#include "util/error.h"

enum dev_name_type { DN_DEVNO, DN_MAP, DN_BLK };

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Parses deps' -o; returns 0 or -EINVAL with the message set. */
int dm_dev_name_type(const char *fields, int *type)
{
	*type = DN_DEVNO;
	if (!fields || !strcmp(fields, "devno"))
		return 0;
	if (!strcmp(fields, "devname"))
		*type = DN_MAP;
	else if (!strcmp(fields, "blkdevname"))
		*type = DN_BLK;
	else
		return err_set(EINVAL, "unrecognised option '%s' (devno, devname, blkdevname)",
			       fields);
	return 0;
}

static void print_dep(const struct ulvm_dep *d, int type)
{
	bool is_file = d->major == 0 && d->path[0] && !d->name[0];

	if (is_file)
		printf(" (%s)", d->path);
	else if (type == DN_MAP && d->name[0])
		printf(" (%s)", d->name);
	else if (type != DN_DEVNO && d->path[0])
		printf(" (%s)", base(d->path));
	else
		printf(" (%u, %u)", d->major, d->minor);
}

static int deps_one(struct dmsetup_ctx *ctx, const char *name, bool multiple)
{
	struct ulvm_info info;
	struct ulvm_deps *d;
	int type;
	unsigned flags = ctx->opts->inactive ? ULVM_Q_INACTIVE : 0;

	if (dm_dev_name_type(ctx->opts->fields, &type))
		return dm_fail();
	if (ulvm_deps(ctx->client, dm_devid(ctx, name), flags, &info, &d))
		return dm_fail();
	if (ctx->opts->verbose)
		dm_print_info(&info);
	if (multiple && !ctx->opts->verbose)
		printf("%s: ", info.name);
	printf("%zu dependencies\t:", d->count);
	for (size_t i = 0; i < d->count; i++)
		print_dep(&d->dep[i], type);
	putchar('\n');
	if (multiple && ctx->opts->verbose)
		putchar('\n');
	free(d);
	return 0;
}

int dmsetup_deps(struct dmsetup_ctx *ctx)
{
	int type;

	if (dm_dev_name_type(ctx->opts->fields, &type))
		return dm_fail();
	return dm_for_devices(ctx, deps_one);
}
