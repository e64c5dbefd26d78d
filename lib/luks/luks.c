/* LUKS volumes of either version: loading, unlocking, key slots, format
 * and the crypt table that opens the data. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/sector_cipher.h"
#include "util/error.h"

const uint8_t luks_magic[LUKS_MAGIC_LEN] = {'L', 'U', 'K', 'S', 0xba, 0xbe};
const uint8_t luks2_magic2[LUKS_MAGIC_LEN] = {'S', 'K', 'U', 'L', 0xba, 0xbe};

int luks_load(int fd, const char *path, struct luks_hdr *hdr)
{
	uint8_t b[8];
	int r = pread_full(fd, b, sizeof(b), 0);

	memset(hdr, 0, sizeof(*hdr));
	if (r)
		return r;
	if (!memcmp(b, luks_magic, LUKS_MAGIC_LEN) && b[6] == 0 && b[7] == 1)
		r = luks1_read(fd, hdr);
	else
		r = luks2_read(fd, hdr);
	if (r && memcmp(b, luks_magic, LUKS_MAGIC_LEN))
		r = err_set(EINVAL, "device '%s' is not a valid luks device", path);
	else if (r)
		err_prefix("device '%s'", path);
	return r;
}

int luks_write(int fd, struct luks_hdr *hdr)
{
	return hdr->version == 1 ? luks1_write(fd, hdr) : luks2_write(fd, hdr);
}

void luks_hdr_release(struct luks_hdr *hdr)
{
	json_object_put(hdr->json);
	hdr->json = NULL;
	OPENSSL_cleanse(hdr, sizeof(*hdr));
}

static const struct luks_digest *slot_digest(const struct luks_hdr *hdr, int slot)
{
	int d = hdr->version == 1 ? 0 : hdr->slot[slot].digest;

	return d >= 0 && (unsigned)d < hdr->ndigests ? &hdr->digest[d] : NULL;
}

bool luks_key_matches(const struct luks_hdr *hdr, const uint8_t *key, int slot)
{
	const struct luks_digest *d = slot >= 0 ? slot_digest(hdr, slot) : &hdr->digest[0];
	uint8_t out[LUKS_SALT_MAX];
	bool ok;

	if (!d || !d->len ||
	    pbkdf2(d->hash, key, hdr->key_size, d->salt, d->salt_len, d->iterations, out, d->len))
		return false;
	ok = !CRYPTO_memcmp(out, d->value, d->len);
	OPENSSL_cleanse(out, sizeof(out));
	return ok;
}

/* One slot: derive, decrypt, merge, check. 0 = match, -EPERM = no match. */
static int try_slot(int fd, const struct luks_hdr *hdr, int slot, const char *pass, size_t pass_len,
		    uint8_t *key)
{
	const struct luks_keyslot *ks = &hdr->slot[slot];
	uint8_t *dk = secure_alloc(ks->area_key_size);
	int r;

	if (!dk)
		return err_set(ENOMEM, "out of memory");
	r = kdf_derive(&ks->kdf, pass, pass_len, dk, ks->area_key_size);
	if (!r)
		r = keyslot_read_key(fd, ks, dk, key);
	if (!r && !luks_key_matches(hdr, key, slot))
		r = -EPERM;
	secure_free(dk, ks->area_key_size);
	return r;
}

int luks_unlock(int fd, const struct luks_hdr *hdr, int slot, const char *pass, size_t pass_len,
		uint8_t **key_out)
{
	uint8_t *key = secure_alloc(hdr->key_size);
	int r = -EPERM, found = -1;

	if (!key)
		return err_set(ENOMEM, "out of memory");
	if (slot >= 0 && ((unsigned)slot >= hdr->nslots || !hdr->slot[slot].active)) {
		secure_free(key, hdr->key_size);
		return err_set(ENOENT, "keyslot %d is not active", slot);
	}
	/* High priority slots first, then normal ones; priority 0 only when
	 * asked for by number. */
	for (int prio = 2; prio >= 1 && found < 0; prio--) {
		for (int i = 0; i < (int)hdr->nslots && found < 0; i++) {
			const struct luks_keyslot *ks = &hdr->slot[i];
			if (!ks->active ||
			    (slot >= 0 ? i != slot || prio != 2 : ks->priority != prio))
				continue;
			r = try_slot(fd, hdr, i, pass, pass_len, key);
			if (!r)
				found = i;
			else if (r != -EPERM && r != -EINVAL)
				break;
		}
		if (r && r != -EPERM && r != -EINVAL)
			break;
	}
	if (found < 0) {
		secure_free(key, hdr->key_size);
		if (r == -EPERM || r == -EINVAL)
			return err_set(EPERM, "no key available with this passphrase");
		return r;
	}
	*key_out = key;
	return found;
}
