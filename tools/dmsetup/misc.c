/* dmsetup help, version and targets. */
#include <stdio.h>
#include <stdlib.h>

#include "dmsetup.h"

/* As the real one: the usage goes to stderr, with the report fields after
 * it when -c is given. */
int dmsetup_help(struct dmsetup_ctx *ctx)
{
	dm_usage(stderr);
	if (ctx->opts->columns)
		dm_report_help(stderr);
	return 0;
}

int dmsetup_version(struct dmsetup_ctx *ctx)
{
	unsigned v[3];
	char daemon[128];

	printf("Library version:   %s (ulvm)\n", ULVM_VERSION);
	if (ulvm_version(ctx->client, v, daemon, sizeof(daemon)))
		return dm_fail();
	printf("Driver version:    %u.%u.%u (%s)\n", v[0], v[1], v[2], daemon);
	return 0;
}

int dmsetup_targets(struct dmsetup_ctx *ctx)
{
	struct ulvm_targets *t;

	if (ulvm_targets(ctx->client, &t))
		return dm_fail();
	for (size_t i = 0; i < t->count; i++)
		printf("%-16s v%u.%u.%u\n", t->type[i].name, t->type[i].version[0],
		       t->type[i].version[1], t->type[i].version[2]);
	free(t);
	return 0;
}
