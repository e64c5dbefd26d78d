/* dmsetup mknodes: brings $ULVM_DEV_DIR/mapper in step with ulvmd. A
 * device with an attached block device gets the link mapper/NAME -> that
 * block device; a device without one gets none; with no operand, links
 * in mapper/ that point nowhere are removed too. Only symlinks are ever
 * created or removed: anything else in mapper/ is left alone. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dmsetup.h"
#include "util/error.h"

static void mapper_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/mapper%s%s", ulvm_dev_dir(), name ? "/" : "", name ? name : "");
}

static int ensure_mapper_dir(void)
{
	char dir[PATH_MAX];

	mapper_path(dir, sizeof(dir), NULL);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return err_set(errno, "cannot create '%s': %s", dir, strerror(errno));
	return 0;
}

int dm_mknode(const struct ulvm_info *info)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct stat st;

	mapper_path(path, sizeof(path), info->name);
	bool exists = lstat(path, &st) == 0;
	if (exists && !S_ISLNK(st.st_mode))
		return err_set(EEXIST, "'%s' exists and is not a link: left alone", path);
	if (!info->blockdev[0])
		return exists && unlink(path)
			   ? err_set(errno, "cannot remove '%s': %s", path, strerror(errno))
			   : 0;
	if (exists) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n >= 0 && (target[n] = '\0', !strcmp(target, info->blockdev)))
			return 0;
		unlink(path);
	}
	if (symlink(info->blockdev, path))
		return err_set(errno, "cannot link '%s' to '%s': %s", path, info->blockdev,
			       strerror(errno));
	return 0;
}

/* Removes the symlinks of mapper/ whose target does not exist. */
static int remove_dangling(void)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct stat st;
	int r = 0;

	mapper_path(dir, sizeof(dir), NULL);
	DIR *d = opendir(dir);
	if (!d)
		return err_set(errno, "cannot read '%s': %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) || !S_ISLNK(st.st_mode) || stat(path, &st) == 0)
			continue;
		if (unlink(path) && !r)
			r = err_set(errno, "cannot remove '%s': %s", path, strerror(errno));
	}
	closedir(d);
	return r;
}

static int mknode_one(struct dmsetup_ctx *ctx, const char *name, bool multiple)
{
	struct ulvm_info info;

	if (ulvm_info(ctx->client, dm_devid(ctx, name), &info) || dm_mknode(&info))
		return dm_fail();
	return 0;
}

int dmsetup_mknodes(struct dmsetup_ctx *ctx)
{
	struct ulvm_list *list;
	int status = 0;

	if (ensure_mapper_dir())
		return dm_fail();
	if (ctx->argc > 0 || ctx->opts->uuid) {
		for (int i = 0; i < (ctx->argc ? ctx->argc : 1); i++)
			status |= mknode_one(ctx, ctx->argc ? ctx->argv[i] : NULL, false);
		return status;
	}
	if (ulvm_list(ctx->client, NULL, &list))
		return dm_fail();
	for (size_t i = 0; i < list->count; i++)
		if (dm_mknode(&list->dev[i]))
			status = dm_fail();
	free(list);
	if (remove_dangling())
		status = dm_fail();
	return status;
}
