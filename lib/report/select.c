/* -S/--select: LVM2's selection language.
 *
 *   expr   := term (('||' | '#') term)*
 *   term   := factor (('&&' | ',') factor)*
 *   factor := '!' factor | '(' expr ')' | FIELD OP VALUE
 *   OP     := '=~' '!~' '=' '!=' '>=' '>' '<=' '<'
 *
 * Values follow the field's type: numbers; sizes with an optional unit
 * letter (default m, as lvcreate -L); percents with an optional '%';
 * strings bare or quoted; regexes for =~ and !~; string lists as one
 * item, "[a,b]" (exactly these) or "{a,b}" (at least these), items
 * joined by ',' or '&&' (all) or '||' (any). */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/error.h"

enum sel_op { OP_EQ, OP_NE, OP_RE, OP_NRE, OP_GE, OP_GT, OP_LE, OP_LT };
enum sel_kind { SN_AND, SN_OR, SN_NOT, SN_COND };

struct sel_node {
	enum sel_kind kind;
	struct sel_node *l, *r;
	const struct field_def *f;
	enum sel_op op;
	double num;
	const char *str;
	regex_t *re;
	const char **items;
	unsigned n_items;
	bool subset, any; /* string lists: {..} / items joined by || */
};

struct parser {
	struct report *r;
	const char *s;
};

static void skip(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t')
		p->s++;
}

static bool eat(struct parser *p, const char *tok)
{
	skip(p);
	if (strncmp(p->s, tok, strlen(tok)))
		return false;
	p->s += strlen(tok);
	return true;
}

static struct sel_node *node(struct parser *p, enum sel_kind k, struct sel_node *l,
			     struct sel_node *r)
{
	struct sel_node *n = arena_alloc(&p->r->a, sizeof(*n));

	n->kind = k;
	n->l = l;
	n->r = r;
	return n;
}

static struct sel_node *syntax(struct parser *p)
{
	err_set(EINVAL, "selection syntax error at '%s'", p->s);
	return NULL;
}

/* A bare word ends at a blank, a logical operator or ')'; quoted ones at
 * their quote. `stop` adds list delimiters. */
static const char *word(struct parser *p, const char *stop)
{
	const char *b;

	skip(p);
	if (*p->s == '"' || *p->s == '\'') {
		char q = *p->s++;
		b = p->s;
		while (*p->s && *p->s != q)
			p->s++;
		if (!*p->s)
			return NULL;
		return arena_strndup(&p->r->a, b, (size_t)(p->s++ - b));
	}
	b = p->s;
	while (*p->s && *p->s != ' ' && !strchr(stop, *p->s) && strncmp(p->s, "&&", 2) &&
	       strncmp(p->s, "||", 2))
		p->s++;
	return arena_strndup(&p->r->a, b, (size_t)(p->s - b));
}

static bool parse_list(struct parser *p, struct sel_node *n)
{
	char close = 0;

	skip(p);
	if (*p->s == '[' || *p->s == '{') {
		n->subset = *p->s == '{';
		close = n->subset ? '}' : ']';
		p->s++;
	} else {
		n->subset = true; /* one bare item: the list holds it */
	}
	n->items = arena_alloc(&p->r->a, 64 * sizeof(*n->items));
	for (;;) {
		const char *w = word(p, close ? ",#]}" : ",#)");
		if (!w)
			return false;
		if (*w && n->n_items < 64)
			n->items[n->n_items++] = w;
		if (!close)
			return true;
		skip(p);
		if (*p->s == close) {
			p->s++;
			return true;
		}
		if (eat(p, "||") || eat(p, "#"))
			n->any = true;
		else if (!eat(p, "&&") && !eat(p, ","))
			return false;
	}
}

static bool parse_number(struct parser *p, struct sel_node *n)
{
	char *end;
	const char *uend;
	uint64_t factor;

	skip(p);
	bool neg = *p->s == '-';
	n->num = strtod(p->s + neg, &end);
	if (end == p->s + neg)
		return false;
	n->num = neg ? -n->num : n->num;
	p->s = end;
	if (n->f->type == FT_PCT) {
		if (*p->s == '%')
			p->s++;
	} else if (n->f->type == FT_SIZ) {
		factor = units_factor_prefix(p->s, &uend);
		if (factor)
			p->s = uend;
		n->num = n->num * (double)(factor ? factor : 1024 * 1024) / 512;
	}
	return true;
}

static const struct {
	const char *tok;
	enum sel_op op;
} ops[] = {{"=~", OP_RE}, {"!~", OP_NRE}, {"=", OP_EQ},	 {"!=", OP_NE},
	   {">=", OP_GE}, {">", OP_GT},	  {"<=", OP_LE}, {"<", OP_LT}};

static struct sel_node *parse_cond(struct parser *p)
{
	struct sel_node *n = node(p, SN_COND, NULL, NULL);
	const char *b;
	unsigned i;

	skip(p);
	b = p->s;
	while (*p->s && (strchr("_", *p->s) || (*p->s >= 'a' && *p->s <= 'z') ||
			 (*p->s >= 'A' && *p->s <= 'Z') || (*p->s >= '0' && *p->s <= '9')))
		p->s++;
	if (!(n->f = report_find_field(p->r, b, (size_t)(p->s - b)))) {
		err_set(EINVAL, "unrecognised selection field: %.*s", (int)(p->s - b), b);
		return NULL;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]) && !eat(p, ops[i].tok); i++)
		;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return syntax(p);
	n->op = ops[i].op;
	if (n->op == OP_RE || n->op == OP_NRE) {
		const char *w = word(p, ")");
		n->re = arena_alloc(&p->r->a, sizeof(*n->re));
		if (!w || regcomp(n->re, w, REG_EXTENDED | REG_NOSUB)) {
			n->re = NULL;
			err_set(EINVAL, "invalid regular expression in selection");
			return NULL;
		}
		return n;
	}
	bool ordered = n->op >= OP_GE;
	if (n->f->type == FT_STR || n->f->type == FT_STRL) {
		if (ordered)
			return syntax(p);
		if (n->f->type == FT_STRL)
			return parse_list(p, n) ? n : syntax(p);
		return (n->str = word(p, ")")) ? n : syntax(p);
	}
	if (n->f->type == FT_TIM && !ordered)
		return (n->str = word(p, ")")) ? n : syntax(p);
	/* Binary fields also take their word ("active") or 0/1. */
	skip(p);
	if (n->f->type == FT_BIN && !ordered && !(*p->s >= '0' && *p->s <= '9'))
		return (n->str = word(p, ")")) ? n : syntax(p);
	return parse_number(p, n) ? n : syntax(p);
}

static struct sel_node *parse_expr(struct parser *p);

static struct sel_node *parse_factor(struct parser *p)
{
	struct sel_node *n;

	if (eat(p, "!") && strncmp(p->s, "=", 1)) {
		return (n = parse_factor(p)) ? node(p, SN_NOT, n, NULL) : NULL;
	}
	if (eat(p, "(")) {
		if (!(n = parse_expr(p)))
			return NULL;
		return eat(p, ")") ? n : syntax(p);
	}
	return parse_cond(p);
}

static struct sel_node *parse_term(struct parser *p)
{
	struct sel_node *l = parse_factor(p), *r;

	while (l && (eat(p, "&&") || eat(p, ",")))
		l = (r = parse_factor(p)) ? node(p, SN_AND, l, r) : NULL;
	return l;
}

static struct sel_node *parse_expr(struct parser *p)
{
	struct sel_node *l = parse_term(p), *r;

	while (l && (eat(p, "||") || eat(p, "#")))
		l = (r = parse_term(p)) ? node(p, SN_OR, l, r) : NULL;
	return l;
}

struct sel_node *sel_parse(struct report *r, const char *text)
{
	struct parser p = {r, text};
	struct sel_node *n = parse_expr(&p);

	skip(&p);
	if (n && *p.s)
		return syntax(&p);
	return n;
}

bool sel_uses_segs(const struct sel_node *n)
{
	if (!n)
		return false;
	if (n->kind == SN_COND)
		return n->f->section == SEC_SEG;
	return sel_uses_segs(n->l) || sel_uses_segs(n->r);
}

static bool has_item(const struct cell *c, const char *s)
{
	for (unsigned i = 0; i < c->n_items; i++)
		if (!strcmp(c->items[i], s))
			return true;
	return false;
}

static bool list_match(const struct sel_node *n, const struct cell *c)
{
	unsigned found = 0;

	for (unsigned i = 0; i < n->n_items; i++)
		found += has_item(c, n->items[i]);
	if (n->any)
		return found > 0;
	if (found < n->n_items)
		return false;
	return n->subset || c->n_items == n->n_items;
}

static bool cond_match(struct report *r, const struct sel_node *n, const struct report_obj *obj)
{
	struct cell c;

	report_eval(r, n->f, obj, &c);
	if (n->re) {
		bool m = regexec(n->re, c.str, 0, NULL, 0) == 0;
		return n->op == OP_RE ? m : !m;
	}
	if (n->f->type == FT_STRL) {
		bool m = list_match(n, &c);
		return n->op == OP_EQ ? m : !m;
	}
	if (n->str) {
		const char *v = c.sort_str ? c.sort_str : c.str;
		bool m = !strcmp(v, n->str);
		return n->op == OP_EQ ? m : !m;
	}
	double a = c.num, b = n->num;
	switch (n->op) {
	case OP_EQ:
		return a == b;
	case OP_NE:
		return a != b;
	case OP_GE:
		return a >= b;
	case OP_GT:
		return a > b;
	case OP_LE:
		return a <= b;
	case OP_LT:
		return a < b;
	default:
		return false;
	}
}

bool sel_match(struct report *r, const struct sel_node *n, const struct report_obj *obj)
{
	switch (n->kind) {
	case SN_AND:
		return sel_match(r, n->l, obj) && sel_match(r, n->r, obj);
	case SN_OR:
		return sel_match(r, n->l, obj) || sel_match(r, n->r, obj);
	case SN_NOT:
		return !sel_match(r, n->l, obj);
	case SN_COND:
		return cond_match(r, n, obj);
	}
	return false;
}

void sel_free(struct sel_node *n)
{
	if (!n)
		return;
	sel_free(n->l);
	sel_free(n->r);
	if (n->re)
		regfree(n->re);
}
