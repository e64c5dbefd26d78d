#include "uuid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "util/error.h"

static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

int uuid_generate(char out[UUID_LEN + 1])
{
	unsigned char rnd[UUID_LEN];
	size_t got = 0;

	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(errno, "cannot get random bytes for a uuid: %s",
				       strerror(errno));
		got += (size_t)n;
	}
	/* 62 symbols: the modulo bias is as small as LVM's own and harmless. */
	for (int i = 0; i < UUID_LEN; i++)
		out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[UUID_LEN] = '\0';
	return 0;
}

void uuid_format(const char *id, char out[UUID_DASHED_LEN + 1])
{
	static const int groups[] = {6, 4, 4, 4, 4, 4, 6};
	int o = 0, in = 0;

	if (id[0] == '#') {
		snprintf(out, UUID_DASHED_LEN + 1, "%s", id);
		return;
	}
	for (int g = 0; g < 7; g++) {
		if (g)
			out[o++] = '-';
		for (int k = 0; k < groups[g] && id[in]; k++)
			out[o++] = id[in++];
	}
	out[o] = '\0';
}

bool uuid_char_valid(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '!' || c == '#';
}

/* uuid_char_valid as a table (1), with '-' (2) apart: an import parses
 * two UUIDs a byte at a time per LV. */
static const unsigned char uuid_class[256] = {
    ['0' ... '9'] = 1, ['a' ... 'z'] = 1, ['A' ... 'Z'] = 1, ['!'] = 1, ['#'] = 1, ['-'] = 2,
};

int uuid_parse(const char *text, char out[UUID_LEN + 1])
{
	int n = 0;

	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		unsigned char cls = uuid_class[*s];
		if (cls == 2)
			continue;
		if (n == UUID_LEN || !cls)
			return err_set(EINVAL, "invalid uuid '%s'", text);
		out[n++] = (char)*s;
	}
	if (n != UUID_LEN)
		return err_set(EINVAL, "uuid '%s' does not have 32 characters", text);
	out[n] = '\0';
	return 0;
}
