/* Unit tests for lib/config: every lexical quirk of formats.md §3.1 and a
 * write/parse round trip. */
#include "config/config.h"
#include "util/error.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct cfg_tree *parse(const char *s)
{
	return cfg_parse(s, strlen(s));
}

static void test_scalars(void)
{
	struct cfg_tree *t = parse("a = 10\nb = 010\nc = -1 d = +7\ne = 1.5\n"
				   "f = \"x\\\"y\\\\z\\n\"\ng = 'no\\\"esc'\nh = bare/word,x]\n");
	int64_t i;
	const char *s;
	assert(t);
	assert(cfg_get_int(&t->root, "a", &i) == 0 && i == 10);
	assert(cfg_get_int(&t->root, "b", &i) == 0 && i == 8); /* octal */
	assert(cfg_get_int(&t->root, "c", &i) == 0 && i == -1);
	assert(cfg_get_int(&t->root, "d", &i) == 0 && i == 7);
	assert(cfg_find(&t->root, "e")->v->type == CFG_FLOAT);
	assert(cfg_get_str(&t->root, "f", &s) == 0 && !strcmp(s, "x\"y\\z\\n"));
	assert(cfg_get_str(&t->root, "g", &s) == 0 && !strcmp(s, "no\\\"esc"));
	/* ',' and ']' do not end a bare word. */
	assert(cfg_get_str(&t->root, "h", &s) == 0 && !strcmp(s, "bare/word,x]"));
	assert(cfg_get_str(&t->root, "a", &s) == -EINVAL);
	assert(cfg_get_int(&t->root, "zz", &i) == -ENOENT);
	cfg_free(t);
}

static void test_errors(void)
{
	assert(!parse("a = 08\n") && errno == EINVAL); /* not octal */
	assert(!parse("a = 0x10\n"));		       /* token ends at x */
	assert(!parse("a = [1 2]\n"));		       /* 2 is not a value here */
	assert(!parse("a = \"open\n"));
	assert(!parse("a {\n b = 1\n"));
	assert(!parse("= 1\n"));
	assert(!parse("a = -\n"));
	assert(!parse("a = 99999999999999999999\n"));
	struct cfg_tree *t = parse("a = [\"x\" \"y\"]\n"); /* commas optional for strings */
	assert(t);
	assert(cfg_find(&t->root, "a")->v->next);
	cfg_free(t);
}

static void test_structure(void)
{
	const char *text = "# comment\nvg { id = \"x\" # trailing\n seqno = 3\n"
			   "s = [] l = [\"a\", 1, \"b\", 2,]\n sub { k = 1 } }\n"
			   "vg { more = 1 }\nk = 1 k = 2\n\"q#k\" = 5\0 junk after nul {";
	struct cfg_tree *t = cfg_parse(text, strlen(text) + 20);
	const struct cfg_value *v;
	uint32_t u;
	int64_t i;
	assert(t);
	assert(cfg_get_u32(&t->root, "vg/seqno", &u) == 0 && u == 3);
	assert(cfg_get_array(&t->root, "vg/s", &v) == 0 && v == NULL);
	assert(cfg_get_array(&t->root, "vg/l", &v) == 0 && v->type == CFG_STRING &&
	       v->next->v.i == 1 && v->next->next->next->v.i == 2 && !v->next->next->next->next);
	assert(cfg_get_int(&t->root, "vg/sub/k", &i) == 0 && i == 1);
	assert(cfg_get_int(&t->root, "vg/more", &i) == 0);     /* sections merge */
	assert(cfg_get_int(&t->root, "k", &i) == 0 && i == 2); /* last value wins */
	assert(cfg_get_int(&t->root, "q#k", &i) == 0 && i == 5);
	const struct cfg_node *sec;
	assert(cfg_get_section(&t->root, "vg", &sec) == 0);
	assert(cfg_get_section(&t->root, "k", &sec) == -EINVAL);
	cfg_free(t);
}

static void test_write_roundtrip(void)
{
	struct cfg_tree *t = cfg_new();
	struct cfg_node *g = cfg_add_section(t, &t->root, "global");
	cfg_add_int(t, g, "umask", 63);
	cfg_add_str(t, g, "path", "/a \"b\" \\c");
	struct cfg_node *arr = cfg_add_array(t, g, "filter");
	cfg_array_add_str(t, arr, "a|.*|");
	cfg_add_array(t, g, "empty");
	struct cfg_node *two = cfg_add_array(t, g, "two");
	cfg_array_add_int(t, two, 1);
	cfg_array_add_int(t, two, -2);
	cfg_add_int(t, &t->root, "we#ird", 1);
	struct strbuf sb = STRBUF_INIT;
	cfg_write(t->root.child, &sb);
	const char *want = "global {\n\tumask=63\n\tpath=\"/a \\\"b\\\" \\\\c\"\n"
			   "\tfilter=[\"a|.*|\"]\n\tempty=[]\n\ttwo=[1,-2]\n}\n\"we#ird\"=1\n";
	if (strcmp(sb_str(&sb), want)) {
		fprintf(stderr, "got:\n%s", sb_str(&sb));
		assert(0);
	}
	struct cfg_tree *back = cfg_parse(sb.buf, sb.len);
	const char *s;
	assert(back && cfg_get_str(&back->root, "global/path", &s) == 0 &&
	       !strcmp(s, "/a \"b\" \\c"));
	struct strbuf again = STRBUF_INIT;
	cfg_write(back->root.child, &again);
	assert(!strcmp(sb_str(&sb), sb_str(&again)));
	sb_release(&sb);
	sb_release(&again);
	cfg_free(back);
	cfg_free(t);
}

/* Sections past the parser's walk limit go through its index: repeated
 * keys there must still name one node, before and after the switch. */
static void test_big_section(void)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t i;

	sb_puts(&sb, "lvs {\n");
	for (int k = 0; k < 40; k++)
		sb_printf(&sb, "lv%d { n = %d }\n", k, k);
	sb_puts(&sb, "lv3 { m = 1 }\nlv30 { n = 99 }\nlv39 = 5\n}\n");
	struct cfg_tree *t = cfg_parse(sb_str(&sb), sb.len);
	assert(!t); /* lv39 is a section and a value */
	sb_reset(&sb);
	sb_puts(&sb, "lvs {\n");
	for (int k = 0; k < 40; k++)
		sb_printf(&sb, "lv%d { n = %d }\n", k, k);
	sb_puts(&sb, "lv3 { m = 1 }\nlv30 { n = 99 }\nx = 1 x = 2\n}\n");
	t = cfg_parse(sb_str(&sb), sb.len);
	assert(t);
	const struct cfg_node *lvs;
	unsigned n = 0;
	assert(cfg_get_section(&t->root, "lvs", &lvs) == 0);
	for (const struct cfg_node *c = lvs->child; c; c = c->sib)
		n++;
	assert(n == 41); /* 40 LVs and x */
	assert(cfg_get_int(&t->root, "lvs/lv3/m", &i) == 0 && i == 1);
	assert(cfg_get_int(&t->root, "lvs/lv3/n", &i) == 0 && i == 3);
	assert(cfg_get_int(&t->root, "lvs/lv30/n", &i) == 0 && i == 99);
	assert(cfg_get_int(&t->root, "lvs/x", &i) == 0 && i == 2);
	cfg_free(t);
	sb_release(&sb);
}

/* The tokenizer's fast paths (memchr over quoted strings, the class
 * table), the value slot a node carries and cfg_find's key mask. */
static void test_fast_paths(void)
{
	const char text[] = "# c\n"
			    "a = \"x\ny\"\n"		/* a newline inside quotes counts */
			    "b = \"p\\\"q\"\n"		/* escaped quote: the slow walk */
			    "c = 'r\\'\n"		/* no escapes in single quotes */
			    "d = 1 d = \"two\" d = 3\n" /* the slot is reused */
			    "e = [\"u\", 4] e = 5\n"
			    "s { k = 1 }\n"
			    "bad = [1 2]\n";
	const char *s;
	int64_t i;

	assert(!cfg_parse(text, sizeof(text) - 1));
	assert(strstr(err_msg(), "line 9")); /* lines counted through the strings */
	struct cfg_tree *t = cfg_parse(text, strlen(text) - strlen("bad = [1 2]\n"));
	assert(t);
	assert(cfg_get_str(&t->root, "a", &s) == 0 && !strcmp(s, "x\ny"));
	assert(cfg_get_str(&t->root, "b", &s) == 0 && !strcmp(s, "p\"q"));
	assert(cfg_get_str(&t->root, "c", &s) == 0 && !strcmp(s, "r\\"));
	assert(cfg_get_int(&t->root, "d", &i) == 0 && i == 3);
	assert(cfg_get_int(&t->root, "e", &i) == 0 && i == 5);
	assert(!cfg_find(&t->root, "x") && !cfg_find(&t->root, "s/kk") &&
	       !cfg_find(&t->root, "s/j") && !cfg_find(&t->root, "dd"));
	assert(cfg_get_int(&t->root, "s/k", &i) == 0 && i == 1);
	cfg_free(t);

	/* Builders set the mask too. */
	t = cfg_new();
	struct cfg_node *g = cfg_add_section(t, &t->root, "g");
	assert(!cfg_find(&t->root, "g/z"));
	cfg_add_int(t, g, "z", 7);
	assert(cfg_get_int(&t->root, "g/z", &i) == 0 && i == 7);
	cfg_free(t);
}

int main(void)
{
	test_fast_paths();
	test_big_section();
	test_scalars();
	test_errors();
	test_structure();
	test_write_roundtrip();
	return 0;
}
