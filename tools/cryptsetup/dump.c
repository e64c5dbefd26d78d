/* luksDump, luksUUID, isLuks: the header as cryptsetup 2.6 prints it, so
 * that scripts reading one read the other. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cryptsetup.h"
#include "crypto/sector_cipher.h"
#include "util/error.h"

/* Hex bytes, 16 a line, continuation lines starting with `indent`. */
static void hex_lines(const uint8_t *p, size_t len, const char *indent)
{
	for (size_t i = 0; i < len; i++) {
		if (i && i % 16 == 0)
			printf("\n%s", indent);
		printf("%02x ", p[i]);
	}
	printf("\n");
}

static void dump_luks1(const struct luks_hdr *h, const char *dev)
{
	const char *dash = strchr(h->cipher, '-');

	printf("LUKS header information for %s\n\n", dev);
	printf("Version:       \t1\n");
	printf("Cipher name:   \t%.*s\n", (int)(dash ? dash - h->cipher : (long)strlen(h->cipher)),
	       h->cipher);
	printf("Cipher mode:   \t%s\n", dash ? dash + 1 : "");
	printf("Hash spec:     \t%s\n", h->hash);
	printf("Payload offset:\t%llu\n", (unsigned long long)(h->data_offset / 512));
	printf("MK bits:       \t%u\n", h->key_size * 8);
	printf("MK digest:     \t");
	for (int i = 0; i < 20; i++)
		printf("%02x ", h->digest[0].value[i]);
	printf("\n");
	printf("MK salt:       \t");
	hex_lines(h->digest[0].salt, 32, "               \t");
	printf("MK iterations: \t%u\n", h->digest[0].iterations);
	printf("UUID:          \t%s\n\n", h->uuid);
	for (int i = 0; i < LUKS1_SLOTS; i++) {
		const struct luks_keyslot *ks = &h->slot[i];

		if (!ks->active) {
			printf("Key Slot %d: DISABLED\n", i);
			continue;
		}
		printf("Key Slot %d: ENABLED\n", i);
		printf("\tIterations:         \t%u\n", ks->kdf.iterations);
		printf("\tSalt:               \t");
		hex_lines(ks->kdf.salt, 32, "\t                      \t");
		printf("\tKey material offset:\t%llu\n", (unsigned long long)(ks->offset / 512));
		printf("\tAF stripes:            \t%u\n", ks->stripes);
	}
}

static void dump_luks2_slot(const struct luks_hdr *h, int i)
{
	static const char *const prio[] = {"ignored", "normal", "high"};
	const struct luks_keyslot *ks = &h->slot[i];

	printf("  %d: luks2\n", i);
	printf("\tKey:        %u bits\n", ks->key_size * 8);
	printf("\tPriority:   %s\n", prio[ks->priority]);
	printf("\tCipher:     %s\n", ks->cipher);
	printf("\tCipher key: %u bits\n", ks->area_key_size * 8);
	printf("\tPBKDF:      %s\n", ks->kdf.type);
	if (!strcmp(ks->kdf.type, "pbkdf2")) {
		printf("\tHash:       %s\n", ks->kdf.hash);
		printf("\tIterations: %u\n", ks->kdf.iterations);
	} else {
		printf("\tTime cost:  %u\n", ks->kdf.iterations);
		printf("\tMemory:     %u\n", ks->kdf.memory);
		printf("\tThreads:    %u\n", ks->kdf.cpus);
	}
	printf("\tSalt:       ");
	hex_lines(ks->kdf.salt, ks->kdf.salt_len, "\t            ");
	printf("\tAF stripes: %u\n", ks->stripes);
	printf("\tAF hash:    %s\n", ks->af_hash);
	printf("\tArea offset:%llu [bytes]\n", (unsigned long long)ks->offset);
	printf("\tArea length:%llu [bytes]\n", (unsigned long long)ks->size);
	if (ks->digest >= 0)
		printf("\tDigest ID:  %d\n", h->digest[ks->digest].id);
}

static void dump_luks2(const struct luks_hdr *h)
{
	printf("LUKS header information\n");
	printf("Version:       \t2\n");
	printf("Epoch:         \t%llu\n", (unsigned long long)h->seqid);
	printf("Metadata area: \t%llu [bytes]\n", (unsigned long long)h->hdr_size);
	printf("Keyslots area: \t%llu [bytes]\n", (unsigned long long)h->keyslots_size);
	printf("UUID:          \t%s\n", h->uuid);
	printf("Label:         \t%s\n", h->label[0] ? h->label : "(no label)");
	printf("Subsystem:     \t%s\n", h->subsystem[0] ? h->subsystem : "(no subsystem)");
	printf("Flags:       \t%s\n\n",
	       h->flags & LUKS_FLAG_ALLOW_DISCARDS ? "allow-discards " : "(no flags)");
	printf("Data segments:\n  0: crypt\n");
	printf("\toffset: %llu [bytes]\n", (unsigned long long)h->data_offset);
	if (h->data_size)
		printf("\tlength: %llu [bytes]\n", (unsigned long long)h->data_size);
	else
		printf("\tlength: (whole device)\n");
	printf("\tcipher: %s\n", h->cipher);
	printf("\tsector: %u [bytes]\n\n", h->sector_size);
	printf("Keyslots:\n");
	for (int i = 0; i < LUKS_SLOTS_MAX; i++)
		if (h->slot[i].active)
			dump_luks2_slot(h, i);
	printf("Tokens:\nDigests:\n");
	for (unsigned d = 0; d < h->ndigests; d++) {
		const struct luks_digest *dg = &h->digest[d];

		printf("  %d: pbkdf2\n", dg->id);
		printf("\tHash:       %s\n", dg->hash);
		printf("\tIterations: %u\n", dg->iterations);
		printf("\tSalt:       ");
		hex_lines(dg->salt, dg->salt_len, "\t            ");
		printf("\tDigest:     ");
		hex_lines(dg->value, dg->len, "\t            ");
	}
}

/* --dump-volume-key: unlock, then print the key as cryptsetup does. */
static int dump_volume_key(struct cs_ctx *ctx, int fd, const struct luks_hdr *h, const char *dev)
{
	struct cs_pass pass;
	uint8_t *key;
	char prompt[512];
	const char *dash = strchr(h->cipher, '-');
	int r;

	if (!cs_confirm(ctx->o, "Header dump with volume key is sensitive information\n"
				"that allows access to encrypted partition without a passphrase.\n"
				"This dump should be stored encrypted in a safe place."))
		return cs_error(CS_EINVAL, "operation aborted");
	snprintf(prompt, sizeof(prompt), "Enter passphrase for %s: ", dev);
	r = cs_read_pass(ctx->o, ctx->o->key_file, prompt, false, &pass);
	if (r)
		return cs_fail(r);
	r = luks_unlock(fd, h, ctx->o->key_slot, pass.buf, pass.len, &key);
	cs_pass_free(&pass);
	if (r < 0)
		return cs_fail(r);
	printf("LUKS header information for %s\n", dev);
	printf("Cipher name:   \t%.*s\n", (int)(dash ? dash - h->cipher : (long)strlen(h->cipher)),
	       h->cipher);
	printf("Cipher mode:   \t%s\n", dash ? dash + 1 : "");
	printf("Payload offset:\t%llu\n", (unsigned long long)(h->data_offset / 512));
	printf("UUID:          \t%s\n", h->uuid);
	printf("MK bits:       \t%u\n", h->key_size * 8);
	printf("MK dump:\t");
	hex_lines(key, h->key_size, "\t\t");
	secure_free(key, h->key_size);
	return CS_OK;
}

static int with_header(struct cs_ctx *ctx, int (*fn)(struct cs_ctx *, int, struct luks_hdr *))
{
	struct luks_hdr hdr;
	uint64_t size;
	int fd, r;

	r = cs_open_device(ctx->argv[0], true, &fd, &size);
	if (r)
		return cs_fail(r);
	r = cs_load(fd, ctx->argv[0], &hdr);
	if (r) {
		close(fd);
		return cs_error(CS_ENODEV, "%s", err_msg());
	}
	r = fn(ctx, fd, &hdr);
	luks_hdr_release(&hdr);
	close(fd);
	return r;
}

static int dump(struct cs_ctx *ctx, int fd, struct luks_hdr *h)
{
	if (ctx->o->dump_volume_key)
		return dump_volume_key(ctx, fd, h, ctx->argv[0]);
	if (h->version == 1)
		dump_luks1(h, ctx->argv[0]);
	else
		dump_luks2(h);
	return CS_OK;
}

static int uuid(struct cs_ctx *ctx, int fd, struct luks_hdr *h)
{
	printf("%s\n", h->uuid);
	return CS_OK;
}

int cs_luks_dump(struct cs_ctx *ctx)
{
	return with_header(ctx, dump);
}

int cs_luks_uuid(struct cs_ctx *ctx)
{
	if (ctx->o->uuid)
		return cs_error(CS_EINVAL, "luksUUID: setting a uuid is not supported");
	return with_header(ctx, uuid);
}

int cs_is_luks(struct cs_ctx *ctx)
{
	struct luks_hdr hdr;
	uint64_t size;
	int fd, r;

	r = cs_open_device(ctx->argv[0], true, &fd, &size);
	if (r)
		return ctx->o->verbose ? cs_fail(r) : CS_ENODEV;
	r = luks_load(fd, ctx->argv[0], &hdr);
	close(fd);
	if (r) {
		if (ctx->o->verbose)
			cs_error(CS_ENODEV, "%s", err_msg());
		return CS_EINVAL;
	}
	int version = hdr.version;
	luks_hdr_release(&hdr);
	if (ctx->o->type && strcmp(ctx->o->type, "luks") &&
	    (strncmp(ctx->o->type, "luks", 4) || version != ctx->o->type[4] - '0'))
		return CS_EINVAL;
	return CS_OK;
}
