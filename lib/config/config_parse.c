/* The tokenizer and recursive-descent parser of LVM2's config syntax.
 *
 * The token rules follow libdevmapper exactly because LVM2 metadata in the
 * wild depends on them: whether a digit starts a number depends on the
 * previous token (only after '=', '[' or ','), which is why "[1 2]" is an
 * error while "[\"a\" \"b\"]" is fine. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

enum tok {
	TOK_EOF,
	TOK_SECTION_B,
	TOK_SECTION_E,
	TOK_ARRAY_B,
	TOK_ARRAY_E,
	TOK_COMMA,
	TOK_EQ,
	TOK_INT,
	TOK_FLOAT,
	TOK_STRING,	    /* '...' */
	TOK_STRING_ESCAPED, /* "..." */
	TOK_STRING_BARE,    /* a word where a value is expected */
	TOK_IDENTIFIER,
};

struct parser {
	const char *pos, *end; /* input; end is at the first NUL or len */
	const char *tb, *te;   /* current token */
	enum tok t;
	int line;
	struct cfg_tree *tree;
	/* The items of big sections by (parent, key), so a repeated key
	 * finds its node in O(1) even among 10,000 LVs (open addressing). */
	struct cfg_node **index;
	size_t index_cap, index_len;
};

/* Character classes, one table lookup per byte: the tokenizer looks at
 * every byte of a metadata copy (100s of KiB in a big VG). SPACE is
 * isspace() of the C locale; WORD_END ends a bare word (blanks, '#', '=',
 * '{', '}'); a NUL never reaches the table (the input ends before it). */
enum { C_SPACE = 1, C_WORD_END = 2, C_DIGIT = 4 };

#define SP (C_SPACE | C_WORD_END)
static const unsigned char char_class[256] = {
    ['\t'] = SP,     ['\n'] = SP,	 ['\v'] = SP,	     ['\f'] = SP,	 ['\r'] = SP,
    [' '] = SP,	     ['#'] = C_WORD_END, ['='] = C_WORD_END, ['{'] = C_WORD_END, ['}'] = C_WORD_END,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT,	 ['2'] = C_DIGIT,    ['3'] = C_DIGIT,	 ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT,	 ['7'] = C_DIGIT,    ['8'] = C_DIGIT,	 ['9'] = C_DIGIT,
};
#undef SP

static inline bool is_class(char c, unsigned cls)
{
	return char_class[(unsigned char)c] & cls;
}

static bool is_digit(char c)
{
	return is_class(c, C_DIGIT);
}

/* Skips blanks and '#' comments, counting lines. */
static void skip_space(struct parser *p)
{
	const char *s = p->pos, *end = p->end;

	while (s < end) {
		char c = *s;
		if (c == '#') {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			s = nl ? nl : end;
		} else if (is_class(c, C_SPACE)) {
			if (c == '\n')
				p->line++;
			s++;
		} else {
			break;
		}
	}
	p->pos = s;
}

/* Counts the newlines in [s, e). */
static int count_lines(const char *s, const char *e)
{
	int n = 0;

	while (s < e && (s = memchr(s, '\n', (size_t)(e - s)))) {
		n++;
		s++;
	}
	return n;
}

/* scan_quoted's byte-by-byte walk, for a double-quoted string with a
 * backslash or an unterminated one (kept out of line: it is rare). */
static __attribute__((noinline)) bool scan_escaped(struct parser *p, char q)
{
	const char *s = p->tb + 1;

	while (s < p->end && *s != q) {
		if (q == '"' && *s == '\\' && s + 1 < p->end)
			s++;
		if (*s == '\n')
			p->line++;
		s++;
	}
	if (s >= p->end)
		return false;
	p->te = s + 1;
	return true;
}

/* Ends a quoted token starting at p->tb; a backslash skips the next
 * character only inside double quotes. Returns false when unterminated. */
static bool scan_quoted(struct parser *p, char q)
{
	const char *s = p->tb + 1;
	const char *close = memchr(s, q, (size_t)(p->end - s));

	/* The common case, no backslash before the closing quote: one memchr
	 * finds the end. */
	if (close && (q != '"' || !memchr(s, '\\', (size_t)(close - s)))) {
		p->line += count_lines(s, close);
		p->te = close + 1;
		return true;
	}
	return scan_escaped(p, q);
}

/* Reads the next token; `prev` decides whether a value may start here. */
static int next_token(struct parser *p)
{
	bool values_allowed = p->t == TOK_EQ || p->t == TOK_ARRAY_B || p->t == TOK_COMMA;

	skip_space(p);
	p->tb = p->pos;
	p->te = p->tb + 1;
	if (p->pos >= p->end) {
		p->t = TOK_EOF;
		p->te = p->tb;
		return 0;
	}
	char c = *p->tb;
	switch (c) {
	case '{':
		p->t = TOK_SECTION_B;
		break;
	case '}':
		p->t = TOK_SECTION_E;
		break;
	case '[':
		p->t = TOK_ARRAY_B;
		break;
	case ']':
		p->t = TOK_ARRAY_E;
		break;
	case ',':
		p->t = TOK_COMMA;
		break;
	case '=':
		p->t = TOK_EQ;
		break;
	case '"':
	case '\'':
		p->t = c == '"' ? TOK_STRING_ESCAPED : TOK_STRING;
		if (!scan_quoted(p, c))
			return err_set(EINVAL, "config line %d: unterminated string", p->line);
		break;
	default: {
		/* Locals, not p->te: a char store may alias the parser's fields,
		 * so the compiler would reload them at every byte. */
		const char *e = p->te, *end = p->end;
		if (values_allowed && (is_digit(c) || c == '+' || c == '-' || c == '.')) {
			enum tok t = c == '.' ? TOK_FLOAT : TOK_INT;
			for (; e < end; e++) {
				if (*e == '.' && t != TOK_FLOAT)
					t = TOK_FLOAT;
				else if (!is_digit(*e))
					break;
			}
			p->t = t;
			p->te = e;
			break;
		}
		while (e < end && !is_class(*e, C_WORD_END))
			e++;
		p->te = e;
		p->t = values_allowed ? TOK_STRING_BARE : TOK_IDENTIFIER;
		break;
	}
	}
	p->pos = p->te;
	return 0;
}

static int expect(struct parser *p, enum tok t, const char *what)
{
	if (p->t != t)
		return err_set(EINVAL, "config line %d: expected %s", p->line, what);
	return next_token(p);
}

/* Copies a double-quoted body, turning \" into " and \\ into \ only. */
static char *unescape(struct arena *a, const char *s, size_t n)
{
	if (!memchr(s, '\\', n))
		return arena_strndup(a, s, n);
	char *out = arena_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
			i++;
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* A plain decimal integer ("0", or 1-18 digits not starting with 0) into
 * *out without strtoll's copy and locale work; false for anything else
 * (signs, octal, hex, floats), which strtoll then reads. */
static bool simple_decimal(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (!n || n > 18 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int parse_number(struct parser *p, struct cfg_value *v)
{
	size_t n = (size_t)(p->te - p->tb);
	char buf[64];
	char *endp;

	if (p->t == TOK_INT && simple_decimal(p->tb, n, &v->v.i)) {
		v->type = CFG_INT;
		return 0;
	}

	if (n >= sizeof(buf))
		return err_set(ERANGE, "config line %d: number too long", p->line);
	memcpy(buf, p->tb, n);
	buf[n] = '\0';
	errno = 0;
	if (p->t == TOK_INT) {
		v->type = CFG_INT;
		v->v.i = strtoll(buf, &endp, 0);
	} else {
		v->type = CFG_FLOAT;
		v->v.f = strtod(buf, &endp);
	}
	if (errno || endp == buf || *endp)
		return err_set(EINVAL, "config line %d: bad number '%s'", p->line, buf);
	return 0;
}

/* A parsed item and the first value it may hold, in one allocation: most
 * items are `key = scalar`, and an arena_alloc each was a tenth of a parse.
 * A section leaves the value unused. */
struct item {
	struct cfg_node node;
	struct cfg_value first;
};

/* scalar := integer | float | string; into `slot` (zeroed) when given,
 * else a new value. */
static int parse_scalar(struct parser *p, struct cfg_value **out, struct cfg_value *slot)
{
	struct arena *a = &p->tree->arena;
	struct cfg_value *v = slot ? slot : arena_alloc(a, sizeof(*v));
	size_t n = (size_t)(p->te - p->tb);
	int r;

	switch (p->t) {
	case TOK_INT:
	case TOK_FLOAT:
		if ((r = parse_number(p, v)) < 0)
			return r;
		break;
	case TOK_STRING:
		v->type = CFG_STRING;
		v->v.s = arena_strndup(a, p->tb + 1, n - 2);
		break;
	case TOK_STRING_ESCAPED:
		v->type = CFG_STRING;
		v->v.s = unescape(a, p->tb + 1, n - 2);
		break;
	case TOK_STRING_BARE:
		v->type = CFG_STRING;
		v->v.s = arena_strndup(a, p->tb, n);
		break;
	default:
		return err_set(EINVAL, "config line %d: expected a value", p->line);
	}
	*out = v;
	return next_token(p);
}

/* value := scalar | '[' (scalar ','?)* ']' */
static int parse_value(struct parser *p, struct cfg_node *n)
{
	struct cfg_value *head = NULL, **tail = &head, *v;
	int r;

	if (p->t != TOK_ARRAY_B) {
		/* A key given again drops its old value: the slot is free. */
		struct cfg_value *slot = &((struct item *)n)->first;
		*slot = (struct cfg_value){0};
		n->is_array = false;
		if ((r = parse_scalar(p, &v, slot)) < 0)
			return r;
		n->v = v;
		return 0;
	}
	if ((r = next_token(p)) < 0)
		return r;
	while (p->t != TOK_ARRAY_E) {
		if ((r = parse_scalar(p, &v, NULL)) < 0)
			return r;
		*tail = v;
		tail = &v->next;
		if (p->t == TOK_COMMA && (r = next_token(p)) < 0)
			return r;
	}
	if (!head) {
		head = arena_alloc(&p->tree->arena, sizeof(*head));
		head->type = CFG_EMPTY_ARRAY;
	}
	n->is_array = true;
	n->v = head;
	return next_token(p);
}

static size_t node_hash(const struct cfg_node *parent, const char *key, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)parent;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static void index_put(struct parser *p, struct cfg_node *c)
{
	size_t mask = p->index_cap - 1;
	size_t i = node_hash(c->parent, c->key, strlen(c->key)) & mask;

	while (p->index[i])
		i = (i + 1) & mask;
	p->index[i] = c;
	p->index_len++;
}

static void index_add(struct parser *p, struct cfg_node *c)
{
	if (p->index_len * 2 >= p->index_cap) {
		struct cfg_node **old = p->index;
		size_t old_cap = p->index_cap;

		p->index_cap = old_cap ? old_cap * 2 : 256;
		p->index = calloc(p->index_cap, sizeof(*p->index));
		if (!p->index)
			abort();
		p->index_len = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				index_put(p, old[i]);
		free(old);
	}
	index_put(p, c);
}

static bool key_is(const struct cfg_node *c, const char *key, size_t n)
{
	return c->key[0] == key[0] && !strncmp(c->key, key, n) && c->key[n] == '\0';
}

/* Sections up to this many items are searched by walking them; bigger
 * ones (the LVs of a VG) through the index, which then holds only their
 * items: hashing every node of a big VG cost more than the walks. */
#define WALK_MAX 16

/* The child of `parent` named `key`, created at `*tail` (the end of the
 * section, which the caller tracks) when absent. */
static struct cfg_node *child_node(struct parser *p, struct cfg_node *parent, const char *key,
				   size_t n, struct cfg_node ***tail)
{
	if (parent->n_items <= WALK_MAX) {
		for (struct cfg_node *c = parent->child; c; c = c->sib)
			if (key_is(c, key, n))
				return c;
	} else {
		size_t mask = p->index_cap - 1;
		for (size_t i = node_hash(parent, key, n) & mask; p->index[i]; i = (i + 1) & mask)
			if (p->index[i]->parent == parent && key_is(p->index[i], key, n))
				return p->index[i];
	}
	struct cfg_node *c =
	    &((struct item *)arena_alloc(&p->tree->arena, sizeof(struct item)))->node;
	c->key = arena_strndup(&p->tree->arena, key, n);
	c->parent = parent;
	parent->child_keys |= cfg_key_bit(c->key);
	**tail = c;
	*tail = &c->sib;
	if (++parent->n_items == WALK_MAX + 1) /* from now on indexed: all of it */
		for (struct cfg_node *k = parent->child; k; k = k->sib)
			index_add(p, k);
	else if (parent->n_items > WALK_MAX + 1)
		index_add(p, c);
	return c;
}

/* item := key '=' value | key '{' item* '}'; `depth` guards the stack. */
static int parse_item(struct parser *p, struct cfg_node *parent, struct cfg_node ***tail, int depth)
{
	const char *key = p->tb;
	size_t n = (size_t)(p->te - p->tb);
	char *owned = NULL;
	int r;

	if (depth > 64)
		return err_set(EINVAL, "config line %d: sections nested too deeply", p->line);
	if (p->t == TOK_STRING_ESCAPED || p->t == TOK_STRING) {
		owned = p->t == TOK_STRING ? arena_strndup(&p->tree->arena, key + 1, n - 2)
					   : unescape(&p->tree->arena, key + 1, n - 2);
		key = owned;
		n = strlen(owned);
	} else if (p->t != TOK_IDENTIFIER) {
		return err_set(EINVAL, "config line %d: expected a key", p->line);
	}
	if (!n)
		return err_set(EINVAL, "config line %d: empty section identifier", p->line);
	struct cfg_node *node = child_node(p, parent, key, n, tail);
	if ((r = next_token(p)) < 0)
		return r;
	if (p->t == TOK_SECTION_B) {
		if (node->v)
			return err_set(EINVAL, "config line %d: '%s' is both a value and a section",
				       p->line, node->key);
		if ((r = next_token(p)) < 0)
			return r;
		/* A section given twice goes on where it ended. */
		struct cfg_node **child_tail = &node->child;
		while (*child_tail)
			child_tail = &(*child_tail)->sib;
		while (p->t != TOK_SECTION_E) {
			if (p->t == TOK_EOF)
				return err_set(EINVAL, "config line %d: missing '}'", p->line);
			if ((r = parse_item(p, node, &child_tail, depth + 1)) < 0)
				return r;
		}
		return next_token(p);
	}
	if (node->child)
		return err_set(EINVAL, "config line %d: '%s' is both a section and a value",
			       p->line, node->key);
	if ((r = expect(p, TOK_EQ, "'=' or '{'")) < 0)
		return r;
	return parse_value(p, node);
}

struct cfg_tree *cfg_new(void)
{
	struct cfg_tree *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->root.key = "";
	return t;
}

void cfg_free(struct cfg_tree *t)
{
	if (!t)
		return;
	arena_release(&t->arena);
	free(t);
}

struct cfg_tree *cfg_parse(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	struct parser p = {
	    .pos = text,
	    .end = nul ? nul : text + len,
	    .t = TOK_EOF,
	    .line = 1,
	    .tree = cfg_new(),
	};
	struct cfg_node **tail = &p.tree->root.child;
	int r = next_token(&p);
	while (r >= 0 && p.t != TOK_EOF)
		r = parse_item(&p, &p.tree->root, &tail, 0);
	free(p.index);
	if (r < 0) {
		cfg_free(p.tree);
		errno = -r;
		return NULL;
	}
	return p.tree;
}
