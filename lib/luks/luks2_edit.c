/* Edits of the LUKS2 JSON: a key slot added or removed, a new volume's
 * metadata. Field order and types follow what cryptsetup writes. */
#include "luks/luks_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static json_object *u64_string(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_object_new_string(buf);
}

static int add_b64(json_object *o, const char *key, const uint8_t *data, size_t len)
{
	char *text = base64_encode(data, len);

	if (!text)
		return -ENOMEM;
	json_object_object_add(o, key, json_object_new_string(text));
	free(text);
	return 0;
}

static json_object *kdf_json(const struct luks_kdf *kdf)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(kdf->type));
	if (!strcmp(kdf->type, "pbkdf2")) {
		json_object_object_add(o, "hash", json_object_new_string(kdf->hash));
		json_object_object_add(o, "iterations", json_object_new_int64(kdf->iterations));
	} else {
		json_object_object_add(o, "time", json_object_new_int64(kdf->iterations));
		json_object_object_add(o, "memory", json_object_new_int64(kdf->memory));
		json_object_object_add(o, "cpus", json_object_new_int64(kdf->cpus));
	}
	add_b64(o, "salt", kdf->salt, kdf->salt_len);
	return o;
}

static json_object *keyslot_json(const struct luks_keyslot *ks)
{
	json_object *o = json_object_new_object();
	json_object *af = json_object_new_object(), *area = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("luks2"));
	json_object_object_add(o, "key_size", json_object_new_int64(ks->key_size));
	json_object_object_add(af, "type", json_object_new_string("luks1"));
	json_object_object_add(af, "stripes", json_object_new_int64(ks->stripes));
	json_object_object_add(af, "hash", json_object_new_string(ks->af_hash));
	json_object_object_add(o, "af", af);
	json_object_object_add(area, "type", json_object_new_string("raw"));
	json_object_object_add(area, "offset", u64_string(ks->offset));
	json_object_object_add(area, "size", u64_string(ks->size));
	json_object_object_add(area, "encryption", json_object_new_string(ks->cipher));
	json_object_object_add(area, "key_size", json_object_new_int64(ks->area_key_size));
	json_object_object_add(o, "area", area);
	json_object_object_add(o, "kdf", kdf_json(&ks->kdf));
	if (ks->priority != 1)
		json_object_object_add(o, "priority", json_object_new_int64(ks->priority));
	return o;
}

static void array_remove(json_object *arr, const char *id)
{
	for (size_t i = json_object_array_length(arr); i-- > 0;) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_string) &&
		    !strcmp(json_object_get_string(e), id))
			json_object_array_del_idx(arr, i, 1);
	}
}

/* The keyslots array of every object in `section` (digests or tokens). */
static void section_remove_slot(json_object *json, const char *section, const char *id)
{
	json_object *sec, *arr;

	if (!json_object_object_get_ex(json, section, &sec))
		return;
	json_object_object_foreach(sec, key, val)
	{
		(void)key;
		if (json_object_object_get_ex(val, "keyslots", &arr) &&
		    json_object_is_type(arr, json_type_array))
			array_remove(arr, id);
	}
}

int luks2_json_set_slot(struct luks_hdr *hdr, int slot)
{
	const struct luks_keyslot *ks = &hdr->slot[slot];
	json_object *keyslots, *digests, *digest, *arr;
	char id[16], did[16];

	snprintf(id, sizeof(id), "%d", slot);
	snprintf(did, sizeof(did), "%d", hdr->digest[ks->digest].id);
	if (!json_object_object_get_ex(hdr->json, "keyslots", &keyslots) ||
	    !json_object_object_get_ex(hdr->json, "digests", &digests) ||
	    !json_object_object_get_ex(digests, did, &digest) ||
	    !json_object_object_get_ex(digest, "keyslots", &arr))
		return err_set(EINVAL, "luks2 metadata lacks digest '%s'", did);
	json_object_object_add(keyslots, id, keyslot_json(ks));
	array_remove(arr, id);
	json_object_array_add(arr, json_object_new_string(id));
	return 0;
}

int luks2_json_kill_slot(struct luks_hdr *hdr, int slot)
{
	json_object *keyslots;
	char id[16];

	snprintf(id, sizeof(id), "%d", slot);
	if (json_object_object_get_ex(hdr->json, "keyslots", &keyslots))
		json_object_object_del(keyslots, id);
	section_remove_slot(hdr->json, "digests", id);
	section_remove_slot(hdr->json, "tokens", id);
	return 0;
}

static json_object *segment_json(const struct luks_hdr *hdr)
{
	json_object *seg = json_object_new_object();

	json_object_object_add(seg, "type", json_object_new_string("crypt"));
	json_object_object_add(seg, "offset", u64_string(hdr->data_offset));
	json_object_object_add(seg, "size",
			       hdr->data_size ? u64_string(hdr->data_size)
					      : json_object_new_string("dynamic"));
	json_object_object_add(seg, "iv_tweak", u64_string(hdr->iv_tweak));
	json_object_object_add(seg, "encryption", json_object_new_string(hdr->cipher));
	json_object_object_add(seg, "sector_size", json_object_new_int64(hdr->sector_size));
	return seg;
}

static json_object *digest_json(const struct luks_digest *d)
{
	json_object *o = json_object_new_object(), *segs = json_object_new_array();

	json_object_object_add(o, "type", json_object_new_string("pbkdf2"));
	json_object_object_add(o, "keyslots", json_object_new_array());
	json_object_array_add(segs, json_object_new_string("0"));
	json_object_object_add(o, "segments", segs);
	json_object_object_add(o, "hash", json_object_new_string(d->hash));
	json_object_object_add(o, "iterations", json_object_new_int64(d->iterations));
	add_b64(o, "salt", d->salt, d->salt_len);
	add_b64(o, "digest", d->value, d->len);
	return o;
}

int luks2_json_build(struct luks_hdr *hdr)
{
	json_object *json = json_object_new_object();
	json_object *segments = json_object_new_object(), *digests = json_object_new_object();
	json_object *config = json_object_new_object();

	json_object_object_add(json, "keyslots", json_object_new_object());
	json_object_object_add(json, "tokens", json_object_new_object());
	json_object_object_add(segments, "0", segment_json(hdr));
	json_object_object_add(json, "segments", segments);
	json_object_object_add(digests, "0", digest_json(&hdr->digest[0]));
	json_object_object_add(json, "digests", digests);
	json_object_object_add(config, "json_size", u64_string(hdr->hdr_size - 4096));
	json_object_object_add(config, "keyslots_size", u64_string(hdr->keyslots_size));
	json_object_object_add(json, "config", config);
	json_object_put(hdr->json);
	hdr->json = json;
	return 0;
}
