/* Adding and removing key slots, formatting a volume and the crypt table
 * of an unlocked one. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/sector_cipher.h"
#include "util/error.h"
#include "util/strbuf.h"

#define LUKS2_HDR_SIZE	     16384u
#define LUKS2_DATA_OFFSET    (16ull << 20)
#define LUKS2_AREA_ALIGN     4096u
#define LUKS_DIGEST_MIN_ITER 1000u
#define LUKS_DIGEST_MS	     125u

void luks_random_uuid(char out[37])
{
	uint8_t u[16];

	if (random_bytes(u, sizeof(u)))
		memset(u, 0, sizeof(u));
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

/* LUKS2: the lowest free stretch of the keyslots area that fits `size`. */
static int luks2_find_area(const struct luks_hdr *hdr, uint64_t size, uint64_t *out)
{
	uint64_t lo = 2 * hdr->hdr_size, hi = lo + hdr->keyslots_size, cand = lo;
	bool moved = true;

	while (moved) {
		moved = false;
		for (unsigned i = 0; i < hdr->nslots; i++) {
			const struct luks_keyslot *o = &hdr->slot[i];
			if (o->active && cand < o->offset + o->size && o->offset < cand + size) {
				cand = (o->offset + o->size + LUKS2_AREA_ALIGN - 1) /
				       LUKS2_AREA_ALIGN * LUKS2_AREA_ALIGN;
				moved = true;
			}
		}
	}
	if (cand + size > hi)
		return err_set(ENOSPC, "no space left in the luks2 keyslots area");
	*out = cand;
	return 0;
}

/* Fills slot `slot` for a new passphrase (not yet active). */
static int slot_prepare(struct luks_hdr *hdr, int slot, const struct luks_pbkdf *pbkdf)
{
	struct luks_keyslot *ks = &hdr->slot[slot];
	struct luks_pbkdf req = *pbkdf;

	if (hdr->version == 1) {
		/* LUKS1 knows PBKDF2 with the header's hash only. */
		snprintf(req.type, sizeof(req.type), "pbkdf2");
		snprintf(req.hash, sizeof(req.hash), "%s", hdr->hash);
		return kdf_prepare(&req, hdr->key_size, &ks->kdf);
	}
	memset(ks, 0, sizeof(*ks));
	ks->key_size = ks->area_key_size = hdr->key_size;
	ks->stripes = LUKS_STRIPES;
	ks->priority = 1;
	ks->digest = 0;
	snprintf(ks->cipher, sizeof(ks->cipher), "%s", hdr->cipher);
	snprintf(ks->af_hash, sizeof(ks->af_hash), "%s", hdr->hash);
	ks->size = (luks_af_bytes(ks->key_size, ks->stripes) + LUKS2_AREA_ALIGN - 1) /
		   LUKS2_AREA_ALIGN * LUKS2_AREA_ALIGN;
	if (luks2_find_area(hdr, ks->size, &ks->offset))
		return -ENOSPC;
	return kdf_prepare(&req, hdr->key_size, &ks->kdf);
}

/* Derives the slot key and writes the key material (header not written). */
static int slot_store(int fd, struct luks_hdr *hdr, int slot, const uint8_t *key, const char *pass,
		      size_t pass_len, const struct luks_pbkdf *pbkdf)
{
	struct luks_keyslot *ks = &hdr->slot[slot];
	uint8_t *dk;
	int r = slot_prepare(hdr, slot, pbkdf);

	if (r)
		return r;
	dk = secure_alloc(ks->area_key_size);
	if (!dk)
		return err_set(ENOMEM, "out of memory");
	r = kdf_derive(&ks->kdf, pass, pass_len, dk, ks->area_key_size);
	if (!r)
		r = keyslot_write_key(fd, ks, dk, key);
	secure_free(dk, ks->area_key_size);
	if (r)
		return r;
	ks->active = true;
	return hdr->version == 2 ? luks2_json_set_slot(hdr, slot) : 0;
}

int luks_add_key(int fd, struct luks_hdr *hdr, int slot, const uint8_t *key, const char *pass,
		 size_t pass_len, const struct luks_pbkdf *pbkdf)
{
	int r;

	if (slot < 0) {
		for (slot = 0; slot < (int)hdr->nslots && hdr->slot[slot].active; slot++)
			;
		if (slot == (int)hdr->nslots)
			return err_set(ENOSPC, "all key slots full");
	} else if (slot >= (int)hdr->nslots) {
		return err_set(EINVAL, "key slot %d is invalid", slot);
	} else if (hdr->slot[slot].active) {
		return err_set(EEXIST, "key slot %d is full, please select another one", slot);
	}
	r = slot_store(fd, hdr, slot, key, pass, pass_len, pbkdf);
	if (!r)
		r = luks_write(fd, hdr);
	return r ? r : slot;
}

int luks_kill_slot(int fd, struct luks_hdr *hdr, int slot)
{
	int r;

	if (slot < 0 || slot >= (int)hdr->nslots)
		return err_set(EINVAL, "key slot %d is invalid", slot);
	if (!hdr->slot[slot].active)
		return err_set(ENOENT, "keyslot %d is not active", slot);
	r = keyslot_wipe(fd, &hdr->slot[slot]);
	if (r)
		return r;
	hdr->slot[slot].active = false;
	if (hdr->version == 2)
		luks2_json_kill_slot(hdr, slot);
	return luks_write(fd, hdr);
}

static int digest_make(struct luks_hdr *hdr, const uint8_t *key, bool forced)
{
	struct luks_digest *d = &hdr->digest[0];
	EVP_MD *md = EVP_MD_fetch(NULL, hdr->hash, NULL);

	if (!md || EVP_MD_get_size(md) < 20) {
		EVP_MD_free(md);
		return err_set(EINVAL, "hash '%s' is unknown or too short", hdr->hash);
	}
	hdr->ndigests = 1;
	d->id = 0;
	snprintf(d->hash, sizeof(d->hash), "%s", hdr->hash);
	/* LUKS1's digest field holds 20 bytes; LUKS2 stores the full hash. */
	d->len = hdr->version == 1 ? 20 : (size_t)EVP_MD_get_size(md);
	EVP_MD_free(md);
	d->salt_len = 32;
	d->iterations = forced ? LUKS_DIGEST_MIN_ITER : pbkdf2_benchmark(hdr->hash, LUKS_DIGEST_MS);
	if (random_bytes(d->salt, d->salt_len))
		return -EIO;
	return pbkdf2(d->hash, key, hdr->key_size, d->salt, d->salt_len, d->iterations, d->value,
		      d->len);
}

static int format_layout(struct luks_hdr *hdr, uint64_t dev_size, uint32_t sector_size)
{
	if (hdr->version == 1) {
		luks1_layout(hdr);
		hdr->sector_size = 512;
	} else {
		hdr->hdr_size = LUKS2_HDR_SIZE;
		hdr->keyslots_size = LUKS2_DATA_OFFSET - 2 * LUKS2_HDR_SIZE;
		hdr->data_offset = LUKS2_DATA_OFFSET;
		hdr->nslots = LUKS_SLOTS_MAX;
		snprintf(hdr->checksum_alg, sizeof(hdr->checksum_alg), "sha256");
		for (int i = 0; i < LUKS_SLOTS_MAX; i++)
			hdr->slot[i].digest = -1;
		/* As cryptsetup on an image file: 4096-byte sectors when the
		 * data area allows them. */
		hdr->sector_size =
		    sector_size ? sector_size
		    : dev_size > hdr->data_offset && (dev_size - hdr->data_offset) % 4096 == 0
			? 4096
			: 512;
	}
	if (dev_size <= hdr->data_offset)
		return err_set(ENOSPC,
			       "device is too small for a luks%d header (%llu bytes needed)",
			       hdr->version, (unsigned long long)hdr->data_offset + 512);
	if (hdr->sector_size < 512 || hdr->sector_size > 4096 ||
	    (hdr->sector_size & (hdr->sector_size - 1)))
		return err_set(EINVAL, "unsupported sector size %u", hdr->sector_size);
	return 0;
}

/* Zeros over the metadata, so no stale header or key material is left. */
static int wipe_metadata(int fd, uint64_t end)
{
	static const uint8_t zeros[65536];
	int r = 0;

	for (uint64_t off = 0; off < end && !r; off += sizeof(zeros))
		r = pwrite_full(fd, zeros, end - off < sizeof(zeros) ? end - off : sizeof(zeros),
				off);
	return r;
}

int luks_format(int fd, uint64_t dev_size, const struct luks_format_params *p, const char *pass,
		size_t pass_len, struct luks_hdr *hdr)
{
	struct cipher_spec spec;
	struct sector_cipher *sc;
	char why[160];
	uint8_t *key = NULL;
	int r;

	memset(hdr, 0, sizeof(*hdr));
	hdr->version = p->version;
	hdr->key_size = p->key_size;
	snprintf(hdr->cipher, sizeof(hdr->cipher), "%s", p->cipher);
	snprintf(hdr->hash, sizeof(hdr->hash), "%s", p->hash[0] ? p->hash : "sha256");
	snprintf(hdr->label, sizeof(hdr->label), "%s", p->label ? p->label : "");
	if (p->uuid)
		snprintf(hdr->uuid, sizeof(hdr->uuid), "%s", p->uuid);
	else
		luks_random_uuid(hdr->uuid);
	if (!hdr->key_size || hdr->key_size > LUKS_KEY_MAX)
		return err_set(EINVAL, "invalid key size %u bits", hdr->key_size * 8);
	r = format_layout(hdr, dev_size, p->sector_size);
	if (r)
		return r;
	key = secure_alloc(hdr->key_size);
	if (!key)
		return err_set(ENOMEM, "out of memory");
	r = random_bytes(key, hdr->key_size);
	/* The data cipher must work with this key before anything is written. */
	if (!r && (cipher_spec_parse(hdr->cipher, &spec, why, sizeof(why)) ||
		   sector_cipher_new(&spec, key, hdr->key_size, &sc, why, sizeof(why))))
		r = err_set(EINVAL, "cipher '%s': %s", hdr->cipher, why);
	else if (!r)
		sector_cipher_free(sc);
	if (!r)
		r = digest_make(hdr, key, p->pbkdf.iterations != 0);
	if (!r && hdr->version == 2)
		r = luks2_json_build(hdr);
	if (!r)
		r = wipe_metadata(fd, hdr->data_offset);
	if (!r)
		r = slot_store(fd, hdr, 0, key, pass, pass_len, &p->pbkdf);
	if (!r)
		r = luks_write(fd, hdr);
	secure_free(key, hdr->key_size);
	return r;
}

char *luks_table(const struct luks_hdr *hdr, const uint8_t *key, const char *dev, uint64_t dev_size,
		 unsigned extra_flags)
{
	static const char *const names[] = {"allow_discards", "same_cpu_crypt",
					    "submit_from_crypt_cpus", "no_read_workqueue",
					    "no_write_workqueue"};
	unsigned flags = hdr->flags | extra_flags, n = 0;
	uint64_t bytes = hdr->data_size;
	struct strbuf sb = STRBUF_INIT;

	if (!bytes)
		bytes = dev_size > hdr->data_offset ? dev_size - hdr->data_offset : 0;
	bytes -= bytes % hdr->sector_size;
	if (!bytes) {
		err_set(ENOSPC, "device '%s' has no room for data", dev);
		return NULL;
	}
	sb_printf(&sb, "0 %llu crypt %s ", (unsigned long long)(bytes / 512), hdr->cipher);
	for (uint32_t i = 0; i < hdr->key_size; i++)
		sb_printf(&sb, "%02x", key[i]);
	sb_printf(&sb, " %llu %s %llu", (unsigned long long)hdr->iv_tweak, dev,
		  (unsigned long long)(hdr->data_offset / 512));
	for (unsigned i = 0; i < 5; i++)
		n += !!(flags & (1u << i));
	n += hdr->sector_size != 512;
	if (n)
		sb_printf(&sb, " %u", n);
	for (unsigned i = 0; i < 5; i++)
		if (flags & (1u << i))
			sb_printf(&sb, " %s", names[i]);
	if (hdr->sector_size != 512)
		sb_printf(&sb, " sector_size:%u", hdr->sector_size);
	return sb_detach(&sb);
}

/* LUKS2: the new material goes to a fresh area (the old one is held by a
 * spare slot entry meanwhile) and the old area is wiped only once the
 * header points at the new one. */
static int luks2_change_key(int fd, struct luks_hdr *hdr, int slot, const uint8_t *key,
			    const char *pass, size_t pass_len, const struct luks_pbkdf *pbkdf)
{
	struct luks_keyslot old = hdr->slot[slot];
	int spare, r;

	for (spare = 0; spare < (int)hdr->nslots && hdr->slot[spare].active; spare++)
		;
	if (spare == (int)hdr->nslots)
		return err_set(ENOSPC, "all key slots full");
	hdr->slot[spare] = old;
	r = slot_store(fd, hdr, slot, key, pass, pass_len, pbkdf);
	memset(&hdr->slot[spare], 0, sizeof(hdr->slot[spare]));
	hdr->slot[spare].digest = -1;
	if (r) {
		hdr->slot[slot] = old;
		return r;
	}
	r = luks_write(fd, hdr);
	if (!r)
		r = keyslot_wipe(fd, &old);
	return r ? r : slot;
}

int luks_change_key(int fd, struct luks_hdr *hdr, int slot, const uint8_t *key, const char *pass,
		    size_t pass_len, const struct luks_pbkdf *pbkdf)
{
	int n, r;

	if (slot < 0 || slot >= (int)hdr->nslots || !hdr->slot[slot].active)
		return err_set(ENOENT, "keyslot %d is not active", slot);
	if (hdr->version == 2)
		return luks2_change_key(fd, hdr, slot, key, pass, pass_len, pbkdf);
	/* LUKS1 slots have fixed places: use a free one, then kill the old
	 * one; with all full the old slot is replaced in place. */
	for (n = 0; n < (int)hdr->nslots && hdr->slot[n].active; n++)
		;
	if (n == (int)hdr->nslots) {
		r = luks_kill_slot(fd, hdr, slot);
		return r ? r : luks_add_key(fd, hdr, slot, key, pass, pass_len, pbkdf);
	}
	r = luks_add_key(fd, hdr, n, key, pass, pass_len, pbkdf);
	if (r >= 0)
		r = luks_kill_slot(fd, hdr, slot);
	return r ? r : n;
}
