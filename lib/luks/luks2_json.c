/* LUKS2 JSON metadata to struct luks_hdr, and the edits ulvm makes to it
 * (docs/formats.md §6.4). Everything from the header is untrusted: every
 * field is type-checked, 64-bit numbers are strict decimal strings, and
 * areas must lie inside the keyslots area without overlapping. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/cipher_spec.h"
#include "util/error.h"
#include "util/parse.h"

#define L2_MAX_KEYSLOTS_SIZE (128ull << 20)
#define L2_MAX_ARGON2_MEMORY 4194304u
#define L2_MAX_ARGON2_CPUS   16u

static json_object *get(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int get_string(json_object *o, const char *key, char *out, size_t size)
{
	json_object *v = get(o, key, json_type_string);

	if (!v || (size_t)json_object_get_string_len(v) >= size)
		return -EINVAL;
	strcpy(out, json_object_get_string(v));
	return 0;
}

/* 64-bit quantities are decimal strings. */
static int get_u64(json_object *o, const char *key, uint64_t *out)
{
	json_object *v = get(o, key, json_type_string);

	return v && !parse_u64(json_object_get_string(v), out) ? 0 : -EINVAL;
}

static int get_u32(json_object *o, const char *key, uint32_t *out)
{
	json_object *v = get(o, key, json_type_int);
	int64_t n = v ? json_object_get_int64(v) : -1;

	if (n < 0 || n > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int get_b64(json_object *o, const char *key, uint8_t *out, size_t *len)
{
	json_object *v = get(o, key, json_type_string);
	long n = v ? base64_decode(json_object_get_string(v), out, LUKS_SALT_MAX) : -1;

	if (n <= 0)
		return -EINVAL;
	*len = (size_t)n;
	return 0;
}

/* A decimal object key in [0, max). */
static int parse_id(const char *key, unsigned max)
{
	uint32_t id;

	return !parse_u32(key, &id) && id < max ? (int)id : -1;
}

static bool array_has(json_object *arr, const char *id)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_string) &&
		    !strcmp(json_object_get_string(e), id))
			return true;
	}
	return false;
}

static int parse_kdf(json_object *o, struct luks_kdf *kdf)
{
	if (!o || get_string(o, "type", kdf->type, sizeof(kdf->type)) ||
	    get_b64(o, "salt", kdf->salt, &kdf->salt_len))
		return -EINVAL;
	if (!strcmp(kdf->type, "pbkdf2"))
		return get_string(o, "hash", kdf->hash, sizeof(kdf->hash)) ||
			       get_u32(o, "iterations", &kdf->iterations) || !kdf->iterations ||
			       !hash_known(kdf->hash, 1)
			   ? -EINVAL
			   : 0;
	if (strcmp(kdf->type, "argon2i") && strcmp(kdf->type, "argon2id"))
		return -EINVAL;
	if (get_u32(o, "time", &kdf->iterations) || get_u32(o, "memory", &kdf->memory) ||
	    get_u32(o, "cpus", &kdf->cpus) || !kdf->iterations || !kdf->cpus ||
	    kdf->cpus > L2_MAX_ARGON2_CPUS || kdf->memory < 8 * kdf->cpus ||
	    kdf->memory > L2_MAX_ARGON2_MEMORY)
		return -EINVAL;
	return 0;
}

static int parse_keyslot(struct luks_hdr *hdr, json_object *o, int id)
{
	struct luks_keyslot *ks = &hdr->slot[id];
	json_object *area = get(o, "area", json_type_object), *af = get(o, "af", json_type_object);
	char type[LUKS_NAME_MAX], why[160];
	struct cipher_spec spec;
	uint32_t prio = 1;

	if (get_string(o, "type", type, sizeof(type)) || strcmp(type, "luks2"))
		return err_set(EINVAL, "luks2 keyslot %d: unsupported type", id);
	if (get_u32(o, "key_size", &ks->key_size) || !ks->key_size || ks->key_size > LUKS_KEY_MAX ||
	    !area || !af || get_string(area, "type", type, sizeof(type)) || strcmp(type, "raw") ||
	    get_u64(area, "offset", &ks->offset) || get_u64(area, "size", &ks->size) ||
	    get_string(area, "encryption", ks->cipher, sizeof(ks->cipher)) ||
	    get_u32(area, "key_size", &ks->area_key_size) || !ks->area_key_size ||
	    ks->area_key_size > LUKS_KEY_MAX || get_string(af, "type", type, sizeof(type)) ||
	    strcmp(type, "luks1") || get_u32(af, "stripes", &ks->stripes) ||
	    ks->stripes != LUKS_STRIPES ||
	    get_string(af, "hash", ks->af_hash, sizeof(ks->af_hash)) ||
	    !hash_known(ks->af_hash, 1) || parse_kdf(get(o, "kdf", json_type_object), &ks->kdf))
		return err_set(EINVAL, "luks2 keyslot %d is invalid", id);
	if (get(o, "priority", json_type_int) && (get_u32(o, "priority", &prio) || prio > 2))
		return err_set(EINVAL, "luks2 keyslot %d has an invalid priority", id);
	if (cipher_spec_parse(ks->cipher, &spec, why, sizeof(why)))
		return err_set(EINVAL, "luks2 keyslot %d: %s", id, why);
	ks->priority = (int)prio;
	ks->active = true;
	if (ks->size < luks_af_bytes(ks->key_size, ks->stripes))
		return err_set(EINVAL, "luks2 keyslot %d area is too small", id);
	return 0;
}

static int parse_keyslots(struct luks_hdr *hdr, json_object *keyslots)
{
	uint64_t lo = 2 * hdr->hdr_size, hi = lo + hdr->keyslots_size;

	hdr->nslots = LUKS_SLOTS_MAX;
	for (int i = 0; i < LUKS_SLOTS_MAX; i++)
		hdr->slot[i].digest = -1;
	json_object_object_foreach(keyslots, key, val)
	{
		int id = parse_id(key, LUKS_SLOTS_MAX), r;

		if (id < 0 || !json_object_is_type(val, json_type_object))
			return err_set(EINVAL, "luks2 keyslot '%s' is invalid", key);
		r = parse_keyslot(hdr, val, id);
		if (r)
			return r;
		struct luks_keyslot *ks = &hdr->slot[id];
		if (ks->offset < lo || ks->size > hi - ks->offset || ks->offset > hi)
			return err_set(EINVAL, "luks2 keyslot %d lies outside the keyslots area",
				       id);
	}
	/* Keys come in any order: compare every pair once all are read. */
	for (int i = 0; i < LUKS_SLOTS_MAX; i++) {
		for (int j = i + 1; j < LUKS_SLOTS_MAX; j++) {
			struct luks_keyslot *a = &hdr->slot[i], *b = &hdr->slot[j];
			if (a->active && b->active && a->offset < b->offset + b->size &&
			    b->offset < a->offset + a->size)
				return err_set(EINVAL, "luks2 keyslots %d and %d overlap", i, j);
		}
	}
	return 0;
}

static int parse_digest(struct luks_hdr *hdr, json_object *o, const char *key)
{
	struct luks_digest *d = &hdr->digest[hdr->ndigests];
	json_object *slots = get(o, "keyslots", json_type_array);
	json_object *segs = get(o, "segments", json_type_array);
	char type[LUKS_NAME_MAX];

	d->id = parse_id(key, 1024);
	if (d->id < 0 || !slots || !segs || get_string(o, "type", type, sizeof(type)) ||
	    strcmp(type, "pbkdf2") || get_string(o, "hash", d->hash, sizeof(d->hash)) ||
	    !hash_known(d->hash, 1) || get_u32(o, "iterations", &d->iterations) || !d->iterations ||
	    get_b64(o, "salt", d->salt, &d->salt_len) || get_b64(o, "digest", d->value, &d->len))
		return err_set(EINVAL, "luks2 digest '%s' is invalid", key);
	for (int i = 0; i < LUKS_SLOTS_MAX; i++) {
		char id[16];
		snprintf(id, sizeof(id), "%d", i);
		if (hdr->slot[i].active && array_has(slots, id))
			hdr->slot[i].digest = (int)hdr->ndigests;
	}
	hdr->ndigests++;
	return 0;
}

/* The one crypt segment ulvm opens. Integrity, re-encryption and several
 * segments are refused: opening them as plain crypt would corrupt data. */
static int parse_segments(struct luks_hdr *hdr, json_object *segments)
{
	json_object *seg = get(segments, "0", json_type_object);
	char type[LUKS_NAME_MAX], size[32], why[160];
	struct cipher_spec spec;
	uint32_t ss;

	if (json_object_object_length(segments) != 1 || !seg)
		return err_set(EINVAL, "luks2: only one data segment (\"0\") is supported");
	if (get_string(seg, "type", type, sizeof(type)) || strcmp(type, "crypt"))
		return err_set(EINVAL, "luks2: unsupported segment type");
	if (get(seg, "integrity", json_type_object) || get(seg, "flags", json_type_array))
		return err_set(EINVAL, "luks2: segments with integrity or flags are not supported");
	if (get_u64(seg, "offset", &hdr->data_offset) || get_u64(seg, "iv_tweak", &hdr->iv_tweak) ||
	    get_string(seg, "encryption", hdr->cipher, sizeof(hdr->cipher)) ||
	    get_string(seg, "size", size, sizeof(size)) || get_u32(seg, "sector_size", &ss) ||
	    ss < 512 || ss > 4096 || (ss & (ss - 1)))
		return err_set(EINVAL, "luks2 segment 0 is invalid");
	if (strcmp(size, "dynamic") &&
	    (parse_u64(size, &hdr->data_size) || !hdr->data_size || hdr->data_size % ss))
		return err_set(EINVAL, "luks2 segment 0 has an invalid size");
	if (hdr->data_offset % 512 || hdr->data_offset < 2 * hdr->hdr_size + hdr->keyslots_size)
		return err_set(EINVAL, "luks2 segment 0 overlaps the metadata");
	if (cipher_spec_parse(hdr->cipher, &spec, why, sizeof(why)))
		return err_set(EINVAL, "luks2 segment 0: %s", why);
	hdr->sector_size = ss;
	return 0;
}

static int parse_config(struct luks_hdr *hdr, json_object *config)
{
	static const struct {
		const char *name;
		unsigned flag;
	} flags[] = {
	    {"allow-discards", LUKS_FLAG_ALLOW_DISCARDS},
	    {"same-cpu-crypt", LUKS_FLAG_SAME_CPU_CRYPT},
	    {"submit-from-crypt-cpus", LUKS_FLAG_SUBMIT_FROM_CPUS},
	    {"no-read-workqueue", LUKS_FLAG_NO_READ_WORKQUEUE},
	    {"no-write-workqueue", LUKS_FLAG_NO_WRITE_WORKQUEUE},
	};
	json_object *fl = get(config, "flags", json_type_array);
	json_object *req = get(config, "requirements", json_type_object);
	json_object *mandatory = get(req, "mandatory", json_type_array);
	uint64_t json_size;

	if (get_u64(config, "json_size", &json_size) || json_size != hdr->hdr_size - 4096 ||
	    get_u64(config, "keyslots_size", &hdr->keyslots_size) || hdr->keyslots_size % 4096 ||
	    hdr->keyslots_size > L2_MAX_KEYSLOTS_SIZE)
		return err_set(EINVAL, "luks2 config is invalid");
	if (mandatory && json_object_array_length(mandatory))
		return err_set(EINVAL, "luks2: unsupported requirement '%s'",
			       json_object_get_string(json_object_array_get_idx(mandatory, 0)));
	for (size_t i = 0; fl && i < json_object_array_length(fl); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(fl, i));
		for (size_t k = 0; name && k < sizeof(flags) / sizeof(flags[0]); k++)
			if (!strcmp(name, flags[k].name))
				hdr->flags |= flags[k].flag;
	}
	return 0;
}

int luks2_parse_json(struct luks_hdr *hdr, json_object *json)
{
	json_object *keyslots = get(json, "keyslots", json_type_object);
	json_object *segments = get(json, "segments", json_type_object);
	json_object *digests = get(json, "digests", json_type_object);
	json_object *config = get(json, "config", json_type_object);
	int r;

	if (!keyslots || !segments || !digests || !config || !get(json, "tokens", json_type_object))
		return err_set(EINVAL, "luks2 metadata lacks a mandatory section");
	r = parse_config(hdr, config);
	if (!r)
		r = parse_keyslots(hdr, keyslots);
	if (!r)
		r = parse_segments(hdr, segments);
	json_object_object_foreach(digests, key, val)
	{
		if (r)
			break;
		if (hdr->ndigests == LUKS_DIGESTS_MAX ||
		    !json_object_is_type(val, json_type_object))
			return err_set(EINVAL, "luks2 digest '%s' is invalid", key);
		r = parse_digest(hdr, val, key);
	}
	if (r)
		return r;
	if (!hdr->ndigests)
		return err_set(EINVAL, "luks2 metadata has no digest");
	/* The volume key size is that of the slots (all must agree). */
	hdr->key_size = 0;
	for (int i = 0; i < LUKS_SLOTS_MAX; i++) {
		if (!hdr->slot[i].active)
			continue;
		if (hdr->key_size && hdr->slot[i].key_size != hdr->key_size)
			return err_set(EINVAL, "luks2 keyslots disagree on the key size");
		hdr->key_size = hdr->slot[i].key_size;
	}
	snprintf(hdr->hash, sizeof(hdr->hash), "%s", hdr->digest[0].hash);
	return 0;
}
