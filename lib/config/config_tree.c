/* Lookups, typed getters and builders over a parsed config tree. */
#include "config.h"

#include <errno.h>
#include <string.h>

/* strcmp(key, path[0..len)) == 0 without a call: path has no NUL before
 * `len`, so a shorter key stops the loop at its NUL. */
static inline bool key_matches(const char *key, const char *path, size_t len)
{
	size_t i = 0;

	while (i < len && key[i] == path[i])
		i++;
	return i == len && key[len] == '\0';
}

const struct cfg_node *cfg_find(const struct cfg_node *sect, const char *path)
{
	const struct cfg_node *n = sect;

	while (n && *path) {
		while (*path == '/')
			path++;
		const char *slash = strchrnul(path, '/');
		size_t len = (size_t)(slash - path);
		if (!len)
			break;
		if (!(n->child_keys & cfg_key_bit(path)))
			return NULL;
		/* First byte before the rest: the import asks ~15 keys of each of
		 * 10,000 LV sections, most of them differing at once. */
		const struct cfg_node *c = n->child;
		while (c && !key_matches(c->key, path, len))
			c = c->sib;
		n = c;
		path = slash;
	}
	return n == sect ? NULL : n;
}

static int get_value(const struct cfg_node *sect, const char *path, const struct cfg_value **v)
{
	const struct cfg_node *n = cfg_find(sect, path);
	if (!n)
		return -ENOENT;
	if (!n->v)
		return -EINVAL;
	*v = n->v;
	return 0;
}

int cfg_get_int(const struct cfg_node *sect, const char *path, int64_t *out)
{
	const struct cfg_value *v;
	int r = get_value(sect, path, &v);
	if (r < 0)
		return r;
	if (v->type != CFG_INT || v->next)
		return -EINVAL;
	*out = v->v.i;
	return 0;
}

int cfg_get_u32(const struct cfg_node *sect, const char *path, uint32_t *out)
{
	int64_t i;
	int r = cfg_get_int(sect, path, &i);
	if (r < 0)
		return r;
	if (i < 0 || i > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)i;
	return 0;
}

int cfg_get_u64(const struct cfg_node *sect, const char *path, uint64_t *out)
{
	int64_t i;
	int r = cfg_get_int(sect, path, &i);
	if (r < 0)
		return r;
	if (i < 0)
		return -EINVAL;
	*out = (uint64_t)i;
	return 0;
}

int cfg_get_str(const struct cfg_node *sect, const char *path, const char **out)
{
	const struct cfg_value *v;
	int r = get_value(sect, path, &v);
	if (r < 0)
		return r;
	if (v->type != CFG_STRING || v->next)
		return -EINVAL;
	*out = v->v.s;
	return 0;
}

int cfg_get_array(const struct cfg_node *sect, const char *path, const struct cfg_value **out)
{
	const struct cfg_value *v;
	int r = get_value(sect, path, &v);
	if (r < 0)
		return r;
	*out = v->type == CFG_EMPTY_ARRAY ? NULL : v;
	return 0;
}

int cfg_get_section(const struct cfg_node *sect, const char *path, const struct cfg_node **out)
{
	const struct cfg_node *n = cfg_find(sect, path);
	if (!n)
		return -ENOENT;
	if (n->v)
		return -EINVAL;
	*out = n;
	return 0;
}

static struct cfg_node *add_node(struct cfg_tree *t, struct cfg_node *parent, const char *key)
{
	struct cfg_node *n = arena_alloc(&t->arena, sizeof(*n));
	struct cfg_node **pp = &parent->child;
	while (*pp)
		pp = &(*pp)->sib;
	n->key = arena_strdup(&t->arena, key);
	n->parent = parent;
	parent->child_keys |= cfg_key_bit(n->key);
	*pp = n;
	return n;
}

struct cfg_node *cfg_add_section(struct cfg_tree *t, struct cfg_node *parent, const char *key)
{
	return add_node(t, parent, key);
}

struct cfg_node *cfg_add_int(struct cfg_tree *t, struct cfg_node *parent, const char *key,
			     int64_t i)
{
	struct cfg_node *n = add_node(t, parent, key);
	n->v = arena_alloc(&t->arena, sizeof(*n->v));
	n->v->type = CFG_INT;
	n->v->v.i = i;
	return n;
}

struct cfg_node *cfg_add_str(struct cfg_tree *t, struct cfg_node *parent, const char *key,
			     const char *s)
{
	struct cfg_node *n = add_node(t, parent, key);
	n->v = arena_alloc(&t->arena, sizeof(*n->v));
	n->v->type = CFG_STRING;
	n->v->v.s = arena_strdup(&t->arena, s);
	return n;
}

struct cfg_node *cfg_add_array(struct cfg_tree *t, struct cfg_node *parent, const char *key)
{
	struct cfg_node *n = add_node(t, parent, key);
	n->is_array = true;
	n->v = arena_alloc(&t->arena, sizeof(*n->v));
	n->v->type = CFG_EMPTY_ARRAY;
	return n;
}

static struct cfg_value *array_append(struct cfg_tree *t, struct cfg_node *array)
{
	struct cfg_value *v = array->v;
	if (v->type == CFG_EMPTY_ARRAY)
		return v;
	while (v->next)
		v = v->next;
	v->next = arena_alloc(&t->arena, sizeof(*v));
	return v->next;
}

void cfg_array_add_str(struct cfg_tree *t, struct cfg_node *array, const char *s)
{
	struct cfg_value *v = array_append(t, array);
	v->type = CFG_STRING;
	v->v.s = arena_strdup(&t->arena, s);
}

void cfg_array_add_int(struct cfg_tree *t, struct cfg_node *array, int64_t i)
{
	struct cfg_value *v = array_append(t, array);
	v->type = CFG_INT;
	v->v.i = i;
}
