/* Internals of lib/luks shared between its files. */
#ifndef ULVM_LUKS_INT_H
#define ULVM_LUKS_INT_H

#include "luks/luks.h"

#define LUKS_MAGIC_LEN 6
extern const uint8_t luks_magic[LUKS_MAGIC_LEN];   /* "LUKS\xba\xbe" */
extern const uint8_t luks2_magic2[LUKS_MAGIC_LEN]; /* "SKUL\xba\xbe" */

/* af.c: the anti-forensic splitter (docs/formats.md §6.2). `out` and `in`
 * are key_size * stripes bytes. Return 0 or a negative errno. */
int af_split(const uint8_t *key, size_t key_size, unsigned stripes, const char *hash, uint8_t *out);
int af_merge(const uint8_t *in, size_t key_size, unsigned stripes, const char *hash, uint8_t *key);

/* kdf.c */
int kdf_derive(const struct luks_kdf *kdf, const char *pass, size_t pass_len, uint8_t *out,
	       size_t out_len);
int pbkdf2(const char *hash, const void *pass, size_t pass_len, const uint8_t *salt,
	   size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len);
/* Fills kdf (type, params, fresh salt) from the request, benchmarking
 * when no iteration count is forced. */
int kdf_prepare(const struct luks_pbkdf *req, uint32_t key_size, struct luks_kdf *kdf);
/* PBKDF2 iterations that take `ms` milliseconds (at least 1000). */
uint32_t pbkdf2_benchmark(const char *hash, uint32_t ms);
bool hash_known(const char *hash, size_t min_size);
int random_bytes(uint8_t *buf, size_t len);

/* base64.c: standard alphabet with padding. decode returns the length or
 * -EINVAL; encode returns a malloc'ed string or NULL. */
long base64_decode(const char *text, uint8_t *out, size_t out_size);
char *base64_encode(const uint8_t *data, size_t len);

/* keyslot.c: key material of a slot on disk. */
int keyslot_read_key(int fd, const struct luks_keyslot *ks, const uint8_t *dk, uint8_t *key);
int keyslot_write_key(int fd, const struct luks_keyslot *ks, const uint8_t *dk, const uint8_t *key);
int keyslot_wipe(int fd, const struct luks_keyslot *ks);
int pread_full(int fd, void *buf, size_t len, uint64_t off);
int pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

/* luks1.c */
int luks1_read(int fd, struct luks_hdr *hdr);
int luks1_write(int fd, const struct luks_hdr *hdr);
int luks1_layout(struct luks_hdr *hdr);

/* luks2_disk.c: the binary headers and the JSON area. */
int luks2_read(int fd, struct luks_hdr *hdr);
int luks2_write(int fd, struct luks_hdr *hdr);
/* luks2_json.c */
int luks2_parse_json(struct luks_hdr *hdr, json_object *json);
int luks2_json_set_slot(struct luks_hdr *hdr, int slot);
int luks2_json_kill_slot(struct luks_hdr *hdr, int slot);
int luks2_json_build(struct luks_hdr *hdr);

/* uuid.c-ish helper in luks.c */
void luks_random_uuid(char out[37]);

#endif
