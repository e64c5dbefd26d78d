/* lib/crypto/sector_cipher.c: its XTS by hand (small units) against
 * OpenSSL's own XTS run one unit at a time, the way dm-crypt is defined. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/sector_cipher.h"

/* The oracle: OpenSSL's XTS, one call per unit with its plain64 IV. */
static void oracle(const uint8_t *key, size_t key_len, bool encrypt, uint64_t iv_sector,
		   uint64_t iv_step, unsigned unit, const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *evp = key_len == 64 ? EVP_aes_256_xts() : EVP_aes_128_xts();
	int outl;

	assert(c);
	for (size_t done = 0; done < len; done += unit, iv_sector += iv_step) {
		uint8_t iv[16] = {0};

		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(iv_sector >> (8 * i));
		assert(EVP_CipherInit_ex(c, evp, NULL, key, iv, encrypt));
		assert(EVP_CipherUpdate(c, out + done, &outl, in + done, (int)unit));
		assert(outl == (int)unit);
	}
	EVP_CIPHER_CTX_free(c);
}

static void check(size_t key_len, unsigned unit, uint64_t iv_sector, size_t len)
{
	char spec_text[] = "aes-xts-plain64", why[128];
	struct cipher_spec spec;
	struct sector_cipher *sc;
	uint8_t key[64], *plain = malloc(len), *mine = malloc(len), *want = malloc(len);
	uint64_t step = unit / 512;

	assert(plain && mine && want);
	for (size_t i = 0; i < key_len; i++)
		key[i] = (uint8_t)(i * 37 + 11);
	for (size_t i = 0; i < len; i++)
		plain[i] = (uint8_t)(i * 131 + (i >> 9));
	assert(!cipher_spec_parse(spec_text, &spec, why, sizeof(why)));
	assert(!sector_cipher_new(&spec, key, key_len, &sc, why, sizeof(why)));

	oracle(key, key_len, true, iv_sector, step, unit, plain, want, len);
	assert(!sector_cipher_run(sc, true, iv_sector, step, unit, plain, mine, len));
	assert(!memcmp(mine, want, len));
	/* In place, and back. */
	memcpy(mine, plain, len);
	assert(!sector_cipher_run(sc, true, iv_sector, step, unit, mine, mine, len));
	assert(!memcmp(mine, want, len));
	assert(!sector_cipher_run(sc, false, iv_sector, step, unit, mine, mine, len));
	assert(!memcmp(mine, plain, len));
	sector_cipher_free(sc);
	free(plain);
	free(mine);
	free(want);
}

int main(void)
{
	static const unsigned units[] = {512, 1024, 2048, 4096};
	/* Sector numbers with carries through both tweak words and above 2^32. */
	static const uint64_t sectors[] = {0, 1, 4095, 0xffffffffull, 0x123456789abcdefull};
	/* Less than, exactly and not a multiple of the by-hand chunk. */
	static const size_t lens[] = {4096, 12288, 1 << 20, 4096 * 3 + 8192};

	for (size_t k = 0; k < 2; k++)
		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
			for (size_t s = 0; s < sizeof(sectors) / sizeof(sectors[0]); s++)
				for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
					check(k ? 64 : 32, units[u], sectors[s] * (units[u] / 512),
					      lens[l]);
	/* A run of single 512-byte units. */
	check(64, 512, 7, 512);
	check(64, 512, 9, 1536);
	check(32, 1024, 2, 4096 + 1024);
	puts("test_sector_cipher: ok");
	return 0;
}
