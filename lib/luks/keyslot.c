/* A key slot's material on disk: the AF-split volume key, encrypted with
 * the key derived from the passphrase in 512-byte units whose IVs count
 * from 0 at the start of the area. */
#include "luks/luks_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "crypto/sector_cipher.h"
#include "util/error.h"

int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(errno, "read at %llu failed: %s",
				       (unsigned long long)(off + done), strerror(errno));
		if (n == 0)
			return err_set(EIO, "device too small (read at %llu)",
				       (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return 0;
}

int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(n < 0 ? errno : EIO, "write at %llu failed: %s",
				       (unsigned long long)(off + done),
				       strerror(n < 0 ? errno : EIO));
		done += (size_t)n;
	}
	return 0;
}

uint64_t luks_af_bytes(uint32_t key_size, uint32_t stripes)
{
	uint64_t n = (uint64_t)key_size * stripes;

	return (n + 511) / 512 * 512;
}

/* Runs the area cipher of `ks` keyed with dk over buf. */
static int area_crypt(const struct luks_keyslot *ks, const uint8_t *dk, bool encrypt, uint8_t *buf,
		      size_t len)
{
	struct cipher_spec spec;
	struct sector_cipher *sc;
	char why[160];
	int r;

	if (cipher_spec_parse(ks->cipher, &spec, why, sizeof(why)) ||
	    sector_cipher_new(&spec, dk, ks->area_key_size, &sc, why, sizeof(why)))
		return err_set(EINVAL, "keyslot cipher: %s", why);
	r = sector_cipher_run(sc, encrypt, 0, 1, 512, buf, buf, len);
	sector_cipher_free(sc);
	return r ? err_set(EIO, "keyslot cipher '%s' failed", ks->cipher) : 0;
}

int keyslot_read_key(int fd, const struct luks_keyslot *ks, const uint8_t *dk, uint8_t *key)
{
	size_t len = (size_t)luks_af_bytes(ks->key_size, ks->stripes);
	uint8_t *buf = secure_alloc(len);
	int r;

	if (!buf)
		return err_set(ENOMEM, "out of memory");
	r = pread_full(fd, buf, len, ks->offset);
	if (!r)
		r = area_crypt(ks, dk, false, buf, len);
	if (!r)
		r = af_merge(buf, ks->key_size, ks->stripes, ks->af_hash, key);
	secure_free(buf, len);
	return r;
}

int keyslot_write_key(int fd, const struct luks_keyslot *ks, const uint8_t *dk, const uint8_t *key)
{
	size_t len = (size_t)luks_af_bytes(ks->key_size, ks->stripes);
	uint8_t *buf = secure_alloc(len);
	int r;

	if (!buf)
		return err_set(ENOMEM, "out of memory");
	memset(buf, 0, len);
	r = af_split(key, ks->key_size, ks->stripes, ks->af_hash, buf);
	if (!r)
		r = area_crypt(ks, dk, true, buf, len);
	if (!r)
		r = pwrite_full(fd, buf, len, ks->offset);
	if (!r && fdatasync(fd) && errno != EINVAL)
		r = err_set(errno, "sync failed: %s", strerror(errno));
	secure_free(buf, len);
	return r;
}

/* Random bytes over the whole area: the split key cannot be recovered
 * from what is left. */
int keyslot_wipe(int fd, const struct luks_keyslot *ks)
{
	uint8_t buf[65536];
	int r = 0;

	for (uint64_t done = 0; done < ks->size && !r;) {
		size_t n = ks->size - done < sizeof(buf) ? (size_t)(ks->size - done) : sizeof(buf);

		r = random_bytes(buf, n);
		if (!r)
			r = pwrite_full(fd, buf, n, ks->offset + done);
		done += n;
	}
	if (!r && fdatasync(fd) && errno != EINVAL)
		r = err_set(errno, "sync failed: %s", strerror(errno));
	return r;
}
