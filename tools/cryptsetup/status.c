/* cryptsetup status and benchmark. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cryptsetup.h"
#include "crypto/sector_cipher.h"
#include "ulvm/client.h"
#include "util/error.h"

/* The type cryptsetup put in the dm uuid (CRYPT-<TYPE>-...). */
static void uuid_type(const char *uuid, char *out, size_t size)
{
	const char *end;

	snprintf(out, size, "n/a");
	if (strncmp(uuid, "CRYPT-", 6) || !(end = strchr(uuid + 6, '-')))
		return;
	snprintf(out, size, "%.*s", (int)(end - uuid - 6), uuid + 6);
}

static void print_status(const char *name, const struct ulvm_info *info,
			 const struct ulvm_target *t)
{
	char cipher[128], key[1024], dev[4096], type[16], extra[512] = "";
	unsigned long long iv_offset, offset;
	const char *ss = strstr(t->params, "sector_size:");

	uuid_type(info->uuid, type, sizeof(type));
	if (sscanf(t->params, "%127s %1023s %llu %4095s %llu", cipher, key, &iv_offset, dev,
		   &offset) != 5)
		return;
	printf("%s/mapper/%s is active%s.\n",
	       getenv("ULVM_DEV_DIR") ? getenv("ULVM_DEV_DIR") : "/dev", name,
	       info->open_count ? " and is in use" : "");
	printf("  type:    %s\n", type);
	printf("  cipher:  %s\n", cipher);
	printf("  keysize: %zu bits\n", strcmp(key, "-") ? strlen(key) * 4 : 0);
	printf("  key location: dm-crypt\n");
	printf("  device:  %s\n", dev);
	printf("  sector size:  %u\n", ss ? (unsigned)strtoul(ss + 12, NULL, 10) : 512);
	printf("  offset:  %llu sectors\n", offset);
	if (iv_offset)
		printf("  skipped: %llu sectors\n", iv_offset);
	printf("  size:    %llu sectors\n", (unsigned long long)t->length);
	if (strstr(t->params, "allow_discards"))
		snprintf(extra, sizeof(extra), "\n  flags:   discards");
	printf("  mode:    %s%s\n", info->read_only ? "readonly" : "read/write", extra);
}

int cs_status(struct cs_ctx *ctx)
{
	const char *name = ctx->argv[0];
	struct ulvm_client *c = ulvm_client_open(0);
	struct ulvm_table *table = NULL;
	struct ulvm_info info;
	int r;

	if (!c) {
		printf("%s/mapper/%s is inactive.\n",
		       getenv("ULVM_DEV_DIR") ? getenv("ULVM_DEV_DIR") : "/dev", name);
		return CS_ENODEV;
	}
	r = ulvm_table(c, ULVM_DEV_NAME(name), 0, &info, &table);
	ulvm_client_close(c);
	if (r || table->count != 1 || strcmp(table->target[0].type, "crypt")) {
		printf("%s/mapper/%s is inactive.\n",
		       getenv("ULVM_DEV_DIR") ? getenv("ULVM_DEV_DIR") : "/dev", name);
		free(table);
		return CS_ENODEV;
	}
	print_status(name, &info, &table->target[0]);
	free(table);
	return CS_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* MiB/s of one direction over a 1 MiB buffer for about 0.25 s. */
static double cipher_speed(struct sector_cipher *sc, bool encrypt, uint8_t *buf, size_t len)
{
	double t0 = now_s(), t;
	size_t done = 0;

	do {
		if (sector_cipher_run(sc, encrypt, done / 512, 1, 512, buf, buf, len))
			return 0;
		done += len;
		t = now_s() - t0;
	} while (t < 0.25);
	return (double)done / (1 << 20) / t;
}

static void bench_cipher(const char *spec_text, uint32_t key_bits, uint8_t *buf, size_t len)
{
	struct cipher_spec spec;
	struct sector_cipher *sc;
	uint8_t key[LUKS_KEY_MAX];
	char why[160], name[64];
	const char *iv = strrchr(spec_text, '-');

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	snprintf(name, sizeof(name), "%.*s", (int)(iv ? iv - spec_text : (long)strlen(spec_text)),
		 spec_text);
	if (cipher_spec_parse(spec_text, &spec, why, sizeof(why)) ||
	    sector_cipher_new(&spec, key, key_bits / 8, &sc, why, sizeof(why))) {
		printf("%15s %9ub %10s %13s\n", name, key_bits, "N/A", "N/A");
		return;
	}
	double enc = cipher_speed(sc, true, buf, len), dec = cipher_speed(sc, false, buf, len);
	printf("%15s %9ub %10.1f MiB/s %10.1f MiB/s\n", name, key_bits, enc, dec);
	sector_cipher_free(sc);
}

int cs_benchmark(struct cs_ctx *ctx)
{
	static const struct {
		const char *spec;
		uint32_t bits;
	} ciphers[] = {{"aes-cbc-plain64", 128},
		       {"aes-cbc-plain64", 256},
		       {"aes-xts-plain64", 256},
		       {"aes-xts-plain64", 512}};
	static const char *const hashes[] = {"sha1", "sha256", "sha512"};
	size_t len = 1 << 20;
	uint8_t *buf = calloc(1, len);

	if (!buf)
		return cs_error(CS_ENOMEM, "out of memory");
	printf("# Tests are approximate using memory only (no storage IO).\n");
	for (size_t i = 0; !ctx->o->cipher && i < sizeof(hashes) / sizeof(hashes[0]); i++)
		printf("PBKDF2-%-9s %8u iterations per second for 256-bit key\n", hashes[i],
		       luks_pbkdf2_speed(hashes[i]));
	printf("#%14s %10s %16s %16s\n", "Algorithm", "Key", "Encryption", "Decryption");
	if (ctx->o->cipher)
		bench_cipher(ctx->o->cipher, ctx->o->key_size ? ctx->o->key_size : 256, buf, len);
	for (size_t i = 0; !ctx->o->cipher && i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		bench_cipher(ciphers[i].spec, ciphers[i].bits, buf, len);
	free(buf);
	return CS_OK;
}
