/* Unit tests for lib/util/parse.c. */
#include "util/parse.c"

#include <assert.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	uint64_t v;
	uint32_t w;
	char line[] = "  0 100\tlinear /x  0 ";
	char *words[8];

	assert(parse_u64("0", &v) == 0 && v == 0);
	assert(parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	assert(parse_u64("18446744073709551616", &v) == -ERANGE);
	assert(parse_u64("12x", &v) == -EINVAL);
	assert(parse_u64("", &v) == -EINVAL);
	assert(parse_u64("-1", &v) == -EINVAL);
	assert(parse_u64(" 1", &v) == -EINVAL);
	assert(parse_u32("4294967296", &w) == -ERANGE);
	assert(parse_u32("4294967295", &w) == 0 && w == UINT32_MAX);

	assert(split_words(line, words, 8) == 5);
	assert(!strcmp(words[2], "linear") && !strcmp(words[4], "0"));
	char many[] = "a b c";
	assert(split_words(many, words, 2) == -E2BIG);

	assert(name_is_valid("strip"));
	assert(name_is_valid("vg-lv_1.x"));
	assert(!name_is_valid(""));
	assert(!name_is_valid("."));
	assert(!name_is_valid(".."));
	assert(!name_is_valid("a/b"));
	assert(!name_is_valid("a\nb"));
	assert(!name_is_valid("a b"));
	char longname[200];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert(!name_is_valid(longname));
	longname[127] = '\0';
	assert(name_is_valid(longname));
	printf("test_parse: ok\n");
	return 0;
}
