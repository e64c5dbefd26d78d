/* The configuration of the LVM commands: $ULVM_SYSTEM_DIR/ulvm.conf in
 * LVM's config syntax (sections devices, global, allocation, activation,
 * report ...), with each --config string parsed the same way and looked
 * up first, as LVM2's --config overrides lvm.conf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "util/error.h"

/* Trees in lookup order: --config strings (last given first), then the
 * file. Kept in the ctx arena as a NULL-ended array. */
struct config_stack {
	struct cfg_tree *trees[17];
	unsigned n;
};

static struct config_stack *stack_of(const struct lvm_ctx *ctx)
{
	return (struct config_stack *)ctx->config_stack;
}

const char *lvm_system_dir(void)
{
	const char *d = getenv("ULVM_SYSTEM_DIR");
	return d && *d ? d : "/etc/ulvm";
}

static struct cfg_tree *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	do {
		if (len + 4096 > cap && !(buf = realloc(buf, cap = cap * 2 + 8192)))
			abort();
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	struct cfg_tree *t = cfg_parse(buf, len);
	if (!t)
		lvm_error("Failed to load config file %s: %s", path, err_msg());
	free(buf);
	return t;
}

int lvm_config_load(struct lvm_ctx *ctx)
{
	struct config_stack *s = arena_alloc(&ctx->arena, sizeof(*s));
	const struct lvm_arg_value *c = &ctx->args[ARG_config];
	char path[4096];

	ctx->config_stack = s;
	for (unsigned i = c->count; i-- > 0 && s->n < 16;) {
		struct cfg_tree *t = cfg_parse(c->list[i], strlen(c->list[i]));
		if (!t) {
			lvm_error("Failed to set overridden configuration entries: %s", err_msg());
			return -EINVAL;
		}
		s->trees[s->n++] = t;
	}
	snprintf(path, sizeof(path), "%s/ulvm.conf", lvm_system_dir());
	struct cfg_tree *t = read_file(path);
	if (t)
		s->trees[s->n++] = t;
	else if (errno != ENOENT)
		return -EINVAL;
	return 0;
}

void lvm_config_release(struct lvm_ctx *ctx)
{
	struct config_stack *s = stack_of(ctx);
	for (unsigned i = 0; s && i < s->n; i++)
		cfg_free(s->trees[i]);
}

static const struct cfg_node *find(const struct lvm_ctx *ctx, const char *path)
{
	struct config_stack *s = stack_of(ctx);
	for (unsigned i = 0; s && i < s->n; i++) {
		const struct cfg_node *n = cfg_find(&s->trees[i]->root, path);
		if (n)
			return n;
	}
	return NULL;
}

int64_t lvm_config_int(const struct lvm_ctx *ctx, const char *path, int64_t def)
{
	const struct cfg_node *n = find(ctx, path);
	return n && n->v && n->v->type == CFG_INT ? n->v->v.i : def;
}

const char *lvm_config_str(const struct lvm_ctx *ctx, const char *path, const char *def)
{
	const struct cfg_node *n = find(ctx, path);
	return n && n->v && n->v->type == CFG_STRING ? n->v->v.s : def;
}

const struct cfg_value *lvm_config_array(const struct lvm_ctx *ctx, const char *path)
{
	const struct cfg_node *n = find(ctx, path);
	return n && n->v && n->v->type != CFG_EMPTY_ARRAY ? n->v : NULL;
}
