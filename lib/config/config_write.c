/* Writes a config tree the way libdevmapper's dm_config_write_node does,
 * so ulvm.conf and `lvmconfig`-style dumps look like LVM2's. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#define MAX_INDENT 5

void cfg_escape(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_add(out, "\\", 1);
		sb_add(out, s, 1);
	}
}

static void write_value(struct strbuf *out, const struct cfg_value *v)
{
	switch (v->type) {
	case CFG_STRING:
		sb_puts(out, "\"");
		cfg_escape(out, v->v.s);
		sb_puts(out, "\"");
		break;
	case CFG_FLOAT:
		sb_printf(out, "%f", v->v.f);
		break;
	case CFG_INT:
		sb_printf(out, "%" PRId64, v->v.i);
		break;
	case CFG_EMPTY_ARRAY:
		sb_puts(out, "[]");
		break;
	}
}

/* LVM quotes keys holding '#', '"' or '!'; ulvm also quotes any key that
 * would not read back as one identifier token. */
static bool key_needs_quotes(const char *key)
{
	if (!*key || strpbrk(key, "#\"!=") || strchr("[],'", key[0]))
		return true;
	for (const char *s = key; *s; s++)
		if (isspace((unsigned char)*s) || *s == '{' || *s == '}')
			return true;
	return false;
}

static void write_key(struct strbuf *out, const char *key)
{
	if (key_needs_quotes(key)) {
		sb_puts(out, "\"");
		cfg_escape(out, key);
		sb_puts(out, "\"");
	} else {
		sb_puts(out, key);
	}
}

static void write_level(const struct cfg_node *n, struct strbuf *out, int level)
{
	char space[MAX_INDENT + 1];
	int l = level < MAX_INDENT ? level : MAX_INDENT;

	memset(space, '\t', (size_t)l);
	space[l] = '\0';
	for (; n; n = n->sib) {
		sb_puts(out, space);
		write_key(out, n->key);
		if (!n->v) {
			sb_puts(out, " {\n");
			write_level(n->child, out, level + 1);
			sb_printf(out, "%s}\n", space);
			continue;
		}
		sb_puts(out, "=");
		const struct cfg_value *v = n->v;
		/* libdm brackets multi-element arrays; one element or [] is
		 * written bare unless the node is known to be an array. */
		bool brackets = v->next || (n->is_array && v->type != CFG_EMPTY_ARRAY);
		if (brackets)
			sb_puts(out, "[");
		for (; v; v = v->next) {
			write_value(out, v);
			if (v->next)
				sb_puts(out, ",");
		}
		if (brackets)
			sb_puts(out, "]");
		sb_puts(out, "\n");
	}
}

void cfg_write(const struct cfg_node *first, struct strbuf *out)
{
	write_level(first, out, 0);
}
