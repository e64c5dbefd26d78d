/* Tags on VGs, LVs and PVs: --addtag/--deltag and "@tag" operands. */
#ifndef ULVM_TOOLS_LVM_TAGS_H
#define ULVM_TOOLS_LVM_TAGS_H

#include <stdbool.h>

#include "lvm.h"

/* LVM's tag rule: 1..1024 characters of [A-Za-z0-9_+.-/=!:&#]. */
bool lvm_tag_valid(const char *tag);
/* Checks every --addtag/--deltag value as LVM2's option parser does
 * ("Invalid argument for --addtag: x"). LVM_OK or LVM_EINVALID. */
int lvm_tag_args_check(struct lvm_ctx *ctx);
/* True when --addtag or --deltag was given. */
bool lvm_tag_args_given(const struct lvm_ctx *ctx);
/* Applies --addtag/--deltag to the list `tags` (strings in `a`). Returns
 * true when the list changed. */
bool lvm_tags_apply(struct lvm_ctx *ctx, struct arena *a, struct str_list **tags);
bool lvm_tags_has(const struct str_list *tags, const char *tag);
/* "@tag" operand: tag (without '@') or NULL for a plain name. */
static inline const char *lvm_tag_operand(const char *arg)
{
	return arg && arg[0] == '@' ? arg + 1 : NULL;
}

#endif
