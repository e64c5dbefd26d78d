/* dmsetup ls: "name\t(maj:min)" per device, "name\t(maj, min)" with
 * --target (as the real tool), and --tree: the devices drawn with what
 * they stack on (tree.c). */
#include <stdlib.h>
#include <string.h>

#include "dmsetup.h"

static void print_device(const struct ulvm_info *info, int type)
{
	const char *slash = strrchr(info->blockdev, '/');

	if (type == 1)
		printf("%s\t(%s)\n", info->name, info->name);
	else if (type == 2 && info->blockdev[0])
		printf("%s\t(%s)\n", info->name, slash ? slash + 1 : info->blockdev);
	else
		printf("%s\t(%u:%u)\n", info->name, info->major, info->minor);
}

/* "No devices found" only when there is no device at all, not when none
 * uses the target type. */
static int ls_target(struct dmsetup_ctx *ctx)
{
	struct ulvm_list *list;

	if (ulvm_list(ctx->client, ctx->opts->target, &list))
		return dm_fail();
	for (size_t i = 0; i < list->count; i++)
		printf("%s\t(%u, %u)\n", list->dev[i].name, list->dev[i].major, list->dev[i].minor);
	size_t n = list->count;
	free(list);
	if (n)
		return 0;
	if (ulvm_list(ctx->client, NULL, &list))
		return dm_fail();
	if (list->count == 0)
		printf("No devices found\n");
	free(list);
	return 0;
}

int dmsetup_ls(struct dmsetup_ctx *ctx)
{
	struct ulvm_list *list;
	int type = 0;

	if (ctx->opts->target)
		return ls_target(ctx);
	if (ctx->opts->tree)
		return dm_tree_show(ctx);
	if (dm_dev_name_type(ctx->opts->fields, &type))
		return dm_fail();
	if (ulvm_list(ctx->client, NULL, &list))
		return dm_fail();
	if (list->count == 0)
		printf("No devices found\n");
	for (size_t i = 0; i < list->count; i++)
		print_device(&list->dev[i], type);
	free(list);
	return 0;
}
