/* Tags: validity, --addtag/--deltag, "@tag" operand matching. */
#include "tags.h"

#include <ctype.h>
#include <string.h>

#include "lvm_int.h"

bool lvm_tag_valid(const char *tag)
{
	size_t len = strlen(tag);
	if (!len || len > 1024)
		return false;
	for (const char *p = tag; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+.-/=!:&#", *p))
			return false;
	return true;
}

static int check_list(struct lvm_ctx *ctx, enum lvm_arg_id id, const char *opt)
{
	const char *const *l = ctx->args[id].list;
	for (; l && *l; l++)
		if (!lvm_tag_valid(*l)) {
			lvm_error("Invalid argument for %s: %s", opt, *l);
			lvm_error("Error during parsing of command line.");
			return LVM_EINVALID;
		}
	return LVM_OK;
}

int lvm_tag_args_check(struct lvm_ctx *ctx)
{
	int r = check_list(ctx, ARG_addtag, "--addtag");
	return r ? r : check_list(ctx, ARG_deltag, "--deltag");
}

bool lvm_tag_args_given(const struct lvm_ctx *ctx)
{
	return lvm_has(ctx, ARG_addtag) || lvm_has(ctx, ARG_deltag);
}

bool lvm_tags_has(const struct str_list *tags, const char *tag)
{
	for (; tags; tags = tags->next)
		if (!strcmp(tags->s, tag))
			return true;
	return false;
}

bool lvm_tags_apply(struct lvm_ctx *ctx, struct arena *a, struct str_list **tags)
{
	bool changed = false;
	for (const char *const *l = ctx->args[ARG_deltag].list; l && *l; l++)
		for (struct str_list **p = tags; *p; p = &(*p)->next)
			if (!strcmp((*p)->s, *l)) {
				*p = (*p)->next;
				changed = true;
				break;
			}
	for (const char *const *l = ctx->args[ARG_addtag].list; l && *l; l++)
		if (!lvm_tags_has(*tags, *l)) {
			str_list_add(a, tags, *l);
			changed = true;
		}
	return changed;
}
