/* cryptsetup open (LUKS and plain), close and status: the header is read
 * and unlocked here, and the mapping is a crypt table loaded into ulvmd. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cryptsetup.h"
#include "crypto/sector_cipher.h"
#include "ulvm/client.h"
#include "util/error.h"

/* The dm uuid cryptsetup gives its mappings: CRYPT-<TYPE>-<uuid>-<name>,
 * the LUKS uuid without dashes. `status` reads the type back from it. */
static void crypt_uuid(char *out, size_t size, const char *type, const char *luks_uuid,
		       const char *name)
{
	char plain[40] = "";
	size_t n = 0;

	for (const char *p = luks_uuid; p && *p && n + 1 < sizeof(plain); p++)
		if (*p != '-')
			plain[n++] = *p;
	plain[n] = '\0';
	if (n)
		snprintf(out, size, "CRYPT-%s-%s-%s", type, plain, name);
	else
		snprintf(out, size, "CRYPT-%s-%s", type, name);
}

/* Makes device `name` with `table` through ulvmd; wipes the table text. */
static int activate(const struct cs_opts *o, const char *name, const char *uuid, char *table)
{
	struct ulvm_client *c = ulvm_client_open(ULVM_CONNECT_AUTOSTART);
	int r;

	if (!c) {
		OPENSSL_cleanse(table, strlen(table));
		return -errno;
	}
	r = ulvm_create(c, name, uuid, o->readonly, NULL);
	if (!r) {
		r = ulvm_load(c, ULVM_DEV_NAME(name), table, o->readonly, NULL);
		if (!r)
			r = ulvm_resume(c, ULVM_DEV_NAME(name), NULL);
		if (r) {
			char why[ERR_MSG_MAX];
			snprintf(why, sizeof(why), "%s", err_msg());
			ulvm_remove(c, ULVM_DEV_NAME(name), false);
			err_set(-r, "%s", why);
		}
	}
	OPENSSL_cleanse(table, strlen(table));
	ulvm_client_close(c);
	return r;
}

static int open_luks(struct cs_ctx *ctx, const char *dev, const char *name)
{
	const struct cs_opts *o = ctx->o;
	char path[PATH_MAX], prompt[PATH_MAX + 32], uuid[ULVM_UUID_MAX + 1];
	struct luks_hdr hdr;
	struct cs_pass pass;
	uint8_t *key = NULL;
	uint64_t size;
	char *table;
	int fd, r, slot;

	if (!realpath(dev, path))
		return cs_error(CS_ENODEV, "device '%s' does not exist or access denied", dev);
	r = cs_open_device(path, true, &fd, &size);
	if (!r)
		r = cs_load(fd, path, &hdr);
	if (r)
		return r == -EINVAL ? cs_error(CS_ENODEV, "%s", err_msg()) : cs_fail(r);
	if ((o->type && strcmp(o->type, "luks") && hdr.version != o->type[4] - '0'))
		r = err_set(EINVAL, "device '%s' is not a valid %s device", path, o->type);
	snprintf(prompt, sizeof(prompt), "Enter passphrase for %s: ", dev);
	if (!r)
		r = cs_read_pass(o, o->key_file, prompt, false, &pass);
	if (!r) {
		slot = luks_unlock(fd, &hdr, o->key_slot, pass.buf, pass.len, &key);
		cs_pass_free(&pass);
		r = slot < 0 ? slot : 0;
	}
	close(fd);
	if (!r && o->test_passphrase) {
		if (o->verbose)
			printf("Key slot %d unlocked.\n", slot);
	} else if (!r) {
		table = luks_table(&hdr, key, path, size,
				   o->allow_discards ? LUKS_FLAG_ALLOW_DISCARDS : 0);
		crypt_uuid(uuid, sizeof(uuid), hdr.version == 1 ? "LUKS1" : "LUKS2", hdr.uuid,
			   name);
		r = table ? activate(o, name, uuid, table) : -ENOSPC;
		free(table);
	}
	if (key)
		secure_free(key, hdr.key_size);
	luks_hdr_release(&hdr);
	return r ? cs_fail(r) : CS_OK;
}

/* cryptsetup's plain-mode hashing: round r hashes r bytes of 'A' then the
 * passphrase, until key_len bytes are made; "plain" copies it as it is. */
static int plain_key(const char *hash, const struct cs_pass *pass, uint8_t *key, size_t key_len)
{
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	uint8_t out[EVP_MAX_MD_SIZE];
	int r = 0;

	if (!strcmp(hash, "plain")) {
		memset(key, 0, key_len);
		memcpy(key, pass->buf, pass->len < key_len ? pass->len : key_len);
		return 0;
	}
	md = EVP_MD_fetch(NULL, hash, NULL);
	ctx = EVP_MD_CTX_new();
	if (!md || !ctx) {
		r = err_set(EINVAL, "hash '%s' is not available", hash);
		goto out;
	}
	for (size_t done = 0, round = 0; done < key_len && !r; round++) {
		size_t n = (size_t)EVP_MD_get_size(md);

		if (n > key_len - done)
			n = key_len - done;
		if (!EVP_DigestInit_ex(ctx, md, NULL))
			r = -EIO;
		for (size_t i = 0; i < round && !r; i++)
			if (!EVP_DigestUpdate(ctx, "A", 1))
				r = -EIO;
		if (!r && (!EVP_DigestUpdate(ctx, pass->buf, pass->len) ||
			   !EVP_DigestFinal_ex(ctx, out, NULL)))
			r = -EIO;
		memcpy(key + done, out, n);
		done += n;
	}
	if (r == -EIO)
		r = err_set(EIO, "hash '%s' failed", hash);
out:
	OPENSSL_cleanse(out, sizeof(out));
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return r;
}

static int open_plain(struct cs_ctx *ctx, const char *dev, const char *name)
{
	const struct cs_opts *o = ctx->o;
	size_t key_len = (o->key_size ? o->key_size : 256) / 8;
	char path[PATH_MAX], prompt[PATH_MAX + 32], uuid[ULVM_UUID_MAX + 1];
	uint8_t *key = secure_alloc(key_len);
	struct cs_pass pass = {0};
	uint64_t size, sectors;
	char *table = NULL;
	int fd, r;

	if (!key)
		return cs_error(CS_ENOMEM, "out of memory");
	if (!realpath(dev, path)) {
		secure_free(key, key_len);
		return cs_error(CS_ENODEV, "device '%s' does not exist or access denied", dev);
	}
	r = cs_open_device(path, true, &fd, &size);
	if (!r)
		close(fd);
	snprintf(prompt, sizeof(prompt), "Enter passphrase for %s: ", dev);
	if (!r)
		r = cs_read_pass(o, o->key_file, prompt, false, &pass);
	/* A key file is the key itself; a passphrase is hashed. */
	if (!r && o->key_file && pass.len < key_len)
		r = err_set(EINVAL, "cannot read %zu bytes from keyfile '%s'", key_len,
			    o->key_file);
	else if (!r && o->key_file)
		memcpy(key, pass.buf, key_len);
	else if (!r)
		r = plain_key(o->hash ? o->hash : "ripemd160", &pass, key, key_len);
	cs_pass_free(&pass);
	sectors = o->size ? o->size : size / 512 > o->offset ? size / 512 - o->offset : 0;
	if (!r && !sectors)
		r = err_set(EINVAL, "device '%s' has zero size", path);
	if (!r) {
		size_t len = 128 + 2 * key_len + strlen(path) + strlen(o->cipher ? o->cipher : "");
		table = secure_alloc(len);
		int n = table
			    ? snprintf(table, len, "0 %llu crypt %s ", (unsigned long long)sectors,
				       o->cipher ? o->cipher : "aes-cbc-essiv:sha256")
			    : 0;
		for (size_t i = 0; table && i < key_len; i++)
			n += snprintf(table + n, len - (size_t)n, "%02x", key[i]);
		if (table)
			snprintf(table + n, len - (size_t)n, " %llu %s %llu%s",
				 (unsigned long long)o->skip, path, (unsigned long long)o->offset,
				 o->allow_discards ? " 1 allow_discards" : "");
		crypt_uuid(uuid, sizeof(uuid), "PLAIN", NULL, name);
		r = table ? activate(o, name, uuid, table) : -ENOMEM;
		secure_free(table, len);
	}
	secure_free(key, key_len);
	return r ? cs_fail(r) : CS_OK;
}

int cs_open(struct cs_ctx *ctx)
{
	const char *type = ctx->o->type ? ctx->o->type : "luks";

	if (ctx->argc < 2 && !ctx->o->test_passphrase)
		return cs_error(CS_EINVAL, "open: command requires device and mapped name");
	if (!strcmp(type, "plain"))
		return open_plain(ctx, ctx->argv[0], ctx->argv[1]);
	if (!strcmp(type, "luks") || !strcmp(type, "luks1") || !strcmp(type, "luks2"))
		return open_luks(ctx, ctx->argv[0], ctx->argc > 1 ? ctx->argv[1] : "");
	return cs_error(CS_EINVAL, "unsupported device type '%s'", type);
}

int cs_luks_open(struct cs_ctx *ctx)
{
	return open_luks(ctx, ctx->argv[0], ctx->argv[1]);
}

int cs_close(struct cs_ctx *ctx)
{
	struct ulvm_client *c = ulvm_client_open(0);
	int r;

	if (!c)
		return cs_error(CS_ENODEV, "device %s is not active", ctx->argv[0]);
	r = ulvm_remove(c, ULVM_DEV_NAME(ctx->argv[0]), false);
	ulvm_client_close(c);
	if (r == -ENXIO || r == -ENODEV || r == -ENOENT)
		return cs_error(CS_ENODEV, "device %s is not active", ctx->argv[0]);
	return r ? cs_fail(r) : CS_OK;
}
