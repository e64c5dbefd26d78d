/* Key derivation for key slots: PBKDF2 (OpenSSL) and Argon2 (libargon2,
 * version 0x13, no secret or associated data, as cryptsetup). */
#include "luks/luks_int.h"

#include <argon2.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/error.h"

#define KDF_ARGON2_MIN_TIME	  4
#define KDF_ARGON2_MIN_MEMORY	  32	  /* KiB */
#define KDF_ARGON2_MAX_MEMORY	  4194304 /* KiB, cryptsetup's limit */
#define KDF_ARGON2_DEFAULT_MEMORY 1048576 /* KiB */
#define KDF_ARGON2_MAX_CPUS	  4
#define PBKDF2_MIN_ITERATIONS	  1000

int random_bytes(uint8_t *buf, size_t len)
{
	if (RAND_bytes(buf, (int)len) != 1)
		return err_set(EIO, "cannot get random bytes");
	return 0;
}

bool hash_known(const char *hash, size_t min_size)
{
	EVP_MD *md = EVP_MD_fetch(NULL, hash, NULL);
	bool ok = md && (size_t)EVP_MD_get_size(md) >= min_size;

	EVP_MD_free(md);
	return ok;
}

int pbkdf2(const char *hash, const void *pass, size_t pass_len, const uint8_t *salt,
	   size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len)
{
	EVP_MD *md = EVP_MD_fetch(NULL, hash, NULL);
	int ok;

	if (!md)
		return err_set(EINVAL, "unknown hash '%s'", hash);
	ok = PKCS5_PBKDF2_HMAC(pass, (int)pass_len, salt, (int)salt_len, (int)iterations, md,
			       (int)out_len, out);
	EVP_MD_free(md);
	return ok ? 0 : err_set(EIO, "pbkdf2 with '%s' failed", hash);
}

static int kdf_argon2_type(const char *name, argon2_type *type)
{
	if (!strcmp(name, "argon2i"))
		*type = Argon2_i;
	else if (!strcmp(name, "argon2id"))
		*type = Argon2_id;
	else
		return -EINVAL;
	return 0;
}

int kdf_derive(const struct luks_kdf *kdf, const char *pass, size_t pass_len, uint8_t *out,
	       size_t out_len)
{
	argon2_type type;
	int r;

	if (!strcmp(kdf->type, "pbkdf2"))
		return pbkdf2(kdf->hash, pass, pass_len, kdf->salt, kdf->salt_len, kdf->iterations,
			      out, out_len);
	if (kdf_argon2_type(kdf->type, &type))
		return err_set(EINVAL, "unsupported kdf '%s'", kdf->type);
	r = argon2_hash(kdf->iterations, kdf->memory, kdf->cpus, pass, pass_len, kdf->salt,
			kdf->salt_len, out, out_len, NULL, 0, type, ARGON2_VERSION_13);
	if (r != ARGON2_OK)
		return err_set(r == ARGON2_MEMORY_ALLOCATION_ERROR ? ENOMEM : EINVAL,
			       "%s failed: %s", kdf->type, argon2_error_message(r));
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

uint32_t pbkdf2_benchmark(const char *hash, uint32_t ms)
{
	static const uint8_t salt[32];
	uint8_t out[32];
	uint32_t iters = 1 << 14;
	double t0, spent;

	/* Grow the sample until it takes long enough to time reliably. */
	for (;;) {
		t0 = now_ms();
		if (pbkdf2(hash, "benchmark", 9, salt, sizeof(salt), iters, out, sizeof(out)))
			return PBKDF2_MIN_ITERATIONS;
		spent = now_ms() - t0;
		if (spent > 50 || iters >= 1u << 28)
			break;
		iters *= 4;
	}
	double want = iters * (ms / (spent > 0 ? spent : 1));
	if (want < PBKDF2_MIN_ITERATIONS)
		return PBKDF2_MIN_ITERATIONS;
	return want > 4e9 ? 4000000000u : (uint32_t)want;
}

/* Time cost that makes argon2 last `ms` at the chosen memory and cpus,
 * from one run at the minimum time cost. */
static uint32_t argon2_benchmark(struct luks_kdf *kdf, uint32_t ms)
{
	uint8_t out[32];
	double t0, spent;

	kdf->iterations = KDF_ARGON2_MIN_TIME;
	t0 = now_ms();
	if (kdf_derive(kdf, "benchmark", 9, out, sizeof(out)))
		return KDF_ARGON2_MIN_TIME;
	spent = now_ms() - t0;
	double want = KDF_ARGON2_MIN_TIME * (ms / (spent > 0 ? spent : 1));
	return want < KDF_ARGON2_MIN_TIME ? KDF_ARGON2_MIN_TIME
	       : want > 1e6		  ? 1000000u
					  : (uint32_t)want;
}

int kdf_prepare(const struct luks_pbkdf *req, uint32_t key_size, struct luks_kdf *kdf)
{
	argon2_type type;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(kdf, 0, sizeof(*kdf));
	snprintf(kdf->type, sizeof(kdf->type), "%s", req->type[0] ? req->type : "argon2id");
	kdf->salt_len = 32;
	if (random_bytes(kdf->salt, kdf->salt_len))
		return -EIO;
	if (!strcmp(kdf->type, "pbkdf2")) {
		snprintf(kdf->hash, sizeof(kdf->hash), "%s", req->hash[0] ? req->hash : "sha256");
		if (!hash_known(kdf->hash, 20))
			return err_set(EINVAL, "unknown hash '%s'", kdf->hash);
		kdf->iterations = req->iterations ? req->iterations
						  : pbkdf2_benchmark(kdf->hash, req->iter_time_ms);
		if (kdf->iterations < PBKDF2_MIN_ITERATIONS)
			return err_set(EINVAL, "pbkdf2 needs at least %d iterations",
				       PBKDF2_MIN_ITERATIONS);
		return 0;
	}
	if (kdf_argon2_type(kdf->type, &type))
		return err_set(EINVAL, "unsupported pbkdf '%s'", kdf->type);
	kdf->memory = req->memory ? req->memory : KDF_ARGON2_DEFAULT_MEMORY;
	if (kdf->memory < KDF_ARGON2_MIN_MEMORY || kdf->memory > KDF_ARGON2_MAX_MEMORY)
		return err_set(EINVAL, "argon2 memory %u KiB out of range", kdf->memory);
	kdf->cpus = req->cpus ? req->cpus
			      : (cpus > KDF_ARGON2_MAX_CPUS ? KDF_ARGON2_MAX_CPUS : (uint32_t)cpus);
	if (kdf->cpus < 1)
		kdf->cpus = 1;
	if (req->iterations) {
		if (req->iterations < KDF_ARGON2_MIN_TIME)
			return err_set(EINVAL, "argon2 needs at least %d iterations",
				       KDF_ARGON2_MIN_TIME);
		kdf->iterations = req->iterations;
	} else {
		kdf->iterations = argon2_benchmark(kdf, req->iter_time_ms);
	}
	(void)key_size;
	return 0;
}

uint32_t luks_pbkdf2_speed(const char *hash)
{
	return pbkdf2_benchmark(hash, 1000);
}
