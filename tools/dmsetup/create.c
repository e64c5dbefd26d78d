/* dmsetup create, load and reload. */
#include <stdlib.h>
#include <string.h>

#include "dmsetup.h"
#include "util/error.h"

/* Reports the failure, then removes the half-made device so that nothing
 * of a failed create remains. */
static int undo_create(struct dmsetup_ctx *ctx, const char *name)
{
	dm_fail();
	if (ulvm_remove(ctx->client, ULVM_DEV_NAME(name), false))
		dm_error("cannot remove half-made device '%s': %s", name, err_msg());
	return 1;
}

/* create = create + load + resume, as libdevmapper does it; an empty
 * table (or --notable) makes a device without a table. */
int dmsetup_create(struct dmsetup_ctx *ctx)
{
	const char *name = ctx->argv[0];
	char *table = NULL;
	bool empty = true;
	struct ulvm_info info;

	if (!ctx->opts->notable &&
	    dm_read_table(ctx, ctx->argc > 1 ? ctx->argv[1] : NULL, &table, &empty))
		return dm_fail();
	if (ulvm_create(ctx->client, name, ctx->opts->uuid, ctx->opts->readonly, &info)) {
		free(table);
		return dm_fail();
	}
	int status = 0;
	if (!empty) {
		if (ulvm_load(ctx->client, ULVM_DEV_NAME(name), table, ctx->opts->readonly, NULL) ||
		    ulvm_resume(ctx->client, ULVM_DEV_NAME(name), &info))
			status = undo_create(ctx, name);
	}
	free(table);
	if (!status && ctx->opts->verbose)
		dm_print_info(&info);
	return status;
}

int dmsetup_load(struct dmsetup_ctx *ctx)
{
	const char *name = NULL, *file = NULL;
	char *table;
	bool empty;
	struct ulvm_info info;

	if (ctx->opts->notable)
		return dm_error("--notable only available when creating new device");
	if (!ctx->opts->uuid) {
		if (ctx->argc == 0)
			return dm_error("%s: please specify device", ctx->cmd->name);
		name = ctx->argv[0];
		file = ctx->argc > 1 ? ctx->argv[1] : NULL;
	} else if (ctx->argc > 1) {
		return dm_error("%s: too many command line arguments", ctx->cmd->name);
	} else if (ctx->argc == 1) {
		file = ctx->argv[0];
	}
	if (dm_read_table(ctx, file, &table, &empty))
		return dm_fail();
	int r = ulvm_load(ctx->client, dm_devid(ctx, name), table, ctx->opts->readonly, &info);
	free(table);
	if (r)
		return dm_fail();
	if (ctx->opts->verbose)
		dm_print_info(&info);
	return 0;
}
