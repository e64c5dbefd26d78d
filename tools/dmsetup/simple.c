/* The dmsetup subcommands that send one request per device: remove,
 * remove_all, suspend, resume, clear, rename, wait and message. */
#include <stdlib.h>
#include <string.h>

#include "dmsetup.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strbuf.h"

typedef int (*simple_fn)(struct dmsetup_ctx *ctx, struct ulvm_devid id, struct ulvm_info *info);

/* Runs fn on each operand (or on the -u device when there is none); a
 * failure on one device does not stop the others. */
static int each_operand(struct dmsetup_ctx *ctx, simple_fn fn, bool show_info)
{
	int status = 0;
	int n = ctx->argc ? ctx->argc : 1;

	if (ctx->argc == 0 && !ctx->opts->uuid)
		return dm_error("%s: no device specified", ctx->cmd->name);
	for (int i = 0; i < n; i++) {
		struct ulvm_info info;
		const char *name = ctx->argc ? ctx->argv[i] : NULL;
		if (fn(ctx, dm_devid(ctx, name), &info)) {
			status = dm_fail();
			continue;
		}
		if (show_info && ctx->opts->verbose)
			dm_print_info(&info);
	}
	return status;
}

static int do_remove(struct dmsetup_ctx *ctx, struct ulvm_devid id, struct ulvm_info *info)
{
	return ulvm_remove(ctx->client, id, ctx->opts->force);
}

static int do_suspend(struct dmsetup_ctx *ctx, struct ulvm_devid id, struct ulvm_info *info)
{
	unsigned flags = (ctx->opts->noflush ? ULVM_SUSPEND_NOFLUSH : 0) |
			 (ctx->opts->nolockfs ? ULVM_SUSPEND_NOLOCKFS : 0);

	return ulvm_suspend(ctx->client, id, flags, info);
}

static int do_resume(struct dmsetup_ctx *ctx, struct ulvm_devid id, struct ulvm_info *info)
{
	return ulvm_resume(ctx->client, id, info);
}

static int do_clear(struct dmsetup_ctx *ctx, struct ulvm_devid id, struct ulvm_info *info)
{
	return ulvm_clear(ctx->client, id, info);
}

int dmsetup_remove(struct dmsetup_ctx *ctx)
{
	return each_operand(ctx, do_remove, false);
}

int dmsetup_suspend(struct dmsetup_ctx *ctx)
{
	return each_operand(ctx, do_suspend, true);
}

int dmsetup_resume(struct dmsetup_ctx *ctx)
{
	return each_operand(ctx, do_resume, true);
}

int dmsetup_clear(struct dmsetup_ctx *ctx)
{
	return each_operand(ctx, do_clear, true);
}

/* Without -f, open devices stay and that is not an error (as with the
 * kernel); with -f every device must go. */
int dmsetup_remove_all(struct dmsetup_ctx *ctx)
{
	struct ulvm_list *left;

	if (ulvm_remove_all(ctx->client, ctx->opts->force, NULL))
		return dm_fail();
	if (!ctx->opts->force)
		return 0;
	if (ulvm_list(ctx->client, NULL, &left))
		return dm_fail();
	size_t n = left->count;
	free(left);
	if (n)
		return dm_error("unable to remove %zu device(s)", n);
	return 0;
}

int dmsetup_rename(struct dmsetup_ctx *ctx)
{
	const char *name = ctx->argc == 2 ? ctx->argv[0] : NULL;
	const char *to = ctx->argv[ctx->argc - 1];
	int r;

	if (!name && !ctx->opts->uuid)
		return dm_error("rename: no device specified");
	if (ctx->opts->setuuid)
		r = ulvm_set_uuid(ctx->client, dm_devid(ctx, name), to, NULL);
	else
		r = ulvm_rename(ctx->client, dm_devid(ctx, name), to, NULL);
	return r ? dm_fail() : 0;
}

/* The device operand of wait and message: argv[0] unless -u was given. */
static const char *shift_device(struct dmsetup_ctx *ctx)
{
	if (ctx->opts->uuid)
		return NULL;
	if (ctx->argc == 0)
		return NULL;
	ctx->argc--;
	return *ctx->argv++;
}

int dmsetup_wait(struct dmsetup_ctx *ctx)
{
	const char *name = shift_device(ctx);
	uint32_t event_nr = 0;
	struct ulvm_info info;

	if (!name && !ctx->opts->uuid)
		return dm_error("wait: no device specified");
	if (ctx->argc > 1)
		return dm_error("wait: too many command line arguments");
	if (ctx->argc == 1 && parse_u32(ctx->argv[0], &event_nr))
		return dm_error("wait: invalid event number '%s'", ctx->argv[0]);
	if (ulvm_wait(ctx->client, dm_devid(ctx, name), event_nr, &info))
		return dm_fail();
	if (ctx->opts->verbose)
		dm_print_info(&info);
	return 0;
}

int dmsetup_message(struct dmsetup_ctx *ctx)
{
	const char *name = shift_device(ctx);
	uint64_t sector;
	struct strbuf msg = STRBUF_INIT;
	char *response;

	if (ctx->argc == 0 || parse_u64(ctx->argv[0], &sector))
		return dm_error("message: invalid sector '%s'", ctx->argc ? ctx->argv[0] : "");
	if (ctx->argc < 2)
		return dm_error("message: no message supplied");
	for (int i = 1; i < ctx->argc; i++)
		sb_printf(&msg, "%s%s", i > 1 ? " " : "", ctx->argv[i]);
	int r = ulvm_message(ctx->client, dm_devid(ctx, name), sector, sb_str(&msg), &response);
	sb_release(&msg);
	if (r)
		return dm_fail();
	size_t len = strlen(response);
	if (len)
		printf("%s%s", response, response[len - 1] == '\n' ? "" : "\n");
	free(response);
	return 0;
}
