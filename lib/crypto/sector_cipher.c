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
	EVP_CIPHER_CTX *xts_data;  /* xts: ECB with the first key half */
	EVP_CIPHER_CTX *xts_tweak; /* xts: ECB encrypting with the second half */
	struct cipher_ctx *next;
};

struct sector_cipher {
	struct cipher_spec spec;
	bool null_cipher; /* cipher_null: data passes unchanged */
	EVP_CIPHER *evp;
	EVP_CIPHER *xts_ecb; /* aes xts: the ECB cipher of one key half */
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
	EVP_CIPHER_CTX_free(c->xts_data);
	EVP_CIPHER_CTX_free(c->xts_tweak);
	free(c);
}

static EVP_CIPHER_CTX *ecb_new(const EVP_CIPHER *ecb, const uint8_t *key, bool encrypt)
{
	EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();

	if (e && EVP_CipherInit_ex(e, ecb, NULL, key, NULL, encrypt)) {
		EVP_CIPHER_CTX_set_padding(e, 0);
		return e;
	}
	EVP_CIPHER_CTX_free(e);
	return NULL;
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
	if (sc->xts_ecb) {
		c->xts_data = ecb_new(sc->xts_ecb, sc->key, encrypt);
		c->xts_tweak = ecb_new(sc->xts_ecb, sc->key + sc->key_len / 2, true);
		if (!c->xts_data || !c->xts_tweak)
			goto fail;
	}
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

/* XTS (IEEE 1619) by hand over ECB, for aes-xts. OpenSSL's XTS takes
 * one unit per call and needs a cipher re-init for each unit's IV, which
 * costs more than encrypting a 512-byte sector; ECB takes a whole chunk
 * of units per call. Unit k: T = E_K2(IV_k); block j of it is
 * E_K1(P xor T_j) xor T_j (decryption D_K1) with T_0 = T and T_j+1 =
 * T_j * x in GF(2^128), little-endian. Units are whole blocks, so no
 * ciphertext stealing. */
#define XTS_CHUNK 4096u
/* Larger units amortise OpenSSL's per-unit cost, and its XTS, which
 * makes the tweaks between AES rounds, is then the faster. */
#define XTS_BY_HAND_MAX_UNIT 1024u

/* A little-endian 64-bit word, as one load. */
static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

typedef uint64_t xts_block __attribute__((vector_size(16)));

static xts_block block_load(const uint8_t *p)
{
	xts_block v;

	memcpy(&v, p, 16);
	return v;
}

static xts_block tweak_block(uint64_t lo, uint64_t hi)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (xts_block){__builtin_bswap64(lo), __builtin_bswap64(hi)};
#else
	return (xts_block){lo, hi};
#endif
}

/* out = in xor T_j for every block, keeping each T_j in `tw` for the
 * second xor; each unit's first 16 bytes of `tw` hold E_K2(IV) on entry. */
static void xts_whiten_in(uint8_t *tw, const uint8_t *in, uint8_t *out, size_t len, unsigned unit)
{
	for (size_t u = 0; u < len; u += unit) {
		uint64_t lo = load_le64(tw + u), hi = load_le64(tw + u + 8);

		for (size_t b = u; b < u + unit; b += 16) {
			xts_block t;
			uint64_t carry;

			/* Made in registers: reloading the two halves just stored
			 * as one block stalls the load. */
			t = tweak_block(lo, hi);
			memcpy(tw + b, &t, 16);
			t ^= block_load(in + b);
			memcpy(out + b, &t, 16);
			carry = hi >> 63;
			hi = hi << 1 | lo >> 63;
			lo = lo << 1 ^ (0x87 & (0 - carry));
		}
	}
}

static void xts_whiten_out(const uint8_t *tw, const uint8_t *in, uint8_t *out, size_t len)
{
	for (size_t b = 0; b < len; b += 16) {
		xts_block t = block_load(tw + b) ^ block_load(in + b);

		memcpy(out + b, &t, 16);
	}
}

/* `len` bytes (whole units, at most XTS_CHUNK) with the tweak and
 * scratch buffers `tw` and `tmp` of that size. */
static int xts_chunk(struct sector_cipher *sc, struct cipher_ctx *c, uint64_t iv_sector,
		     uint64_t iv_step, unsigned unit, const uint8_t *in, uint8_t *out, size_t len,
		     uint8_t *tw, uint8_t *tmp)
{
	uint8_t ivs[XTS_CHUNK / 512 * 16];
	size_t units = len / unit;
	int outl;

	/* Every unit's IV encrypted with K2 in one call, then each set at its
	 * unit's start to seed that unit's tweaks. */
	for (size_t u = 0; u < units; u++, iv_sector += iv_step)
		if (make_iv(sc, c, iv_sector, ivs + 16 * u))
			return -EIO;
	if (!EVP_EncryptUpdate(c->xts_tweak, ivs, &outl, ivs, (int)(16 * units)))
		return -EIO;
	for (size_t u = 0; u < units; u++)
		memcpy(tw + u * unit, ivs + 16 * u, 16);
	OPENSSL_cleanse(ivs, 16 * units);
	/* The middle steps stay in `tmp`, in the L1 cache with `tw`: `out`
	 * is written once, at the end. */
	xts_whiten_in(tw, in, tmp, len, unit);
	if (!EVP_CipherUpdate(c->xts_data, tmp, &outl, tmp, (int)len) || outl != (int)len)
		return -EIO;
	xts_whiten_out(tw, tmp, out, len);
	return 0;
}

static int xts_run(struct sector_cipher *sc, struct cipher_ctx *c, uint64_t iv_sector,
		   uint64_t iv_step, unsigned unit, const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t tw[XTS_CHUNK], tmp[XTS_CHUNK];
	size_t step = unit > XTS_CHUNK ? unit : XTS_CHUNK / unit * unit;
	int r = 0;

	if (unit > XTS_CHUNK || unit < 512)
		return -EINVAL;
	for (size_t done = 0; done < len && !r; done += step) {
		size_t n = len - done < step ? len - done : step;

		r = xts_chunk(sc, c, iv_sector, iv_step, unit, in + done, out + done, n, tw, tmp);
		iv_sector += n / unit * iv_step;
	}
	/* The tweaks are key-derived; tmp holds whitened plaintext. */
	OPENSSL_cleanse(tw, sizeof(tw));
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return r;
}

/* One OpenSSL call per unit, with the unit's IV. */
static int units_run(struct sector_cipher *sc, struct cipher_ctx *c, uint64_t iv_sector,
		     uint64_t iv_step, unsigned unit, const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t iv[IV_MAX];
	int r = 0, outl;

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
	return r;
}

int sector_cipher_run(struct sector_cipher *sc, bool encrypt, uint64_t iv_sector, uint64_t iv_step,
		      unsigned unit, const uint8_t *in, uint8_t *out, size_t len)
{
	struct cipher_ctx *c;
	int r;

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
	if (c->xts_data && unit <= XTS_BY_HAND_MAX_UNIT)
		r = xts_run(sc, c, iv_sector, iv_step, unit, in, out, len);
	else
		r = units_run(sc, c, iv_sector, iv_step, unit, in, out, len);
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
	if (!strcmp(sc->spec.chainmode, "xts")) {
		evp_name(name, sizeof(name), sc->spec.cipher, "ecb", sc->key_len / 2);
		sc->xts_ecb = EVP_CIPHER_fetch(NULL, name, NULL);
	}
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
	EVP_CIPHER_free(sc->xts_ecb);
	EVP_CIPHER_free(sc->essiv_evp);
	EVP_MD_free(sc->essiv_md);
	pthread_mutex_destroy(&sc->lock);
	free(sc);
}
