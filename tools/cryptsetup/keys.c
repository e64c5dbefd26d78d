/* luksFormat and the key slot actions: luksAddKey, luksRemoveKey,
 * luksKillSlot, luksChangeKey. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cryptsetup.h"
#include "crypto/sector_cipher.h"
#include "util/error.h"
#include "util/parse.h"

#define LAST_SLOT_WARNING                                                                          \
	"This is the last keyslot. Device will become unusable after purging this key."

static int active_slots(const struct luks_hdr *hdr)
{
	int n = 0;

	for (unsigned i = 0; i < hdr->nslots; i++)
		n += hdr->slot[i].active;
	return n;
}

int cs_luks_format(struct cs_ctx *ctx)
{
	const struct cs_opts *o = ctx->o;
	const char *type = o->type ? o->type : "luks2", *dev = ctx->argv[0];
	struct luks_format_params p = {0};
	struct luks_hdr hdr;
	struct cs_pass pass;
	char question[512];
	uint64_t size;
	int fd, r;

	if (strcmp(type, "luks1") && strcmp(type, "luks2") && strcmp(type, "luks"))
		return cs_error(CS_EINVAL, "unsupported luks type '%s'", type);
	p.version = !strcmp(type, "luks1") ? 1 : 2;
	snprintf(p.cipher, sizeof(p.cipher), "%s", o->cipher ? o->cipher : "aes-xts-plain64");
	snprintf(p.hash, sizeof(p.hash), "%s", o->hash ? o->hash : "sha256");
	/* cryptsetup's default: 256 bits, doubled for xts (two keys). */
	p.key_size = o->key_size ? o->key_size / 8 : strstr(p.cipher, "xts") ? 64 : 32;
	if (o->key_size % 8)
		return cs_error(CS_EINVAL, "key size must be a multiple of 8 bits");
	if (p.version == 1 && o->sector_size && o->sector_size != 512)
		return cs_error(CS_EINVAL, "unsupported encryption sector size");
	p.sector_size = o->sector_size;
	p.uuid = o->uuid;
	p.label = o->label;
	cs_pbkdf(o, &p.pbkdf);
	if (p.version == 1 || !strcmp(p.pbkdf.type, "pbkdf2"))
		snprintf(p.pbkdf.type, sizeof(p.pbkdf.type), "pbkdf2");
	snprintf(question, sizeof(question), "This will overwrite data on %s irrevocably.", dev);
	if (!cs_confirm(o, question))
		return cs_error(CS_EINVAL, "operation aborted");
	r = cs_open_device(dev, false, &fd, &size);
	if (r)
		return cs_fail(r);
	r = cs_read_pass(o, ctx->argc > 1 ? ctx->argv[1] : o->key_file, "Enter passphrase for ",
			 true, &pass);
	if (!r) {
		r = luks_format(fd, size, &p, pass.buf, pass.len, &hdr);
		cs_pass_free(&pass);
		luks_hdr_release(&hdr);
	}
	close(fd);
	return r ? cs_fail(r) : CS_OK;
}

/* Opens the device read-write, loads its header and unlocks it with the
 * passphrase from --key-file (or stdin): the common start of the actions
 * below. On success *key is the volume key (secure memory). */
static int unlock_start(struct cs_ctx *ctx, const char *prompt, int unlock_slot, int *fd,
			struct luks_hdr *hdr, uint8_t **key, int *slot)
{
	struct cs_pass pass;
	uint64_t size;
	int r;

	r = cs_open_device(ctx->argv[0], false, fd, &size);
	if (r)
		return r;
	r = cs_load(*fd, ctx->argv[0], hdr);
	if (!r) {
		r = cs_read_pass(ctx->o, ctx->o->key_file, prompt, false, &pass);
		if (!r) {
			*slot = luks_unlock(*fd, hdr, unlock_slot, pass.buf, pass.len, key);
			cs_pass_free(&pass);
			r = *slot < 0 ? *slot : 0;
		}
		if (r)
			luks_hdr_release(hdr);
	}
	if (r)
		close(*fd);
	return r;
}

static void unlock_end(int fd, struct luks_hdr *hdr, uint8_t *key)
{
	if (key)
		secure_free(key, hdr->key_size);
	luks_hdr_release(hdr);
	close(fd);
}

int cs_luks_add_key(struct cs_ctx *ctx)
{
	struct luks_hdr hdr;
	struct luks_pbkdf pbkdf;
	struct cs_pass pass;
	uint8_t *key = NULL;
	int fd, slot, r;

	r = unlock_start(ctx, "Enter any existing passphrase: ", -1, &fd, &hdr, &key, &slot);
	if (r)
		return cs_fail(r);
	/* The new passphrase: the key file operand, else the next stdin line. */
	r = cs_read_pass(ctx->o, ctx->argc > 1 ? ctx->argv[1] : NULL,
			 "Enter new passphrase for key slot: ", true, &pass);
	if (!r) {
		cs_pbkdf(ctx->o, &pbkdf);
		r = luks_add_key(fd, &hdr, ctx->o->key_slot, key, pass.buf, pass.len, &pbkdf);
		cs_pass_free(&pass);
		if (r >= 0 && ctx->o->verbose)
			printf("Key slot %d created.\n", r);
	}
	unlock_end(fd, &hdr, key);
	return r < 0 ? cs_fail(r) : CS_OK;
}

int cs_luks_remove_key(struct cs_ctx *ctx)
{
	struct luks_hdr hdr;
	uint8_t *key = NULL;
	int fd, slot, r;

	if (ctx->argc > 1)
		ctx->o->key_file = ctx->argv[1];
	r = unlock_start(ctx, "Enter passphrase to be deleted: ", -1, &fd, &hdr, &key, &slot);
	if (r)
		return cs_fail(r);
	r = active_slots(&hdr) > 1 || cs_confirm(ctx->o, LAST_SLOT_WARNING)
		? luks_kill_slot(fd, &hdr, slot)
		: err_set(EINVAL, "operation aborted");
	if (!r && ctx->o->verbose)
		printf("Key slot %d removed.\n", slot);
	unlock_end(fd, &hdr, key);
	return r ? cs_fail(r) : CS_OK;
}

/* Without --batch-mode a passphrase of the volume must be given, as with
 * cryptsetup; killing the last slot asks for confirmation. */
int cs_luks_kill_slot(struct cs_ctx *ctx)
{
	struct luks_hdr hdr;
	uint8_t *key = NULL;
	uint32_t kill;
	uint64_t size;
	int fd, slot, r;

	if (parse_u32(ctx->argv[1], &kill) || kill >= LUKS_SLOTS_MAX)
		return cs_error(CS_EINVAL, "invalid key slot '%s'", ctx->argv[1]);
	if (ctx->o->batch) {
		r = cs_open_device(ctx->argv[0], false, &fd, &size);
		if (r)
			return cs_fail(r);
		r = cs_load(fd, ctx->argv[0], &hdr);
		if (r) {
			close(fd);
			return cs_error(CS_ENODEV, "%s", err_msg());
		}
	} else {
		r = unlock_start(ctx, "Enter any remaining passphrase: ", -1, &fd, &hdr, &key,
				 &slot);
		if (r)
			return cs_fail(r);
	}
	if (kill < hdr.nslots && hdr.slot[kill].active && active_slots(&hdr) == 1 &&
	    !cs_confirm(ctx->o, LAST_SLOT_WARNING))
		r = err_set(EINVAL, "operation aborted");
	if (!r)
		r = luks_kill_slot(fd, &hdr, (int)kill);
	unlock_end(fd, &hdr, key);
	return r ? cs_fail(r) : CS_OK;
}

int cs_luks_change_key(struct cs_ctx *ctx)
{
	struct luks_hdr hdr;
	struct luks_pbkdf pbkdf;
	struct cs_pass pass;
	uint8_t *key = NULL;
	int fd, slot, r;

	r = unlock_start(ctx, "Enter passphrase to be changed: ", ctx->o->key_slot, &fd, &hdr, &key,
			 &slot);
	if (r)
		return cs_fail(r);
	r = cs_read_pass(ctx->o, ctx->argc > 1 ? ctx->argv[1] : NULL,
			 "Enter new passphrase: ", true, &pass);
	if (!r) {
		cs_pbkdf(ctx->o, &pbkdf);
		r = luks_change_key(fd, &hdr, slot, key, pass.buf, pass.len, &pbkdf);
		cs_pass_free(&pass);
		if (r >= 0 && ctx->o->verbose)
			printf("Key slot %d changed.\n", r);
	}
	unlock_end(fd, &hdr, key);
	return r < 0 ? cs_fail(r) : CS_OK;
}
