/* Unit tests for tools/dmsetup/options.c (option parsing) and the table
 * reading of tools/dmsetup/util.c. */
#include "../../tools/dmsetup/options.c"
#include "../../tools/dmsetup/util.c"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* Parses a NULL-terminated word list; argv is copied because getopt
 * permutes it. Returns parse's result, *first and the permuted argv. */
static int parse(struct dmsetup_opts *o, int *first, char **argv_out, const char *const *words)
{
	int argc = 0;

	while (words[argc]) {
		argv_out[argc] = (char *)words[argc];
		argc++;
	}
	argv_out[argc] = NULL;
	err_clear();
	return dmsetup_parse_options(argc, argv_out, o, first);
}

static void test_defaults_and_permutation(void)
{
	struct dmsetup_opts o;
	char *argv[16];
	int first;
	const char *const w[] = {"dmsetup", "create", "x",  "--table", "0 1 zero",
				 "-u",	    "U",      "-r", "-vv",     NULL};

	assert(parse(&o, &first, argv, w) == 0);
	assert(first == 7);
	assert(!strcmp(argv[first], "create") && !strcmp(argv[first + 1], "x"));
	assert(!strcmp(o.table, "0 1 zero") && !strcmp(o.uuid, "U"));
	assert(o.readonly && o.verbose == 2 && !o.force && !o.columns && !o.notable);

	const char *const w2[] = {"dmsetup",	 "-C", "info", "-o", "name,uuid", "--noheadings",
				  "--separator", ";",  "a",    "b",  NULL};
	assert(parse(&o, &first, argv, w2) == 0);
	assert(o.columns && o.noheadings && !strcmp(o.fields, "name,uuid"));
	assert(!strcmp(o.separator, ";") && !o.readonly && o.verbose == 0);
	assert(!strcmp(argv[first], "info") && !strcmp(argv[first + 2], "b"));
}

static void test_flags(void)
{
	struct dmsetup_opts o;
	char *argv[16];
	int first;
	const char *const w[] = {"dmsetup",	 "status", "--inactive", "--noflush",
				 "--target",	 "linear", "--showkeys", "--tree",
				 "--setuuid",	 "-f",	   "-n",	 "--noudevsync",
				 "--udevcookie", "5",	   "--nolockfs", NULL};

	assert(parse(&o, &first, argv, w) == 0);
	assert(o.inactive && o.noflush && o.showkeys && o.tree && o.setuuid && o.force);
	assert(o.notable && !strcmp(o.target, "linear"));
	assert(first == 14 && !strcmp(argv[first], "status"));

	/* "--" ends the options: a message may start with '-'. */
	const char *const w2[] = {"dmsetup", "message", "x", "0", "--", "-stats", NULL};
	assert(parse(&o, &first, argv, w2) == 0);
	assert(!strcmp(argv[first], "message") && !strcmp(argv[first + 3], "-stats"));

	const char *const w3[] = {"dmsetup", "--help", NULL};
	assert(parse(&o, &first, argv, w3) == 0 && o.help && first == 2);
	const char *const w4[] = {"dmsetup", "--version", NULL};
	assert(parse(&o, &first, argv, w4) == 0 && o.version);
}

static void test_errors(void)
{
	struct dmsetup_opts o;
	char *argv[16];
	int first;
	const char *const w1[] = {"dmsetup", "ls", "--bogus", NULL};
	const char *const w2[] = {"dmsetup", "table", "--target", NULL};
	const char *const w3[] = {"dmsetup", "info", "-c", "-o", NULL};
	const char *const w4[] = {"dmsetup", "ls", "-z", NULL};
	const char *const w5[] = {"dmsetup", "create", "x", "--table", "0 1 zero", "-n", NULL};

	assert(parse(&o, &first, argv, w1) == -EINVAL);
	assert(!strcmp(err_msg(), "option '--bogus' is not recognised"));
	assert(parse(&o, &first, argv, w2) == -EINVAL);
	assert(!strcmp(err_msg(), "option '--target' needs an argument"));
	assert(parse(&o, &first, argv, w3) == -EINVAL);
	assert(!strcmp(err_msg(), "option '-o' needs an argument"));
	assert(parse(&o, &first, argv, w4) == -EINVAL);
	assert(!strcmp(err_msg(), "option '-z' is not recognised"));
	assert(parse(&o, &first, argv, w5) == -EINVAL);
	assert(!strcmp(err_msg(), "--table and --notable are incompatible"));
}

static void test_read_table(void)
{
	struct dmsetup_opts o = {.table = "# header\n0 100 zero # a comment\n\n100 1 error\n"};
	struct dmsetup_ctx ctx = {.opts = &o};
	char *text;
	bool empty;

	assert(dm_read_table(&ctx, NULL, &text, &empty) == 0);
	/* Comments cut, lines kept so ulvmd's line numbers stay the user's. */
	assert(!strcmp(text, "\n0 100 zero \n\n100 1 error\n"));
	assert(!empty);
	free(text);

	o.table = "  # only a comment\n\n";
	assert(dm_read_table(&ctx, NULL, &text, &empty) == 0 && empty);
	free(text);

	o.table = NULL;
	err_clear();
	assert(dm_read_table(&ctx, "/nonexistent/table", &text, &empty) == -ENOENT);
	assert(strstr(err_msg(), "cannot open table file '/nonexistent/table'"));
}

int main(void)
{
	test_defaults_and_permutation();
	test_flags();
	test_errors();
	test_read_table();
	printf("test_dmsetup_options: ok\n");
	return 0;
}
