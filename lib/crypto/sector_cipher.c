/* dm-crypt's per-sector encryption over OpenSSL EVP ciphers.
 *
 * The kernel names a cipher as chainmode(cipher) with a key length; the
 * OpenSSL name is CIPHER-BITS-MODE ("AES-256-XTS" for a 64-byte xts key,
 * whose two halves are two AES-256 keys). Only exact equivalents are
 * accepted: OpenSSL's XTS, CBC, CTR and ECB process one unit per call
 * with a fresh IV exactly as the kernel's skcipher requests do.
 */
#include "crypto/sector_cipher.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define IV_MAX 32

/* One borrowed OpenSSL state: the data cipher keyed for one direction (an
 * XTS/CBC key schedule is per direction) and, for essiv, the salt cipher. */
struct cipher_ctx {
	EVP_CIPHER_CTX *data;
	EVP_CIPHER_CTX *essiv;
	struct cipher_ctx *next;
};

struct sector_cipher {
	struct cipher_spec spec;
	bool null_cipher; /* cipher_null: data passes unchanged */
	EVP_CIPHER *evp;
	EVP_CIPHER *essiv_evp;
	EVP_MD *essiv_md;
	unsigned iv_size;
	unsigned benbi_shift;
	uint8_t *key; /* secure_alloc'ed, key_len bytes (at least 1 allocated) */
	size_t key_len;
	uint8_t *salt; /* essiv: hash of the key, secure */
	size_t salt_len;
	bool has_key;
	pthread_mutex_t lock;	    /* guards the pools */
	struct cipher_ctx *pool[2]; /* [0] decrypt, [1] encrypt */
};

void *secure_alloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size + page - 1) / page * page;
	void *p;

	if (!len)
		len = page;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Without the privilege or the limit the key still works: it may
	 * then reach swap, which is no worse than most of OpenSSL's state. */
	(void)mlock(p, len);
	(void)madvise(p, len, MADV_DONTDUMP);
	return p;
}

void secure_free(void *p, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size + page - 1) / page * page;

	if (!p)
		return;
	if (!len)
		len = page;
	OPENSSL_cleanse(p, len);
	munlock(p, len);
	munmap(p, len);
}

static void ctx_free(struct cipher_ctx *c)
{
	EVP_CIPHER_CTX_free(c->data);
	EVP_CIPHER_CTX_free(c->essiv);
	free(c);
}

static void pools_drain(struct sector_cipher *sc)
{
	for (int dir = 0; dir < 2; dir++) {
		while (sc->pool[dir]) {
			struct cipher_ctx *c = sc->pool[dir];
			sc->pool[dir] = c->next;
			ctx_free(c);
		}
	}
}

static struct cipher_ctx *ctx_new(struct sector_cipher *sc, bool encrypt)
{
	struct cipher_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->data = EVP_CIPHER_CTX_new();
	if (!c->data || !EVP_CipherInit_ex(c->data, sc->evp, NULL, sc->key, NULL, encrypt))
		goto fail;
	EVP_CIPHER_CTX_set_padding(c->data, 0);
	if (sc->spec.ivmode == IV_ESSIV) {
		c->essiv = EVP_CIPHER_CTX_new();
		if (!c->essiv || !EVP_EncryptInit_ex(c->essiv, sc->essiv_evp, NULL, sc->salt, NULL))
			goto fail;
		EVP_CIPHER_CTX_set_padding(c->essiv, 0);
	}
	return c;
fail:
	ctx_free(c);
	return NULL;
}

static struct cipher_ctx *ctx_get(struct sector_cipher *sc, bool encrypt)
{
	struct cipher_ctx *c;

	pthread_mutex_lock(&sc->lock);
	c = sc->pool[encrypt];
	if (c)
		sc->pool[encrypt] = c->next;
	pthread_mutex_unlock(&sc->lock);
	return c ? c : ctx_new(sc, encrypt);
}

static void ctx_put(struct sector_cipher *sc, bool encrypt, struct cipher_ctx *c)
{
	pthread_mutex_lock(&sc->lock);
	c->next = sc->pool[encrypt];
	sc->pool[encrypt] = c;
	pthread_mutex_unlock(&sc->lock);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[7 - i] = (uint8_t)(v >> (8 * i));
}

static int make_iv(const struct sector_cipher *sc, struct cipher_ctx *c, uint64_t sector,
		   uint8_t *iv)
{
	int outl;

	memset(iv, 0, sc->iv_size);
	switch (sc->spec.ivmode) {
	case IV_PLAIN:
		put_le64(iv, sector & 0xffffffffu);
		break;
	case IV_PLAIN64:
		put_le64(iv, sector);
		break;
	case IV_PLAIN64BE:
		put_be64(iv + sc->iv_size - 8, sector);
		break;
	case IV_ESSIV:
		put_le64(iv, sector);
		if (!EVP_EncryptUpdate(c->essiv, iv, &outl, iv, (int)sc->iv_size))
			return -EIO;
		break;
	case IV_BENBI:
		put_be64(iv + sc->iv_size - 8, (sector << sc->benbi_shift) + 1);
		break;
	case IV_NONE:
	case IV_NULL:
		break;
	}
	return 0;
}

int sector_cipher_run(struct sector_cipher *sc, bool encrypt, uint64_t iv_sector, uint64_t iv_step,
		      unsigned unit, const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t iv[IV_MAX];
	struct cipher_ctx *c;
	int r = 0, outl;

	if (!sc->has_key)
		return -ENOKEY;
	if (sc->null_cipher) {
		if (in != out)
			memmove(out, in, len);
		return 0;
	}
	c = ctx_get(sc, encrypt);
	if (!c)
		return -ENOMEM;
	for (size_t done = 0; done < len && !r; done += unit, iv_sector += iv_step) {
		if (sc->iv_size) {
			r = make_iv(sc, c, iv_sector, iv);
			if (!r && !EVP_CipherInit_ex(c->data, NULL, NULL, NULL, iv, -1))
				r = -EIO;
		}
		if (!r && (!EVP_CipherUpdate(c->data, out + done, &outl, in + done, (int)unit) ||
			   outl != (int)unit))
			r = -EIO;
	}
	OPENSSL_cleanse(iv, sizeof(iv));
	ctx_put(sc, encrypt, c);
	return r;
}

__attribute__((format(printf, 3, 4))) static int cipher_fail(char *why, size_t size,
							     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "AES-256-XTS" for aes/xts with a 64-byte key. */
static void evp_name(char *buf, size_t size, const char *cipher, const char *mode, size_t key_len)
{
	size_t bits = !strcmp(mode, "xts") ? key_len * 4 : key_len * 8;

	snprintf(buf, size, "%s-%zu-%s", cipher, bits, mode);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

/* Block ciphers and modes whose OpenSSL implementation is the kernel's
 * bit for bit. Others (serpent, twofish) OpenSSL lacks; lrw, pcbc and
 * friends it does not offer as such. */
static bool mode_supported(const struct cipher_spec *spec)
{
	static const char *const ciphers[] = {"aes", "camellia", "aria"};
	static const char *const modes[] = {"xts", "cbc", "ecb", "ctr"};
	bool c = false, m = false;

	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		c |= !strcmp(spec->cipher, ciphers[i]);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		m |= !strcmp(spec->chainmode, modes[i]);
	/* OpenSSL has XTS for AES only. */
	return c && m && (strcmp(spec->chainmode, "xts") || !strcmp(spec->cipher, "aes"));
}

/* Salt = hash(key) and the ECB cipher it keys (same block cipher). */
static int essiv_setup(struct sector_cipher *sc, char *why, size_t size)
{
	unsigned len;
	char name[64];

	if (!sc->essiv_md) {
		sc->essiv_md = EVP_MD_fetch(NULL, sc->spec.ivopts, NULL);
		if (!sc->essiv_md)
			return cipher_fail(why, size, "unsupported essiv hash '%s'",
					   sc->spec.ivopts);
		sc->salt_len = (size_t)EVP_MD_get_size(sc->essiv_md);
		evp_name(name, sizeof(name), sc->spec.cipher, "ecb", sc->salt_len);
		sc->essiv_evp = EVP_CIPHER_fetch(NULL, name, NULL);
		if (!sc->essiv_evp || EVP_CIPHER_get_block_size(sc->essiv_evp) != (int)sc->iv_size)
			return cipher_fail(why, size, "essiv hash '%s' does not fit cipher '%s'",
					   sc->spec.ivopts, sc->spec.cipher);
		sc->salt = secure_alloc(sc->salt_len);
		if (!sc->salt)
			return cipher_fail(why, size, "out of memory");
	}
	if (!EVP_Digest(sc->key, sc->key_len, sc->salt, &len, sc->essiv_md, NULL))
		return cipher_fail(why, size, "essiv hash '%s' failed", sc->spec.ivopts);
	return 0;
}

static int benbi_setup(struct sector_cipher *sc, char *why, size_t size)
{
	int bs = EVP_CIPHER_get_block_size(sc->evp);
	unsigned log = 0;

	while ((1 << log) < bs)
		log++;
	if ((1 << log) != bs)
		return cipher_fail(why, size, "benbi: cipher block size is not a power of 2");
	if (log > 9)
		return cipher_fail(why, size, "benbi: cipher block size is > 512");
	sc->benbi_shift = 9 - log;
	return 0;
}

static int cipher_setup(struct sector_cipher *sc, char *why, size_t size)
{
	char name[64];

	if (!strcmp(sc->spec.cipher, "cipher_null")) {
		if (sc->key_len)
			return cipher_fail(why, size, "cipher_null takes no key");
		sc->null_cipher = true;
		sc->spec.ivmode = IV_NONE;
		return 0;
	}
	if (!mode_supported(&sc->spec))
		return cipher_fail(why, size, "unsupported cipher '%s-%s'", sc->spec.cipher,
				   sc->spec.chainmode);
	evp_name(name, sizeof(name), sc->spec.cipher, sc->spec.chainmode, sc->key_len);
	sc->evp = EVP_CIPHER_fetch(NULL, name, NULL);
	if (!sc->evp || EVP_CIPHER_get_key_length(sc->evp) != (int)sc->key_len)
		return cipher_fail(why, size, "unsupported key size %zu bits for '%s-%s'",
				   sc->key_len * 8, sc->spec.cipher, sc->spec.chainmode);
	sc->iv_size = (unsigned)EVP_CIPHER_get_iv_length(sc->evp);
	if (sc->iv_size > IV_MAX)
		return cipher_fail(why, size, "unsupported cipher '%s'", name);
	/* As the kernel: a mode without IV ignores the IV generator. */
	if (!sc->iv_size)
		sc->spec.ivmode = IV_NONE;
	else if (sc->iv_size < 8 && sc->spec.ivmode != IV_NULL)
		return cipher_fail(why, size, "unsupported cipher '%s' (iv under 8 bytes)", name);
	if (sc->spec.ivmode == IV_BENBI)
		return benbi_setup(sc, why, size);
	if (sc->spec.ivmode == IV_ESSIV)
		return essiv_setup(sc, why, size);
	return 0;
}

/* OpenSSL refuses an XTS key whose halves are equal only at init time:
 * try one context now so that a bad key fails the table load. */
static int key_check(struct sector_cipher *sc, char *why, size_t size)
{
	struct cipher_ctx *c;

	if (sc->null_cipher)
		return 0;
	c = ctx_new(sc, true);
	if (!c)
		return cipher_fail(why, size, "key rejected by cipher '%s-%s'", sc->spec.cipher,
				   sc->spec.chainmode);
	ctx_put(sc, true, c);
	return 0;
}

int sector_cipher_new(const struct cipher_spec *spec, const uint8_t *key, size_t key_len,
		      struct sector_cipher **out, char *why, size_t why_size)
{
	struct sector_cipher *sc = calloc(1, sizeof(*sc));
	int r;

	if (!sc)
		return cipher_fail(why, why_size, "out of memory");
	sc->spec = *spec;
	pthread_mutex_init(&sc->lock, NULL);
	sc->key_len = key_len;
	sc->key = secure_alloc(key_len);
	if (!sc->key) {
		sector_cipher_free(sc);
		return cipher_fail(why, why_size, "out of memory");
	}
	memcpy(sc->key, key, key_len);
	sc->has_key = true;
	r = cipher_setup(sc, why, why_size);
	if (!r)
		r = key_check(sc, why, why_size);
	if (r) {
		sector_cipher_free(sc);
		return r;
	}
	*out = sc;
	return 0;
}

int sector_cipher_set_key(struct sector_cipher *sc, const uint8_t *key, size_t key_len)
{
	char why[128];

	pools_drain(sc);
	OPENSSL_cleanse(sc->key, sc->key_len);
	sc->has_key = false;
	if (!key)
		return 0;
	if (key_len != sc->key_len)
		return -EINVAL;
	memcpy(sc->key, key, key_len);
	sc->has_key = true;
	if ((sc->spec.ivmode == IV_ESSIV && essiv_setup(sc, why, sizeof(why))) ||
	    key_check(sc, why, sizeof(why))) {
		OPENSSL_cleanse(sc->key, sc->key_len);
		sc->has_key = false;
		return -EINVAL;
	}
	return 0;
}

bool sector_cipher_has_key(const struct sector_cipher *sc)
{
	return sc->has_key;
}

const uint8_t *sector_cipher_key(const struct sector_cipher *sc)
{
	return sc->key;
}

size_t sector_cipher_key_len(const struct sector_cipher *sc)
{
	return sc->key_len;
}

void sector_cipher_free(struct sector_cipher *sc)
{
	if (!sc)
		return;
	pools_drain(sc);
	secure_free(sc->key, sc->key_len);
	secure_free(sc->salt, sc->salt_len);
	EVP_CIPHER_free(sc->evp);
	EVP_CIPHER_free(sc->essiv_evp);
	EVP_MD_free(sc->essiv_md);
	pthread_mutex_destroy(&sc->lock);
	free(sc);
}
