/* dm-crypt cipher specifications: the first word of a crypt table line and
 * the `encryption` strings of LUKS ("aes-xts-plain64", "aes-cbc-essiv:sha256",
 * "capi:xts(aes)-plain64"). Shared by ulvmd's crypt target and the LUKS
 * code, so a LUKS volume opens with exactly the cipher its keyslots use. */
#ifndef ULVM_CRYPTO_CIPHER_SPEC_H
#define ULVM_CRYPTO_CIPHER_SPEC_H

#include <stddef.h>

/* How the per-unit IV is made (docs/formats.md §6.1). */
enum iv_mode {
	IV_NONE,      /* no IV (ecb) */
	IV_PLAIN,     /* LE32 of the sector */
	IV_PLAIN64,   /* LE64 of the sector */
	IV_PLAIN64BE, /* BE64 of the sector in the last 8 bytes */
	IV_ESSIV,     /* sector encrypted under hash(key) */
	IV_BENBI,     /* BE64 narrow-block count from 1 in the last 8 bytes */
	IV_NULL,      /* all zero */
};

#define CIPHER_NAME_MAX 32

struct cipher_spec {
	char cipher[CIPHER_NAME_MAX];	 /* block cipher: "aes", "cipher_null" */
	char chainmode[CIPHER_NAME_MAX]; /* "xts", "cbc", "ecb", "ctr" */
	enum iv_mode ivmode;
	char ivopts[CIPHER_NAME_MAX]; /* essiv: the hash ("sha256") */
};

/* Parses `text` as the kernel does: cipher[:keycount]-chainmode-ivmode[:ivopts],
 * a bare "cipher" meaning cipher-cbc-plain, or capi:chainmode(cipher)-ivmode[:ivopts].
 * Returns 0, or -EINVAL with a message naming the unsupported or malformed
 * part in `why` (lowercase, culprit in quotes). Says nothing about whether
 * OpenSSL has the cipher: sector_cipher_new() checks that. */
int cipher_spec_parse(const char *text, struct cipher_spec *spec, char *why, size_t why_size);

/* The name of an IV mode as written in a spec ("plain64"). */
const char *iv_mode_name(enum iv_mode mode);

#endif
