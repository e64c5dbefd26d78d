/* The anti-forensic information splitter of LUKS: the key is spread over
 * `stripes` blocks so that destroying any one of them destroys it. Block i
 * is mixed into the running value d by d = diffuse(d XOR s_i); the last
 * block is d XOR key. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "util/error.h"

/* Each digest-sized piece j of d becomes H(BE32(j) || piece), cut to the
 * piece's length (the last piece may be short). */
static int diffuse(EVP_MD_CTX *ctx, const EVP_MD *md, uint8_t *d, size_t len)
{
	size_t ds = (size_t)EVP_MD_get_size(md);
	uint8_t out[EVP_MAX_MD_SIZE];

	for (size_t j = 0, pos = 0; pos < len; j++, pos += ds) {
		size_t n = len - pos < ds ? len - pos : ds;
		uint8_t be[4] = {(uint8_t)(j >> 24), (uint8_t)(j >> 16), (uint8_t)(j >> 8),
				 (uint8_t)j};

		if (!EVP_DigestInit_ex(ctx, md, NULL) || !EVP_DigestUpdate(ctx, be, 4) ||
		    !EVP_DigestUpdate(ctx, d + pos, n) || !EVP_DigestFinal_ex(ctx, out, NULL))
			return -EIO;
		memcpy(d + pos, out, n);
	}
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

static int af_run(const uint8_t *in, uint8_t *split_out, size_t key_size, unsigned stripes,
		  const char *hash, const uint8_t *key_in, uint8_t *key_out)
{
	EVP_MD *md = EVP_MD_fetch(NULL, hash, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t *d = calloc(1, key_size);
	int r = 0;

	if (!md || !ctx || !d || !stripes) {
		r = md ? -ENOMEM : err_set(EINVAL, "unknown hash '%s'", hash);
		goto out;
	}
	for (unsigned i = 0; i + 1 < stripes && !r; i++) {
		uint8_t *s = split_out ? split_out + (size_t)i * key_size : NULL;
		const uint8_t *src = split_out ? s : in + (size_t)i * key_size;

		if (split_out && random_bytes(s, key_size)) {
			r = -EIO;
			break;
		}
		for (size_t k = 0; k < key_size; k++)
			d[k] ^= src[k];
		r = diffuse(ctx, md, d, key_size);
	}
	if (!r && split_out) {
		uint8_t *last = split_out + (size_t)(stripes - 1) * key_size;
		for (size_t k = 0; k < key_size; k++)
			last[k] = d[k] ^ key_in[k];
	} else if (!r) {
		const uint8_t *last = in + (size_t)(stripes - 1) * key_size;
		for (size_t k = 0; k < key_size; k++)
			key_out[k] = d[k] ^ last[k];
	}
	if (r == -EIO)
		r = err_set(EIO, "af: hash '%s' failed", hash);
out:
	if (d)
		OPENSSL_clear_free(d, key_size);
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return r;
}

int af_split(const uint8_t *key, size_t key_size, unsigned stripes, const char *hash, uint8_t *out)
{
	return af_run(NULL, out, key_size, stripes, hash, key, NULL);
}

int af_merge(const uint8_t *in, size_t key_size, unsigned stripes, const char *hash, uint8_t *key)
{
	return af_run(in, NULL, key_size, stripes, hash, NULL, key);
}
