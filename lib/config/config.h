/* LVM2's configuration syntax: one parser and one writer for the on-disk
 * metadata text, backup/archive files and ulvm.conf.
 *
 * A parsed file is a tree of nodes living in one arena (cfg_free releases
 * it all). A node is either a section (v == NULL, children in `child`) or
 * an assignment (v = first value; arrays chain values through `next`).
 *
 * Lexical rules are libdevmapper's (formats.md §3.1): integers are read
 * with strtoll base 0 (so "010" is 8 and "08" is an error), bare words are
 * strings, only \" and \\ are unescaped inside double quotes, single quotes
 * have no escapes, '#' starts a comment, a NUL byte ends the input. A key
 * given twice names one node: sections merge, the last value wins. */
#ifndef ULVM_CONFIG_CONFIG_H
#define ULVM_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/strbuf.h"

enum cfg_type {
	CFG_INT,
	CFG_FLOAT,
	CFG_STRING,
	CFG_EMPTY_ARRAY, /* the single value of "[]" */
};

struct cfg_value {
	enum cfg_type type;
	union {
		int64_t i;
		double f;
		const char *s;
	} v;
	struct cfg_value *next; /* next array element */
};

struct cfg_node {
	const char *key;
	struct cfg_node *parent;
	struct cfg_node *sib;	/* next node of the same section, file order */
	struct cfg_node *child; /* first item of a section */
	struct cfg_value *v;	/* NULL for a section */
	bool is_array;		/* written as [ ... ] even with one element */
	unsigned n_items;	/* cfg_parse's count of the section's items */
	/* Bit (key[0] & 63) of every child's key: cfg_find rejects a missing
	 * key (most optional ones of an LV) without walking the section.
	 * Whoever links a child in sets its bit (cfg_key_bit). */
	uint64_t child_keys;
};

static inline uint64_t cfg_key_bit(const char *key)
{
	return 1ull << ((unsigned char)key[0] & 63);
}

struct cfg_tree {
	struct arena arena;
	struct cfg_node root; /* key "", its children are the top-level items */
};

/* Parses `len` bytes of `text` (stopping early at a NUL). Returns the tree
 * (caller frees with cfg_free) or NULL with errno set and an error message
 * naming the line ("config line 3: expected a value"). */
struct cfg_tree *cfg_parse(const char *text, size_t len);
/* An empty tree to build with cfg_add_*. */
struct cfg_tree *cfg_new(void);
void cfg_free(struct cfg_tree *t);

/* Looks up a '/'-separated path below section `sect` (e.g. "vg/seqno").
 * Returns NULL when absent. */
const struct cfg_node *cfg_find(const struct cfg_node *sect, const char *path);
/* Typed getters: 0, -ENOENT when the path is missing, -EINVAL when the
 * value has the wrong type or range. No message is set. */
int cfg_get_int(const struct cfg_node *sect, const char *path, int64_t *out);
int cfg_get_u32(const struct cfg_node *sect, const char *path, uint32_t *out);
int cfg_get_u64(const struct cfg_node *sect, const char *path, uint64_t *out);
int cfg_get_str(const struct cfg_node *sect, const char *path, const char **out);
/* The first value of an array (or the single value); `*out` is NULL for []. */
int cfg_get_array(const struct cfg_node *sect, const char *path, const struct cfg_value **out);
int cfg_get_section(const struct cfg_node *sect, const char *path, const struct cfg_node **out);

/* Builders: append a node at the end of section `parent`. Strings are copied
 * into the tree's arena. */
struct cfg_node *cfg_add_section(struct cfg_tree *t, struct cfg_node *parent, const char *key);
struct cfg_node *cfg_add_int(struct cfg_tree *t, struct cfg_node *parent, const char *key,
			     int64_t i);
struct cfg_node *cfg_add_str(struct cfg_tree *t, struct cfg_node *parent, const char *key,
			     const char *s);
/* An array node with no elements yet; add them with cfg_array_add_*. */
struct cfg_node *cfg_add_array(struct cfg_tree *t, struct cfg_node *parent, const char *key);
void cfg_array_add_str(struct cfg_tree *t, struct cfg_node *array, const char *s);
void cfg_array_add_int(struct cfg_tree *t, struct cfg_node *array, int64_t i);

/* Writes the nodes from `first` along its siblings in libdevmapper's
 * dm_config_write_node form: one TAB per level, "key=value", sections as
 * "key {" ... "}", keys with '#', '"' or '!' quoted. */
void cfg_write(const struct cfg_node *first, struct strbuf *out);
/* Appends `s` with '"' and '\' escaped by a backslash (no quotes added). */
void cfg_escape(struct strbuf *out, const char *s);

#endif
