/* Base64 (RFC 4648, with padding) for LUKS2 salts and digests. Strict:
 * anything but whole padded groups of the standard alphabet is refused,
 * since these strings come from untrusted headers. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

long base64_decode(const char *text, uint8_t *out, size_t out_size)
{
	size_t len = strlen(text), n = 0;

	if (len % 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			if (text[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64_value(text[i + k])) < 0) {
				return -EINVAL;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
			     (uint32_t)v[3];
		for (int k = 0; k < 3 - pad; k++) {
			if (n >= out_size)
				return -EINVAL;
			out[n++] = (uint8_t)(w >> (16 - 8 * k));
		}
	}
	return (long)n;
}

char *base64_encode(const uint8_t *data, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t w = (uint32_t)data[i] << 16;
		size_t left = len - i;

		if (left > 1)
			w |= (uint32_t)data[i + 1] << 8;
		if (left > 2)
			w |= data[i + 2];
		*p++ = alphabet[w >> 18 & 63];
		*p++ = alphabet[w >> 12 & 63];
		*p++ = left > 1 ? alphabet[w >> 6 & 63] : '=';
		*p++ = left > 2 ? alphabet[w & 63] : '=';
	}
	*p = '\0';
	return out;
}
