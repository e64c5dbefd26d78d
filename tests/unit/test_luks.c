/* Unit tests for lib/crypto and lib/luks: cipher spec parsing, AF split and
 * merge, base64, a format/unlock round trip in memory, and hostile headers
 * (bad checksums, JSON without terminator or with trailing bytes,
 * overlapping areas, huge sizes) refused without a crash. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto/cipher_spec.h"
#include "crypto/sector_cipher.h"
#include "luks/luks.h"
#include "luks/luks_int.h"

#define HDR 16384

static void test_spec(void)
{
	struct cipher_spec s;
	char why[160];

	assert(!cipher_spec_parse("aes-xts-plain64", &s, why, sizeof(why)));
	assert(!strcmp(s.cipher, "aes") && !strcmp(s.chainmode, "xts") && s.ivmode == IV_PLAIN64);
	assert(!cipher_spec_parse("aes", &s, why, sizeof(why)));
	assert(!strcmp(s.chainmode, "cbc") && s.ivmode == IV_PLAIN);
	assert(!cipher_spec_parse("capi:cbc(aes)-essiv:sha256", &s, why, sizeof(why)));
	assert(s.ivmode == IV_ESSIV && !strcmp(s.ivopts, "sha256"));
	assert(cipher_spec_parse("aes-cbc-lmk", &s, why, sizeof(why)));
	assert(!strcmp(why, "unsupported iv mode 'lmk'"));
	assert(cipher_spec_parse("aes-xts", &s, why, sizeof(why)));
	assert(cipher_spec_parse("capi:essiv(cbc(aes),sha256)-plain64", &s, why, sizeof(why)));
	assert(cipher_spec_parse("", &s, why, sizeof(why)));
}

static void test_af_base64(void)
{
	uint8_t key[64], split[64 * 4000], back[64], raw[40], dec[40];

	for (int i = 0; i < 64; i++)
		key[i] = (uint8_t)i;
	assert(!af_split(key, 64, 4000, "sha256", split));
	assert(!af_merge(split, 64, 4000, "sha256", back));
	assert(!memcmp(key, back, 64));
	split[100] ^= 1;
	assert(!af_merge(split, 64, 4000, "sha256", back) && memcmp(key, back, 64));
	for (size_t n = 0; n < sizeof(raw); n++) {
		raw[n] = (uint8_t)(n * 37);
		char *t = base64_encode(raw, n);
		assert(base64_decode(t, dec, sizeof(dec)) == (long)n && !memcmp(raw, dec, n));
		free(t);
	}
	assert(base64_decode("abc", dec, sizeof(dec)) < 0);
	assert(base64_decode("a=bc", dec, sizeof(dec)) < 0);
	assert(base64_decode("ab!c", dec, sizeof(dec)) < 0);
}

/* A fresh LUKS2 (or LUKS1) volume in a memfd, passphrase "pw". */
static int make_volume(int version)
{
	struct luks_format_params p = {
	    .version = version, .cipher = "aes-xts-plain64", .hash = "sha256", .key_size = 64};
	struct luks_hdr hdr;
	int fd = memfd_create("luks", 0);

	strcpy(p.pbkdf.type, "pbkdf2");
	p.pbkdf.iterations = 1000;
	assert(fd >= 0 && !ftruncate(fd, 20 << 20));
	assert(!luks_format(fd, 20 << 20, &p, "pw", 2, &hdr));
	luks_hdr_release(&hdr);
	return fd;
}

static void test_roundtrip(int version)
{
	int fd = make_volume(version);
	struct luks_hdr hdr;
	uint8_t *key;

	assert(!luks_load(fd, "mem", &hdr) && hdr.version == version);
	assert(luks_unlock(fd, &hdr, -1, "pw", 2, &key) == 0);
	assert(luks_unlock(fd, &hdr, -1, "px", 2, &key) == -EPERM);
	close(fd);
	luks_hdr_release(&hdr);
}

/* Rewrites copy `off` with `json` and a correct checksum (or a wrong one). */
static void put_json(int fd, uint64_t off, const char *json, size_t len, bool good_csum)
{
	uint8_t *c = calloc(1, HDR);
	unsigned n;

	assert(pread(fd, c, 4096, (off_t)off) == 4096);
	memset(c + 4096, 0, HDR - 4096);
	memcpy(c + 4096, json, len);
	memset(c + 448, 0, 64);
	EVP_Digest(c, HDR, c + 448, &n, EVP_sha256(), NULL);
	if (!good_csum)
		c[448] ^= 1;
	assert(pwrite(fd, c, HDR, (off_t)off) == HDR);
	free(c);
}

static char *get_json(int fd)
{
	char *j = calloc(1, HDR);

	assert(pread(fd, j, HDR - 4096, 4096) == HDR - 4096);
	return j;
}

/* Replaces `from` by `to` in the JSON of both copies; expects load to fail. */
static void expect_refused(const char *from, const char *to)
{
	int fd = make_volume(2);
	char *j = get_json(fd), *p = strstr(j, from), buf[HDR];
	struct luks_hdr hdr;

	assert(p);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - j), j, to, p + strlen(from));
	put_json(fd, 0, buf, strlen(buf), true);
	put_json(fd, HDR, buf, strlen(buf), true);
	if (!luks_load(fd, "mem", &hdr)) {
		fprintf(stderr, "accepted hostile header: '%s' -> '%s'\n", from, to);
		abort();
	}
	free(j);
	close(fd);
}

static void test_hostile(void)
{
	struct luks_hdr hdr;
	int fd = make_volume(2);
	char *j = get_json(fd), full[HDR];

	/* Bad primary checksum: the secondary is used. */
	put_json(fd, 0, j, strlen(j), false);
	assert(!luks_load(fd, "mem", &hdr) && hdr.primary_bad);
	luks_hdr_release(&hdr);
	/* Both bad: refused. */
	put_json(fd, HDR, j, strlen(j), false);
	assert(luks_load(fd, "mem", &hdr) < 0);
	/* JSON without a terminator, and with junk after it. */
	memset(full, '{', sizeof(full));
	put_json(fd, 0, full, HDR - 4096, true);
	put_json(fd, HDR, full, HDR - 4096, true);
	assert(luks_load(fd, "mem", &hdr) < 0);
	snprintf(full, sizeof(full), "%s\n", j);
	put_json(fd, 0, full, strlen(full), true);
	put_json(fd, HDR, full, strlen(full), true);
	assert(luks_load(fd, "mem", &hdr) < 0);
	free(j);
	close(fd);

	expect_refused("\"offset\":\"32768\"", "\"offset\":\"16\"");	   /* over the header */
	expect_refused("\"size\":\"258048\"", "\"size\":\"99999999999\""); /* past the area */
	expect_refused("\"keyslots_size\":\"16744448\"", "\"keyslots_size\":\"999999999999\"");
	expect_refused("\"stripes\":4000", "\"stripes\":4000000000");
	expect_refused("\"key_size\":64,\"af\"", "\"key_size\":100000,\"af\"");
	expect_refused("\"iterations\":1000,\"salt\"", "\"iterations\":-5,\"salt\"");
	expect_refused("\"offset\":\"16777216\"", "\"offset\":\"4096\""); /* data over metadata */
	expect_refused("\"sector_size\":4096", "\"sector_size\":3000");
	expect_refused("\"json_size\":\"12288\"", "\"json_size\":\"4096\"");
	expect_refused("\"config\":{", "\"config\":{\"requirements\":{\"mandatory\":[\"x\"]},");
	expect_refused("\"type\":\"crypt\"", "\"type\":\"crypt\",\"integrity\":{}");
	/* A second keyslot whose area is the first one's. */
	fd = make_volume(2);
	j = get_json(fd);
	char *slot0 = strstr(j, "{\"type\":\"luks2\""), *end = strstr(j, "},\"tokens\"");
	assert(slot0 && end);
	snprintf(full, sizeof(full), "{\"keyslots\":{\"1\":%.*s,\"0\":%s", (int)(end - slot0),
		 slot0, slot0);
	put_json(fd, 0, full, strlen(full), true);
	put_json(fd, HDR, full, strlen(full), true);
	assert(luks_load(fd, "mem", &hdr) < 0);
	free(j);
	close(fd);
}

static void test_hostile_luks1(void)
{
	int fd = make_volume(1);
	struct luks_hdr hdr;
	uint8_t b[4] = {0, 0, 0, 8}; /* slot 1 key material at sector 8: over slot 0 */

	assert(pwrite(fd, b, 4, 208 + 48 + 40) == 4);
	assert(luks_load(fd, "mem", &hdr) < 0);
	b[3] = 1; /* slot 1 over the header */
	assert(pwrite(fd, b, 4, 208 + 48 + 40) == 4);
	assert(luks_load(fd, "mem", &hdr) < 0);
	b[0] = 0xff; /* stripes */
	assert(pwrite(fd, b, 4, 208 + 44) == 4);
	assert(luks_load(fd, "mem", &hdr) < 0);
	close(fd);
}

int main(void)
{
	test_spec();
	test_af_base64();
	test_roundtrip(1);
	test_roundtrip(2);
	test_hostile();
	test_hostile_luks1();
	printf("test_luks: ok\n");
	return 0;
}
