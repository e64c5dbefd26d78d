/* Sector-by-sector encryption as dm-crypt does it, over OpenSSL.
 *
 * A sector_cipher holds one volume key (in locked memory, wiped on free)
 * and the OpenSSL state made from it. Data is processed in units of
 * `unit` bytes (512...4096); unit k of a run gets the IV of sector
 * `iv_sector + k * iv_step` (dm-crypt's numbering, docs/formats.md §6.1).
 * sector_cipher_run() may be called from many threads at once: each call
 * borrows a cipher context from a small pool.
 */
#ifndef ULVM_CRYPTO_SECTOR_CIPHER_H
#define ULVM_CRYPTO_SECTOR_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher_spec.h"

struct sector_cipher;

/* Makes a cipher for `spec` keyed with key[0..key_len). Returns 0 and
 * *out (owned by the caller, sector_cipher_free), or -EINVAL/-ENOMEM with
 * the reason in `why` (never containing key bytes). */
int sector_cipher_new(const struct cipher_spec *spec, const uint8_t *key, size_t key_len,
		      struct sector_cipher **out, char *why, size_t why_size);

/* Replaces the key (same length) or, with key NULL, wipes it: runs fail
 * with -ENOKEY until a key is set again. Not concurrent with runs. */
int sector_cipher_set_key(struct sector_cipher *sc, const uint8_t *key, size_t key_len);
bool sector_cipher_has_key(const struct sector_cipher *sc);

/* The key as it was given (key_len bytes, locked memory). */
const uint8_t *sector_cipher_key(const struct sector_cipher *sc);
size_t sector_cipher_key_len(const struct sector_cipher *sc);

/* Encrypts (or decrypts) `len` bytes, a multiple of `unit`, from `in` to
 * `out` (which may be `in`). Returns 0, -ENOKEY after a wipe, or -EIO when
 * OpenSSL fails. */
int sector_cipher_run(struct sector_cipher *sc, bool encrypt, uint64_t iv_sector, uint64_t iv_step,
		      unsigned unit, const uint8_t *in, uint8_t *out, size_t len);

/* Wipes the key and frees everything; NULL is a no-op. */
void sector_cipher_free(struct sector_cipher *sc);

/* Locked, wiped-on-free memory for key material (whole pages, mlock'ed
 * when the limit allows). Returns NULL on failure. */
void *secure_alloc(size_t size);
void secure_free(void *p, size_t size);

#endif
