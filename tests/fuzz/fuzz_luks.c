/* libFuzzer target for the LUKS1/LUKS2 header readers and the LUKS2 JSON
 * parser (lib/luks). An input starting with a LUKS magic ("LUKS\xba\xbe"
 * or "SKUL\xba\xbe") is the start of a device image; anything else is
 * taken as a LUKS2 JSON area and wrapped in a valid binary header with a
 * correct checksum, so the JSON checks are reached past the checksum.
 * Seeds: tests/fuzz/corpus/fuzz_luks/ (headers made by real cryptsetup). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "luks/luks.h"

#define HDR_SIZE 16384

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[7 - i] = (uint8_t)(v >> (8 * i));
}

/* One LUKS2 copy at `off` whose JSON area holds `json` (cut to fit). */
static void make_copy(uint8_t *img, uint64_t off, const uint8_t *json, size_t len)
{
	uint8_t *c = img + off;
	unsigned n;

	memcpy(c, off ? "SKUL\xba\xbe" : "LUKS\xba\xbe", 6);
	c[7] = 2;
	put_be64(c + 8, HDR_SIZE);
	put_be64(c + 16, 1);
	memcpy(c + 72, "sha256", 6);
	put_be64(c + 256, off);
	memcpy(c + 4096, json, len < HDR_SIZE - 4096 ? len : HDR_SIZE - 4096);
	EVP_Digest(c, HDR_SIZE, c + 448, &n, EVP_sha256(), NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("luks", 0);
	struct luks_hdr hdr;
	uint8_t *img = NULL;

	if (fd < 0)
		return 0;
	if (size >= 6 && (!memcmp(data, "LUKS\xba\xbe", 6) || !memcmp(data, "SKUL\xba\xbe", 6))) {
		if (write(fd, data, size) != (ssize_t)size)
			goto out;
	} else {
		img = calloc(1, 2 * HDR_SIZE);
		if (!img)
			goto out;
		make_copy(img, 0, data, size);
		make_copy(img, HDR_SIZE, data, size);
		if (write(fd, img, 2 * HDR_SIZE) != 2 * HDR_SIZE)
			goto out;
	}
	if (!luks_load(fd, "fuzz", &hdr)) {
		/* What open would do next with a loaded header. */
		uint8_t key[LUKS_KEY_MAX] = {0};
		char *table = luks_table(&hdr, key, "/dev/null", 1ull << 40, 0);
		free(table);
		luks_hdr_release(&hdr);
	}
out:
	free(img);
	close(fd);
	return 0;
}
