/* crypt: what crypt.c (table, status, messages) and crypt_io.c (the
 * data path helpers) share. Private to the crypt target. */
#ifndef ULVM_TARGETS_CRYPT_H
#define ULVM_TARGETS_CRYPT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "crypto/sector_cipher.h"
#include "engine/spread.h"
#include "ulvm/target.h"

struct crypt {
	struct target_dev *dev;
	uint64_t start;	    /* sector on dev of the target's sector 0 */
	uint64_t iv_offset; /* added to the sector before making the IV */
	char *cipher_string;
	struct sector_cipher *sc;
	unsigned sector_size;  /* bytes per encryption unit */
	unsigned sector_shift; /* log2(sector_size / 512) */
	bool iv_large_sectors, allow_discards, same_cpu_crypt, submit_from_crypt_cpus,
	    no_read_workqueue, no_write_workqueue, high_priority;
	atomic_bool suspended;
	/* sector_size > 512: writes lock the units they touch (crypt_io.c),
	 * so a read-modify-write never races another write. */
	pthread_mutex_t lock;
	struct crypt_rmw *held, *waiting;
};

/* Encrypts (or decrypts) `nr` sectors at target-relative `sector` from
 * `in` to `out`, with the IVs of those sectors. */
int crypt_encrypt(struct crypt *cc, bool encrypt, uint64_t sector, uint32_t nr, const void *in,
		  void *out);
/* A page-aligned buffer of at least `bytes` (the backing file may be
 * O_DIRECT), from the calling thread's cache; NULL when out of memory.
 * Give it back with crypt_bounce_free and the same `bytes`. */
void *crypt_bounce(size_t bytes);
void crypt_bounce_free(void *p, size_t bytes);

/* The cipher work of one io: `nr` sectors at target-relative `sector`
 * from `in` to `out` (may be `in`), spread over the workers
 * (crypt_job.c). */
struct crypt_job {
	struct spread spread; /* first: the spread's callbacks cast back */
	struct crypt *cc;
	bool encrypt;
	uint64_t sector;
	uint32_t nr, share_sectors;
	const uint8_t *in;
	uint8_t *out;
	atomic_int error; /* the first share's failure */
	void (*done)(struct crypt_job *j, int error);
};

/* Starts job `j` (caller's memory, valid until done). done(j, 0 or a
 * negative errno) runs on the calling worker, possibly before this
 * returns. */
void crypt_job_start(struct crypt_job *j, struct crypt *cc, bool encrypt, uint64_t sector,
		     uint32_t nr, const void *in, void *out, void (*done)(struct crypt_job *, int));
/* A write-zeroes as writes of encrypted zeros; completes `io` itself. */
int crypt_map_zeroes(struct target *ti, struct io *io);
/* An io not aligned to the encryption unit, or any write when units are
 * larger than 512 bytes: through a bounce buffer covering whole units (a
 * partial write reads, merges and rewrites them) under a unit lock. */
int crypt_map_units(struct target *ti, struct io *io);

#endif
