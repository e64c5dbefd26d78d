/* LUKS1 and LUKS2 volumes, as cryptsetup reads and writes them
 * (docs/formats.md §6.2-6.4).
 *
 * A volume's header is read into one struct luks_hdr whatever its
 * version; key slot operations work on it and luks_write() puts it back.
 * LUKS2 keeps the parsed JSON (hdr->json) so that what ulvm does not model
 * (tokens, unknown keys) survives a rewrite.
 *
 * Errors: 0 or a negative errno with the message set (lib/util/error.h).
 * No message ever contains a passphrase or key byte. Keys returned by
 * these functions live in secure_alloc() memory (crypto/sector_cipher.h);
 * the caller releases them with secure_free().
 */
#ifndef ULVM_LUKS_LUKS_H
#define ULVM_LUKS_LUKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define LUKS_SLOTS_MAX	 32
#define LUKS1_SLOTS	 8
#define LUKS_SALT_MAX	 64
#define LUKS_STRIPES	 4000
#define LUKS_KEY_MAX	 128 /* bytes */
#define LUKS_DIGESTS_MAX 8
#define LUKS_NAME_MAX	 32
#define LUKS_CIPHER_MAX	 64

/* LUKS2 config.flags, which become crypt table options. */
#define LUKS_FLAG_ALLOW_DISCARDS     0x1u
#define LUKS_FLAG_SAME_CPU_CRYPT     0x2u
#define LUKS_FLAG_SUBMIT_FROM_CPUS   0x4u
#define LUKS_FLAG_NO_READ_WORKQUEUE  0x8u
#define LUKS_FLAG_NO_WRITE_WORKQUEUE 0x10u

struct luks_kdf {
	char type[LUKS_NAME_MAX]; /* "pbkdf2", "argon2i", "argon2id" */
	char hash[LUKS_NAME_MAX]; /* pbkdf2 */
	uint32_t iterations;	  /* pbkdf2 iterations, argon2 time cost */
	uint32_t memory;	  /* argon2, KiB */
	uint32_t cpus;		  /* argon2 */
	uint8_t salt[LUKS_SALT_MAX];
	size_t salt_len;
};

struct luks_keyslot {
	bool active;
	int priority; /* LUKS2: 0 ignore, 1 normal, 2 high */
	struct luks_kdf kdf;
	uint64_t offset;	      /* bytes from the start of the device */
	uint64_t size;		      /* bytes of the area (LUKS1: of the key material) */
	char cipher[LUKS_CIPHER_MAX]; /* area encryption */
	uint32_t area_key_size;
	uint32_t key_size; /* volume key it holds */
	uint32_t stripes;
	char af_hash[LUKS_NAME_MAX];
	int digest; /* LUKS2 index in hdr->digest[], -1 none */
};

struct luks_digest {
	int id; /* LUKS2 digest id */
	char hash[LUKS_NAME_MAX];
	uint32_t iterations;
	uint8_t salt[LUKS_SALT_MAX];
	size_t salt_len;
	uint8_t value[LUKS_SALT_MAX];
	size_t len;
};

struct luks_hdr {
	int version; /* 1 or 2 */
	char uuid[40];
	char label[48], subsystem[48];
	char cipher[LUKS_CIPHER_MAX]; /* dm spec of the data: "aes-xts-plain64" */
	char hash[LUKS_NAME_MAX];     /* LUKS1 hashSpec */
	uint32_t key_size;	      /* volume key bytes */
	uint64_t data_offset;	      /* bytes */
	uint64_t data_size;	      /* bytes, 0 = to the end of the device */
	uint32_t sector_size;
	uint64_t iv_tweak; /* 512-byte sectors */
	unsigned flags;	   /* LUKS_FLAG_* */
	unsigned ndigests;
	struct luks_digest digest[LUKS_DIGESTS_MAX];
	unsigned nslots; /* 8 (LUKS1) or 32 */
	struct luks_keyslot slot[LUKS_SLOTS_MAX];

	/* LUKS2 only */
	uint64_t hdr_size, seqid, keyslots_size;
	char checksum_alg[LUKS_NAME_MAX];
	json_object *json; /* owned */
	bool primary_bad;  /* loaded from the secondary copy */
};

/* Reads and checks the header of the device or image open on `fd`.
 * Falls back to LUKS2's secondary copy when the primary is damaged (with
 * hdr->primary_bad set). -EINVAL "not a LUKS device" when neither fits. */
int luks_load(int fd, const char *path, struct luks_hdr *hdr);
/* Writes every copy of the header back (LUKS2: seqid + 1). */
int luks_write(int fd, struct luks_hdr *hdr);
void luks_hdr_release(struct luks_hdr *hdr);

/* Tries `pass` on `slot` (or on every active slot, high priority first,
 * when slot < 0). Returns the slot number and the volume key (hdr->key_size
 * bytes, secure memory), -EPERM "no key available with this passphrase"
 * when nothing matched, or another negative errno. */
int luks_unlock(int fd, const struct luks_hdr *hdr, int slot, const char *pass, size_t pass_len,
		uint8_t **key);
/* True if `key` is the volume key (digest check). */
bool luks_key_matches(const struct luks_hdr *hdr, const uint8_t *key, int slot);

/* How to derive a new slot's key. */
struct luks_pbkdf {
	char type[LUKS_NAME_MAX]; /* "pbkdf2", "argon2i", "argon2id" */
	char hash[LUKS_NAME_MAX];
	uint32_t iter_time_ms; /* benchmark target when iterations is 0 */
	uint32_t iterations;   /* forced (pbkdf2 iterations / argon2 time) */
	uint32_t memory;       /* argon2 KiB, 0 = default */
	uint32_t cpus;	       /* argon2, 0 = default */
};

/* Adds `pass` in `slot` (< 0: the first free one) for the volume key;
 * writes the key material and the header. Returns the slot used. */
int luks_add_key(int fd, struct luks_hdr *hdr, int slot, const uint8_t *key, const char *pass,
		 size_t pass_len, const struct luks_pbkdf *pbkdf);
/* Replaces the passphrase of `slot` with `pass`; the new key material is
 * written before the old is wiped. Returns the slot now holding it. */
int luks_change_key(int fd, struct luks_hdr *hdr, int slot, const uint8_t *key, const char *pass,
		    size_t pass_len, const struct luks_pbkdf *pbkdf);
/* Overwrites the slot's key material and disables it; writes the header. */
int luks_kill_slot(int fd, struct luks_hdr *hdr, int slot);

struct luks_format_params {
	int version;
	char cipher[LUKS_CIPHER_MAX]; /* "aes-xts-plain64" */
	char hash[LUKS_NAME_MAX];     /* digest and AF hash */
	uint32_t key_size;	      /* bytes */
	uint32_t sector_size;	      /* LUKS2 */
	const char *uuid;	      /* NULL: random */
	const char *label;	      /* LUKS2, may be NULL */
	struct luks_pbkdf pbkdf;
};

/* Makes a new volume on `fd` (whose size is dev_size bytes) with a random
 * volume key and `pass` in slot 0. Fills hdr (release it after). */
int luks_format(int fd, uint64_t dev_size, const struct luks_format_params *p, const char *pass,
		size_t pass_len, struct luks_hdr *hdr);

/* The crypt table line that opens the data segment:
 * "0 <sectors> crypt <cipher> <hex key> <iv_tweak> <dev> <offset>[ <opts>]",
 * malloc'ed (the caller wipes and frees it). extra_flags adds LUKS_FLAG_*. */
char *luks_table(const struct luks_hdr *hdr, const uint8_t *key, const char *dev, uint64_t dev_size,
		 unsigned extra_flags);

/* PBKDF2 iterations per second with `hash` (for benchmark). */
uint32_t luks_pbkdf2_speed(const char *hash);

/* Size in bytes of the AF material of a key_size key (whole sectors). */
uint64_t luks_af_bytes(uint32_t key_size, uint32_t stripes);

#endif
