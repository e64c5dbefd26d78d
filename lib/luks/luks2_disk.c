/* The two LUKS2 header copies: a 4 KiB big-endian binary header and a JSON
 * area, checksummed together (docs/formats.md §6.3). A damaged primary
 * falls back to the secondary, which is searched at every allowed size. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/error.h"

#define L2_BIN_SIZE	4096
#define L2_MIN_HDR_SIZE 0x4000u
#define L2_MAX_HDR_SIZE 0x400000u

enum {
	L2_MAGIC = 0,
	L2_VERSION = 6,
	L2_HDR_SIZE = 8,
	L2_SEQID = 16,
	L2_LABEL = 24,
	L2_CSUM_ALG = 72,
	L2_SALT = 104,
	L2_UUID = 168,
	L2_SUBSYSTEM = 208,
	L2_HDR_OFFSET = 256,
	L2_CSUM = 448,
	L2_CSUM_LEN = 64,
};

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[7 - i] = (uint8_t)(v >> (8 * i));
}

static bool hdr_size_valid(uint64_t size)
{
	for (uint64_t s = L2_MIN_HDR_SIZE; s <= L2_MAX_HDR_SIZE; s <<= 1)
		if (size == s)
			return true;
	return false;
}

/* checksum_alg over the copy with its csum field zeroed. */
static int copy_checksum(uint8_t *copy, size_t size, const char *alg, uint8_t *out)
{
	uint8_t saved[L2_CSUM_LEN];
	unsigned len = 0;
	int ok;

	memcpy(saved, copy + L2_CSUM, L2_CSUM_LEN);
	memset(copy + L2_CSUM, 0, L2_CSUM_LEN);
	memset(out, 0, L2_CSUM_LEN);
	EVP_MD *md = EVP_MD_fetch(NULL, alg, NULL);
	ok =
	    md && EVP_MD_get_size(md) <= L2_CSUM_LEN && EVP_Digest(copy, size, out, &len, md, NULL);
	EVP_MD_free(md);
	memcpy(copy + L2_CSUM, saved, L2_CSUM_LEN);
	return ok ? 0 : -EINVAL;
}

/* The JSON area: '{' first, the text NUL-terminated and nothing but NULs
 * after it, and the text one whole JSON value. */
static json_object *parse_json_area(const char *area, size_t size)
{
	size_t len = strnlen(area, size);
	json_tokener *tok;
	json_object *obj;

	/* No whitespace around the text either, as cryptsetup requires. */
	if (area[0] != '{' || len == size || area[len - 1] != '}')
		return NULL;
	for (size_t i = len; i < size; i++)
		if (area[i])
			return NULL;
	tok = json_tokener_new_ex(64);
	if (!tok)
		return NULL;
	obj = json_tokener_parse_ex(tok, area, (int)len);
	if (obj && (json_tokener_get_error(tok) != json_tokener_success ||
		    (size_t)json_tokener_get_parse_end(tok) != len ||
		    !json_object_is_type(obj, json_type_object))) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/* Reads and checks the copy at `off`; returns its JSON (owned) and fills
 * the binary fields of hdr, or NULL when the copy is absent or damaged. */
static json_object *read_copy(int fd, uint64_t off, bool secondary, struct luks_hdr *hdr)
{
	uint8_t bin[L2_BIN_SIZE], csum[L2_CSUM_LEN], *copy = NULL;
	json_object *json = NULL;
	char alg[LUKS_NAME_MAX];
	uint64_t size;

	if (pread_full(fd, bin, sizeof(bin), off))
		return NULL;
	size = get_be64(bin + L2_HDR_SIZE);
	if (memcmp(bin, secondary ? luks2_magic2 : luks_magic, LUKS_MAGIC_LEN) || bin[L2_VERSION] ||
	    bin[L2_VERSION + 1] != 2 || !hdr_size_valid(size) ||
	    get_be64(bin + L2_HDR_OFFSET) != off || (secondary && size != off) ||
	    strnlen((char *)bin + L2_CSUM_ALG, 32) >= sizeof(alg) ||
	    strnlen((char *)bin + L2_UUID, 40) == 40 || strnlen((char *)bin + L2_LABEL, 48) == 48 ||
	    strnlen((char *)bin + L2_SUBSYSTEM, 48) == 48)
		return NULL;
	strcpy(alg, (char *)bin + L2_CSUM_ALG);
	copy = malloc(size);
	if (!copy)
		return NULL;
	memcpy(copy, bin, sizeof(bin));
	if (pread_full(fd, copy + L2_BIN_SIZE, size - L2_BIN_SIZE, off + L2_BIN_SIZE) ||
	    copy_checksum(copy, size, alg, csum) || memcmp(csum, bin + L2_CSUM, L2_CSUM_LEN))
		goto out;
	json = parse_json_area((char *)copy + L2_BIN_SIZE, size - L2_BIN_SIZE);
	if (!json)
		goto out;
	hdr->hdr_size = size;
	hdr->seqid = get_be64(bin + L2_SEQID);
	strcpy(hdr->checksum_alg, alg);
	strcpy(hdr->uuid, (char *)bin + L2_UUID);
	strcpy(hdr->label, (char *)bin + L2_LABEL);
	strcpy(hdr->subsystem, (char *)bin + L2_SUBSYSTEM);
out:
	free(copy);
	return json;
}

int luks2_read(int fd, struct luks_hdr *hdr)
{
	struct luks_hdr second = {0};
	json_object *primary, *secondary = NULL;
	int r;

	memset(hdr, 0, sizeof(*hdr));
	primary = read_copy(fd, 0, false, hdr);
	if (primary) {
		secondary = read_copy(fd, hdr->hdr_size, true, &second);
	} else {
		for (uint64_t s = L2_MIN_HDR_SIZE; s <= L2_MAX_HDR_SIZE && !secondary; s <<= 1)
			secondary = read_copy(fd, s, true, &second);
		if (!secondary)
			return err_set(EINVAL, "not a luks2 header (no valid copy)");
		hdr->primary_bad = true;
	}
	if (secondary && (!primary || second.seqid > hdr->seqid)) {
		bool bad = !primary; /* else the secondary is merely newer */
		*hdr = second;
		hdr->primary_bad = bad;
		json_object_put(primary);
		primary = secondary;
	} else {
		json_object_put(secondary);
	}
	hdr->version = 2;
	hdr->json = primary;
	r = luks2_parse_json(hdr, primary);
	if (r) {
		json_object_put(primary);
		hdr->json = NULL;
	}
	return r;
}

static int write_copy(int fd, const struct luks_hdr *hdr, const char *text, bool secondary)
{
	uint64_t off = secondary ? hdr->hdr_size : 0;
	uint8_t *copy = calloc(1, hdr->hdr_size), csum[L2_CSUM_LEN] = {0};
	int r;

	if (!copy)
		return err_set(ENOMEM, "out of memory");
	memcpy(copy, secondary ? luks2_magic2 : luks_magic, LUKS_MAGIC_LEN);
	copy[L2_VERSION + 1] = 2;
	put_be64(copy + L2_HDR_SIZE, hdr->hdr_size);
	put_be64(copy + L2_SEQID, hdr->seqid);
	memcpy(copy + L2_LABEL, hdr->label, strnlen(hdr->label, 47));
	memcpy(copy + L2_CSUM_ALG, hdr->checksum_alg, strnlen(hdr->checksum_alg, 31));
	memcpy(copy + L2_UUID, hdr->uuid, strnlen(hdr->uuid, 39));
	memcpy(copy + L2_SUBSYSTEM, hdr->subsystem, strnlen(hdr->subsystem, 47));
	put_be64(copy + L2_HDR_OFFSET, off);
	memcpy(copy + L2_BIN_SIZE, text, strlen(text));
	r = random_bytes(copy + L2_SALT, 64);
	if (!r && copy_checksum(copy, hdr->hdr_size, hdr->checksum_alg, csum))
		r = err_set(EINVAL, "unknown checksum '%s'", hdr->checksum_alg);
	memcpy(copy + L2_CSUM, csum, L2_CSUM_LEN);
	if (!r)
		r = pwrite_full(fd, copy, hdr->hdr_size, off);
	if (!r && fdatasync(fd) && errno != EINVAL)
		r = err_set(errno, "sync failed: %s", strerror(errno));
	free(copy);
	return r;
}

int luks2_write(int fd, struct luks_hdr *hdr)
{
	const char *text = json_object_to_json_string_ext(
	    hdr->json, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int r;

	if (!text || strlen(text) >= hdr->hdr_size - L2_BIN_SIZE)
		return err_set(ENOSPC, "luks2 metadata does not fit its %llu-byte area",
			       (unsigned long long)(hdr->hdr_size - L2_BIN_SIZE));
	hdr->seqid++;
	/* Primary first: a crash in between leaves the secondary with the
	 * old seqid, and the newer primary wins on the next load. */
	r = write_copy(fd, hdr, text, false);
	if (!r)
		r = write_copy(fd, hdr, text, true);
	if (!r)
		hdr->primary_bad = false;
	return r;
}
