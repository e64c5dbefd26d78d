/* The LUKS1 header: 592 meaningful bytes at offset 0, big-endian, eight
 * key slots whose material follows the header (docs/formats.md §6.2). */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/cipher_spec.h"
#include "util/error.h"

#define LUKS1_HDR_SIZE	     592
#define LUKS1_SLOT_ENABLED   0x00AC71F3u
#define LUKS1_SLOT_DISABLED  0x0000DEADu
#define LUKS1_DIGEST_SIZE    20
#define LUKS1_SALT_SIZE	     32
#define LUKS1_ALIGN_SECTORS  8	  /* key material starts on 4 KiB boundaries */
#define LUKS1_DATA_ALIGNMENT 2048 /* default payload alignment: 1 MiB */

/* Field offsets of the on-disk header. */
enum {
	L1_MAGIC = 0,
	L1_VERSION = 6,
	L1_CIPHER_NAME = 8,
	L1_CIPHER_MODE = 40,
	L1_HASH = 72,
	L1_PAYLOAD = 104,
	L1_KEY_BYTES = 108,
	L1_MK_DIGEST = 112,
	L1_MK_SALT = 132,
	L1_MK_ITERATIONS = 164,
	L1_UUID = 168,
	L1_SLOTS = 208,
	L1_SLOT_SIZE = 48,
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A NUL-terminated string field; fails when the field has no NUL. */
static int get_str(const uint8_t *p, size_t size, char *out, size_t out_size)
{
	size_t n = strnlen((const char *)p, size);

	if (n == size || n >= out_size)
		return -EINVAL;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int luks1_read_slot(struct luks_hdr *hdr, const uint8_t *p, int k)
{
	struct luks_keyslot *ks = &hdr->slot[k];
	uint32_t active = get_be32(p);

	if (active != LUKS1_SLOT_ENABLED && active != LUKS1_SLOT_DISABLED)
		return err_set(EINVAL, "luks1 keyslot %d has an invalid state", k);
	ks->active = active == LUKS1_SLOT_ENABLED;
	ks->priority = 1;
	snprintf(ks->kdf.type, sizeof(ks->kdf.type), "pbkdf2");
	snprintf(ks->kdf.hash, sizeof(ks->kdf.hash), "%s", hdr->hash);
	ks->kdf.iterations = get_be32(p + 4);
	memcpy(ks->kdf.salt, p + 8, LUKS1_SALT_SIZE);
	ks->kdf.salt_len = LUKS1_SALT_SIZE;
	ks->offset = (uint64_t)get_be32(p + 40) * 512;
	ks->stripes = get_be32(p + 44);
	snprintf(ks->cipher, sizeof(ks->cipher), "%s", hdr->cipher);
	ks->area_key_size = ks->key_size = hdr->key_size;
	snprintf(ks->af_hash, sizeof(ks->af_hash), "%s", hdr->hash);
	ks->digest = 0;
	if (ks->stripes != LUKS_STRIPES)
		return err_set(EINVAL, "luks1 keyslot %d has %u stripes", k, ks->stripes);
	ks->size = luks_af_bytes(ks->key_size, ks->stripes);
	if (ks->active && !ks->kdf.iterations)
		return err_set(EINVAL, "luks1 keyslot %d has no iterations", k);
	if (ks->offset < 2 * 512)
		return err_set(EINVAL, "luks1 keyslot %d overlaps the header", k);
	return 0;
}

/* Slots must not overlap each other nor the payload (unless the header is
 * detached, payloadOffset 0). */
static int luks1_check_layout(const struct luks_hdr *hdr)
{
	for (unsigned i = 0; i < LUKS1_SLOTS; i++) {
		const struct luks_keyslot *a = &hdr->slot[i];

		if (hdr->data_offset && a->offset + a->size > hdr->data_offset)
			return err_set(EINVAL, "luks1 keyslot %u overlaps the data", i);
		for (unsigned j = i + 1; j < LUKS1_SLOTS; j++) {
			const struct luks_keyslot *b = &hdr->slot[j];
			if (a->offset < b->offset + b->size && b->offset < a->offset + a->size)
				return err_set(EINVAL, "luks1 keyslots %u and %u overlap", i, j);
		}
	}
	return 0;
}

static int luks1_parse(const uint8_t *b, struct luks_hdr *hdr)
{
	char name[LUKS_NAME_MAX], mode[LUKS_NAME_MAX], why[160];
	struct cipher_spec spec;
	int r;

	if (get_str(b + L1_CIPHER_NAME, 32, name, sizeof(name)) ||
	    get_str(b + L1_CIPHER_MODE, 32, mode, sizeof(mode)) ||
	    get_str(b + L1_HASH, 32, hdr->hash, sizeof(hdr->hash)) ||
	    get_str(b + L1_UUID, 40, hdr->uuid, sizeof(hdr->uuid)))
		return err_set(EINVAL, "luks1 header has an unterminated string");
	snprintf(hdr->cipher, sizeof(hdr->cipher), "%s-%s", name, mode);
	if (cipher_spec_parse(hdr->cipher, &spec, why, sizeof(why)))
		return err_set(EINVAL, "luks1 cipher: %s", why);
	if (!hash_known(hdr->hash, LUKS1_DIGEST_SIZE))
		return err_set(EINVAL, "luks1 hash '%s' is unknown", hdr->hash);
	hdr->key_size = get_be32(b + L1_KEY_BYTES);
	if (!hdr->key_size || hdr->key_size > LUKS_KEY_MAX)
		return err_set(EINVAL, "luks1 key size %u is invalid", hdr->key_size);
	hdr->data_offset = (uint64_t)get_be32(b + L1_PAYLOAD) * 512;
	hdr->sector_size = 512;
	hdr->ndigests = 1;
	hdr->digest[0].id = 0;
	snprintf(hdr->digest[0].hash, sizeof(hdr->digest[0].hash), "%s", hdr->hash);
	memcpy(hdr->digest[0].value, b + L1_MK_DIGEST, LUKS1_DIGEST_SIZE);
	hdr->digest[0].len = LUKS1_DIGEST_SIZE;
	memcpy(hdr->digest[0].salt, b + L1_MK_SALT, LUKS1_SALT_SIZE);
	hdr->digest[0].salt_len = LUKS1_SALT_SIZE;
	hdr->digest[0].iterations = get_be32(b + L1_MK_ITERATIONS);
	if (!hdr->digest[0].iterations)
		return err_set(EINVAL, "luks1 digest has no iterations");
	hdr->nslots = LUKS1_SLOTS;
	for (int k = 0; k < LUKS1_SLOTS; k++) {
		r = luks1_read_slot(hdr, b + L1_SLOTS + L1_SLOT_SIZE * k, k);
		if (r)
			return r;
	}
	return luks1_check_layout(hdr);
}

int luks1_read(int fd, struct luks_hdr *hdr)
{
	uint8_t b[LUKS1_HDR_SIZE];
	int r = pread_full(fd, b, sizeof(b), 0);

	if (r)
		return r;
	if (memcmp(b, luks_magic, LUKS_MAGIC_LEN) || b[L1_VERSION] || b[L1_VERSION + 1] != 1)
		return err_set(EINVAL, "not a luks1 header");
	memset(hdr, 0, sizeof(*hdr));
	hdr->version = 1;
	return luks1_parse(b, hdr);
}

int luks1_write(int fd, const struct luks_hdr *hdr)
{
	uint8_t b[LUKS1_HDR_SIZE] = {0};
	const char *dash = strchr(hdr->cipher, '-');
	size_t name_len = dash ? (size_t)(dash - hdr->cipher) : strlen(hdr->cipher);

	if (name_len >= 32 || (dash && strlen(dash + 1) >= 32))
		return err_set(EINVAL, "cipher '%s' does not fit a luks1 header", hdr->cipher);
	memcpy(b, luks_magic, LUKS_MAGIC_LEN);
	b[L1_VERSION + 1] = 1;
	memcpy(b + L1_CIPHER_NAME, hdr->cipher, name_len);
	if (dash)
		memcpy(b + L1_CIPHER_MODE, dash + 1, strlen(dash + 1));
	memcpy(b + L1_HASH, hdr->hash, strlen(hdr->hash));
	put_be32(b + L1_PAYLOAD, (uint32_t)(hdr->data_offset / 512));
	put_be32(b + L1_KEY_BYTES, hdr->key_size);
	memcpy(b + L1_MK_DIGEST, hdr->digest[0].value, LUKS1_DIGEST_SIZE);
	memcpy(b + L1_MK_SALT, hdr->digest[0].salt, LUKS1_SALT_SIZE);
	put_be32(b + L1_MK_ITERATIONS, hdr->digest[0].iterations);
	memcpy(b + L1_UUID, hdr->uuid, strlen(hdr->uuid));
	for (int k = 0; k < LUKS1_SLOTS; k++) {
		const struct luks_keyslot *ks = &hdr->slot[k];
		uint8_t *p = b + L1_SLOTS + L1_SLOT_SIZE * k;

		put_be32(p, ks->active ? LUKS1_SLOT_ENABLED : LUKS1_SLOT_DISABLED);
		put_be32(p + 4, ks->active ? ks->kdf.iterations : 0);
		if (ks->active)
			memcpy(p + 8, ks->kdf.salt, LUKS1_SALT_SIZE);
		put_be32(p + 40, (uint32_t)(ks->offset / 512));
		put_be32(p + 44, ks->stripes);
	}
	return pwrite_full(fd, b, sizeof(b), 0);
}

/* Slot areas of a new header: slot 0 at sector 8, each next one at the
 * previous end rounded up to 8 sectors; data at the end rounded to 1 MiB. */
int luks1_layout(struct luks_hdr *hdr)
{
	uint64_t sector = LUKS1_ALIGN_SECTORS;
	uint64_t slot_sectors = luks_af_bytes(hdr->key_size, LUKS_STRIPES) / 512;

	hdr->nslots = LUKS1_SLOTS;
	for (int k = 0; k < LUKS1_SLOTS; k++) {
		struct luks_keyslot *ks = &hdr->slot[k];

		memset(ks, 0, sizeof(*ks));
		ks->offset = sector * 512;
		ks->stripes = LUKS_STRIPES;
		ks->size = slot_sectors * 512;
		ks->key_size = ks->area_key_size = hdr->key_size;
		ks->priority = 1;
		snprintf(ks->cipher, sizeof(ks->cipher), "%s", hdr->cipher);
		snprintf(ks->af_hash, sizeof(ks->af_hash), "%s", hdr->hash);
		sector = (sector + slot_sectors + LUKS1_ALIGN_SECTORS - 1) / LUKS1_ALIGN_SECTORS *
			 LUKS1_ALIGN_SECTORS;
	}
	hdr->data_offset =
	    (sector + LUKS1_DATA_ALIGNMENT - 1) / LUKS1_DATA_ALIGNMENT * LUKS1_DATA_ALIGNMENT * 512;
	return 0;
}
