/* crypt: transparent encryption, as the kernel's dm-crypt.
 *
 * Unit u of the target (sector_size bytes) is stored encrypted at
 * <offset> + u on the device, with the IV of sector
 * (target-relative 512-byte sector of u + iv_offset), shifted down to
 * sector_size units with iv_large_sectors (docs/formats.md §4.4, §6.1).
 *
 * A write is encrypted into a bounce buffer (the caller's data is never
 * touched) which is then written; a read is remapped as it is and
 * decrypted in place when it completes. The cipher work of an io is
 * spread over all workers (crypt_job.c), the rest stays on its own. A
 * write-zeroes becomes writes of encrypted zeros, since zeros on the disk
 * would read back as garbage. The key lives in locked memory and is wiped
 * by `key wipe` and on removal.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "crypto/sector_cipher.h"
#include "ulvm/target.h"
#include "util/strbuf.h"
#include "util/parse.h"

#define CRYPT_MAX_FEATURE_ARGS 9

#include "targets/crypt.h"

/* ctr messages carrying a name need storage that outlives ctr: ti->error
 * is read right after ctr returns, on the same control thread. */
static _Thread_local char crypt_why[160];

static int crypt_fail(struct target *ti, int arg, const char *fmt, const char *word)
{
	snprintf(crypt_why, sizeof(crypt_why), fmt, word);
	return target_fail(ti, arg, crypt_why);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a hex key (or "-" for none) into locked memory. Never puts key
 * text into a message. Returns the length or a negative errno. */
static long crypt_decode_key(const char *text, uint8_t **out)
{
	size_t n = strlen(text);
	uint8_t *key;

	if (!strcmp(text, "-"))
		n = 0;
	if (n % 2)
		return -EINVAL;
	key = secure_alloc(n / 2);
	if (!key)
		return -ENOMEM;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			secure_free(key, n / 2);
			return -EINVAL;
		}
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = key;
	return (long)(n / 2);
}

/* sector_size:N, with the kernel's checks. */
static int crypt_parse_sector_size(struct target *ti, struct crypt *cc, const char *word, int argno)
{
	uint32_t n;

	if (parse_u32(word, &n) || n < 512 || n > 4096 || (n & (n - 1)))
		return target_fail(ti, argno, "invalid feature value for sector_size");
	if (ti->len & ((n >> SECTOR_SHIFT) - 1))
		return target_fail(ti, argno, "device size is not multiple of sector_size feature");
	cc->sector_size = n;
	ti->block_size = n; /* the device exposes it, as dm-crypt does */
	cc->sector_shift = 0;
	while ((512u << cc->sector_shift) < n)
		cc->sector_shift++;
	return 0;
}

static int crypt_parse_feature(struct target *ti, struct crypt *cc, const char *word, int argno)
{
	static const struct {
		const char *name;
		size_t offset;
	} flags[] = {
	    {"allow_discards", offsetof(struct crypt, allow_discards)},
	    {"same_cpu_crypt", offsetof(struct crypt, same_cpu_crypt)},
	    {"submit_from_crypt_cpus", offsetof(struct crypt, submit_from_crypt_cpus)},
	    {"no_read_workqueue", offsetof(struct crypt, no_read_workqueue)},
	    {"no_write_workqueue", offsetof(struct crypt, no_write_workqueue)},
	    {"iv_large_sectors", offsetof(struct crypt, iv_large_sectors)},
	    {"high_priority", offsetof(struct crypt, high_priority)},
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!strcasecmp(word, flags[i].name)) {
			*(bool *)((char *)cc + flags[i].offset) = true;
			return 0;
		}
	}
	if (!strncmp(word, "sector_size:", 12))
		return crypt_parse_sector_size(ti, cc, word + 12, argno);
	if (!strncmp(word, "integrity:", 10))
		return crypt_fail(ti, argno, "unsupported feature '%s'", word);
	return crypt_fail(ti, argno, "invalid feature argument '%s'", word);
}

/* [<#opt_params> <opt_params>...] starting at argv[5] */
static int crypt_parse_features(struct target *ti, struct crypt *cc, int argc, char **argv)
{
	uint32_t count;
	int r;

	if (argc == 5)
		return 0;
	if (parse_u32(argv[5], &count) || count > CRYPT_MAX_FEATURE_ARGS)
		return target_fail(ti, 6, "invalid number of feature args");
	if ((uint64_t)argc != 6 + (uint64_t)count)
		return target_fail(ti, 6, "feature argument count does not match");
	for (int i = 6; i < argc; i++) {
		r = crypt_parse_feature(ti, cc, argv[i], i + 1);
		if (r)
			return r;
	}
	return 0;
}

/* The cipher spec and key: argv[0], argv[1]. The key text is wiped in
 * place once decoded, as the kernel does, so no copy of it lingers in the
 * table's argument buffer. */
static int crypt_setup_cipher(struct target *ti, struct crypt *cc, char *spec_text, char *key_text)
{
	struct cipher_spec spec;
	uint8_t *key = NULL;
	long key_len;
	int r;

	if (cipher_spec_parse(spec_text, &spec, crypt_why, sizeof(crypt_why)))
		return target_fail(ti, 1, crypt_why);
	if (key_text[0] == ':')
		return target_fail(ti, 0, "kernel keyring keys are not supported");
	key_len = crypt_decode_key(key_text, &key);
	OPENSSL_cleanse(key_text, strlen(key_text));
	if (key_len < 0)
		return target_fail(ti, 0, key_len == -ENOMEM ? "out of memory" : "invalid key");
	r = sector_cipher_new(&spec, key, (size_t)key_len, &cc->sc, crypt_why, sizeof(crypt_why));
	secure_free(key, (size_t)key_len);
	if (r)
		return target_fail(ti, 1, crypt_why);
	cc->cipher_string = strdup(spec_text);
	if (!cc->cipher_string)
		return target_fail(ti, 0, "out of memory");
	return 0;
}

static void crypt_free(struct target *ti, struct crypt *cc)
{
	if (cc->dev)
		target_dev_put(ti, cc->dev);
	sector_cipher_free(cc->sc);
	free(cc->cipher_string);
	pthread_mutex_destroy(&cc->lock);
	free(cc);
}

/* Construct: <cipher> <key> <iv_offset> <dev_path> <offset> [<#opt_params> <opt_params>...]
 *   cipher     cipher[:keycount]-chainmode-ivmode[:ivopts] or capi:mode(cipher)-ivmode
 *   key        hex, or "-" for none (cipher_null); keyring references are refused
 *   iv_offset  sectors, a multiple of sector_size
 *   opt_params allow_discards same_cpu_crypt submit_from_crypt_cpus no_read_workqueue
 *              no_write_workqueue high_priority iv_large_sectors sector_size:<bytes> */
static int crypt_ctr(struct target *ti, int argc, char **argv)
{
	struct crypt *cc;
	int r;

	if (argc < 5)
		return target_fail(ti, 0, "not enough arguments");
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return target_fail(ti, 0, "out of memory");
	cc->sector_size = SECTOR_SIZE;
	atomic_init(&cc->suspended, false);
	pthread_mutex_init(&cc->lock, NULL);
	r = crypt_parse_features(ti, cc, argc, argv);
	if (!r)
		r = crypt_setup_cipher(ti, cc, argv[0], argv[1]);
	if (!r && (parse_u64(argv[2], &cc->iv_offset) ||
		   (cc->iv_offset & ((cc->sector_size >> SECTOR_SHIFT) - 1))))
		r = target_fail(ti, 3, "invalid iv_offset sector");
	if (!r && parse_u64(argv[4], &cc->start))
		r = target_fail(ti, 5, "invalid device sector");
	if (!r)
		r = target_dev_get(ti, argv[3], &cc->dev);
	if (r) {
		crypt_free(ti, cc);
		return r;
	}
	ti->num_flush_ios = 1;
	/* Write-zeroes is always served (as encrypted zeros); discards are
	 * refused in map unless allow_discards. */
	ti->num_discard_ios = 1;
	ti->private = cc;
	return 0;
}

static void crypt_dtr(struct target *ti)
{
	crypt_free(ti, ti->private);
}

/* A write or read of whole units in flight: the job encrypting into the
 * bounce buffer before the write, or decrypting in place after the read.
 * It is the clone's target_private until end_io frees it. */
struct crypt_data_io {
	struct crypt_job job; /* first: done casts back */
	struct io *io;
	void *bounce;
	bool decrypted; /* a read's second pass through end_io */
};

static void crypt_write_encrypted(struct crypt_job *j, int error)
{
	struct crypt_data_io *d = (struct crypt_data_io *)j;
	struct io *io = d->io;

	if (error) {
		io_complete(io, error);
		return;
	}
	/* The clone is ours to point elsewhere; end_io frees the bounce. */
	io->data = d->bounce;
	io_submit_dev(j->cc->dev, io);
}

static int crypt_map_write(struct crypt *cc, struct io *io)
{
	struct crypt_data_io *d = calloc(1, sizeof(*d));
	uint64_t sector;

	if (d)
		d->bounce = crypt_bounce(io_bytes(io));
	if (!d || !d->bounce) {
		free(d);
		io_complete(io, -ENOMEM);
		return MAP_SUBMITTED;
	}
	d->io = io;
	io->target_private = d;
	/* The job may finish (and send the clone) before it returns. */
	sector = io->sector;
	io_remap(io, cc->dev, cc->start + sector);
	crypt_job_start(&d->job, cc, true, sector, io->nr_sectors, io->data, d->bounce,
			crypt_write_encrypted);
	return MAP_SUBMITTED;
}

static int crypt_map_read(struct crypt *cc, struct io *io)
{
	struct crypt_data_io *d = calloc(1, sizeof(*d));

	if (!d) {
		io_complete(io, -ENOMEM);
		return MAP_SUBMITTED;
	}
	/* end_io needs the target-relative sector for the IVs. */
	d->job.sector = io->sector;
	d->io = io;
	io->target_private = d;
	io_remap(io, cc->dev, cc->start + io->sector);
	return MAP_REMAPPED;
}

static int crypt_map(struct target *ti, struct io *io)
{
	struct crypt *cc = ti->private;
	uint64_t mask = ((uint64_t)cc->sector_size >> SECTOR_SHIFT) - 1;

	if (io->op == IO_FLUSH) {
		io_remap(io, cc->dev, cc->start);
		return MAP_REMAPPED;
	}
	if (io->op == IO_DISCARD && !cc->allow_discards) {
		io_complete(io, -EOPNOTSUPP);
		return MAP_SUBMITTED;
	}
	/* Partial units, and writes of large units: see crypt_io.c (the
	 * kernel fails partial units). */
	if (io->op == IO_WRITE && mask)
		return crypt_map_units(ti, io);
	if ((io->sector | io->nr_sectors) & mask) {
		if (io->op == IO_READ)
			return crypt_map_units(ti, io);
		io_complete(io, io->op == IO_DISCARD ? -EOPNOTSUPP : -EIO);
		return MAP_SUBMITTED;
	}
	switch (io->op) {
	case IO_WRITE:
		return crypt_map_write(cc, io);
	case IO_WRITE_ZEROES:
		return crypt_map_zeroes(ti, io);
	case IO_READ:
		return crypt_map_read(cc, io);
	default:
		break;
	}
	io_remap(io, cc->dev, cc->start + io->sector);
	return MAP_REMAPPED;
}

static void crypt_read_decrypted(struct crypt_job *j, int error)
{
	struct crypt_data_io *d = (struct crypt_data_io *)j;

	d->decrypted = true;
	io_complete(d->io, error); /* back through crypt_end_io */
}

/* A completed read is decrypted in place (taken back until the job is
 * done); a completed write gives its bounce buffer back. */
static int crypt_end_io(struct target *ti, struct io *io, int *error)
{
	struct crypt *cc = ti->private;
	struct crypt_data_io *d = io->target_private;

	if (!d || (io->op != IO_READ && io->op != IO_WRITE))
		return 0;
	if (io->op == IO_READ && !*error && !d->decrypted) {
		crypt_job_start(&d->job, cc, false, d->job.sector, io->nr_sectors, io->data,
				io->data, crypt_read_decrypted);
		return MAP_SUBMITTED;
	}
	if (d->bounce)
		crypt_bounce_free(d->bounce, io_bytes(io));
	free(d);
	io->target_private = NULL;
	return 0;
}

static void crypt_status_key(struct crypt *cc, unsigned flags, struct strbuf *out)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *key = sector_cipher_key(cc->sc);
	size_t len = sector_cipher_key_len(cc->sc);

	if (!len) {
		sb_puts(out, "-");
		return;
	}
	/* Without --showkeys the key is blanked to zeros of its length, as
	 * dmsetup does, so table parsers still see its size. */
	for (size_t i = 0; i < len; i++) {
		char pair[2] = {'0', '0'};

		if (flags & STATUS_SHOWKEYS) {
			pair[0] = hex[key[i] >> 4];
			pair[1] = hex[key[i] & 0xf];
		}
		sb_add(out, pair, 2);
	}
}

/* INFO:  empty, as the kernel
 * TABLE: <cipher> <key> <iv_offset> <dev> <offset> [<#opts> <opts>...] */
static void crypt_status(struct target *ti, enum status_type type, unsigned flags,
			 struct strbuf *out)
{
	struct crypt *cc = ti->private;
	const char *opts[CRYPT_MAX_FEATURE_ARGS];
	char sector_size[32];
	int n = 0;

	if (type == STATUS_INFO)
		return;
	sb_printf(out, "%s ", cc->cipher_string);
	crypt_status_key(cc, flags, out);
	sb_printf(out, " %llu %s %llu", (unsigned long long)cc->iv_offset, target_dev_name(cc->dev),
		  (unsigned long long)cc->start);
	/* The kernel's order. */
	if (cc->allow_discards)
		opts[n++] = "allow_discards";
	if (cc->same_cpu_crypt)
		opts[n++] = "same_cpu_crypt";
	if (cc->submit_from_crypt_cpus)
		opts[n++] = "submit_from_crypt_cpus";
	if (cc->no_read_workqueue)
		opts[n++] = "no_read_workqueue";
	if (cc->no_write_workqueue)
		opts[n++] = "no_write_workqueue";
	if (cc->sector_size != SECTOR_SIZE) {
		snprintf(sector_size, sizeof(sector_size), "sector_size:%u", cc->sector_size);
		opts[n++] = sector_size;
	}
	if (cc->iv_large_sectors)
		opts[n++] = "iv_large_sectors";
	if (cc->high_priority)
		opts[n++] = "high_priority";
	if (n)
		sb_printf(out, " %d", n);
	for (int i = 0; i < n; i++)
		sb_printf(out, " %s", opts[i]);
}

/* key set <hex key> | key wipe; only while suspended, as the kernel. */
static int crypt_message(struct target *ti, int argc, char **argv, struct strbuf *out)
{
	struct crypt *cc = ti->private;
	uint8_t *key = NULL;
	long len;
	int r;

	if (argc < 2 || strcasecmp(argv[0], "key"))
		return -EINVAL;
	if (!atomic_load(&cc->suspended)) {
		if (argc == 3)
			OPENSSL_cleanse(argv[2], strlen(argv[2]));
		sb_puts(out, "not suspended during key manipulation");
		return -EINVAL;
	}
	if (argc == 2 && !strcasecmp(argv[1], "wipe"))
		return sector_cipher_set_key(cc->sc, NULL, 0);
	if (argc != 3 || strcasecmp(argv[1], "set"))
		return -EINVAL;
	len = crypt_decode_key(argv[2], &key);
	OPENSSL_cleanse(argv[2], strlen(argv[2]));
	if (len < 0)
		return (int)len;
	r = (size_t)len == sector_cipher_key_len(cc->sc)
		? sector_cipher_set_key(cc->sc, key, (size_t)len)
		: -EINVAL;
	secure_free(key, (size_t)len);
	return r;
}

static void crypt_postsuspend(struct target *ti)
{
	struct crypt *cc = ti->private;

	atomic_store(&cc->suspended, true);
}

static int crypt_preresume(struct target *ti)
{
	struct crypt *cc = ti->private;

	/* A wiped key must be set again before I/O may flow. */
	return sector_cipher_has_key(cc->sc) ? 0 : -EAGAIN;
}

static void crypt_resume(struct target *ti)
{
	struct crypt *cc = ti->private;

	atomic_store(&cc->suspended, false);
}

static int crypt_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct crypt *cc = ti->private;

	return fn(ti, cc->dev, cc->start, ti->len, data);
}

const struct target_type crypt_target = {
    .name = "crypt",
    .version = {1, 24, 0},
    .ctr = crypt_ctr,
    .dtr = crypt_dtr,
    .map = crypt_map,
    .end_io = crypt_end_io,
    .status = crypt_status,
    .message = crypt_message,
    .postsuspend = crypt_postsuspend,
    .preresume = crypt_preresume,
    .resume = crypt_resume,
    .iterate_devices = crypt_iterate_devices,
};
