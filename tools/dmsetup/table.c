/* dmsetup table and status: one line per target, "start length type
 * params", prefixed with "name: " when several devices are shown. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dmsetup.h"

static int show_one(struct dmsetup_ctx *ctx, const char *name, bool multiple)
{
	const struct dmsetup_opts *o = ctx->opts;
	unsigned flags = (o->inactive ? ULVM_Q_INACTIVE : 0) | (o->showkeys ? ULVM_Q_SHOWKEYS : 0) |
			 (o->noflush ? ULVM_Q_NOFLUSH : 0);
	bool status = !strcmp(ctx->cmd->name, "status");
	struct ulvm_info info;
	struct ulvm_table *t;
	int r = status ? ulvm_status(ctx->client, dm_devid(ctx, name), flags, &info, &t)
		       : ulvm_table(ctx->client, dm_devid(ctx, name), flags, &info, &t);

	if (r)
		return dm_fail();
	if (o->verbose)
		dm_print_info(&info);
	/* A device without a table still gets its (empty) line, unless only
	 * some target type was asked for. */
	if (t->count == 0 && !o->target)
		printf("%s%s\n", multiple && !o->verbose ? info.name : "",
		       multiple && !o->verbose ? ": " : "");
	for (size_t i = 0; i < t->count; i++) {
		const struct ulvm_target *tg = &t->target[i];
		if (o->target && strcmp(tg->type, o->target))
			continue;
		if (multiple && !o->verbose)
			printf("%s: ", info.name);
		/* The space after the type is there even without params, as
		 * in the real tool's output. */
		printf("%" PRIu64 " %" PRIu64 " %s %s\n", tg->start, tg->length, tg->type,
		       tg->params);
	}
	free(t);
	return 0;
}

int dmsetup_table(struct dmsetup_ctx *ctx)
{
	return dm_for_devices(ctx, show_one);
}

int dmsetup_status(struct dmsetup_ctx *ctx)
{
	return dm_for_devices(ctx, show_one);
}
