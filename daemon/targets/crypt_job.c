/* crypt: the cipher work of one io, spread over the workers, and the
 * bounce buffers writes are encrypted into.
 *
 * An io belongs to one worker, but encrypting 1 MiB is the largest cost
 * on its path; a job cuts it into shares that idle workers take
 * (engine/spread.h), so one busy connection can use every core. Small
 * runs stay on the owner: posting costs more than the cipher saves.
 *
 * Bounce buffers come from a per-thread cache of power-of-two sizes: a
 * fresh 1 MiB allocation per write is an mmap, 256 page faults and a
 * munmap, which cost more than the encryption itself.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "engine/worker.h"
#include "targets/crypt.h"

/* Below this a share is not worth posting to another worker. */
#define CRYPT_SHARE_MIN (64u << 10)
/* Shares per worker: a few more than one lets the others make up for a
 * helper that comes round late. */
#define CRYPT_SHARES_PER_WORKER 4u

#define BOUNCE_MIN_SHIFT  12	      /* smallest cached size: 4 KiB */
#define BOUNCE_CLASSES	  11	      /* ... up to 4 MiB */
#define BOUNCE_KEEP	  16	      /* buffers kept per size on a thread */
#define BOUNCE_KEEP_BYTES (32u << 20) /* and in all on a thread */

struct bounce_free {
	struct bounce_free *next;
};

struct bounce_cache {
	struct bounce_free *free[BOUNCE_CLASSES];
	unsigned count[BOUNCE_CLASSES];
	size_t bytes; /* kept in all */
};

static pthread_key_t bounce_key;
static pthread_once_t bounce_once = PTHREAD_ONCE_INIT;

/* Runs when a thread holding a cache exits (workers at shutdown). */
static void bounce_cache_free(void *arg)
{
	struct bounce_cache *c = arg;

	for (unsigned k = 0; k < BOUNCE_CLASSES; k++) {
		while (c->free[k]) {
			struct bounce_free *next = c->free[k]->next;

			free(c->free[k]);
			c->free[k] = next;
		}
	}
	free(c);
}

static void bounce_key_make(void)
{
	if (pthread_key_create(&bounce_key, bounce_cache_free))
		abort(); /* out of keys at startup: nothing works anyway */
}

static struct bounce_cache *bounce_cache(void)
{
	struct bounce_cache *c;

	pthread_once(&bounce_once, bounce_key_make);
	c = pthread_getspecific(bounce_key);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (c && pthread_setspecific(bounce_key, c)) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

/* The size class holding `bytes`, or BOUNCE_CLASSES when too large. */
static unsigned bounce_class(size_t bytes)
{
	unsigned k = 0;

	while (k < BOUNCE_CLASSES && ((size_t)1 << (BOUNCE_MIN_SHIFT + k)) < bytes)
		k++;
	return k;
}

void *crypt_bounce(size_t bytes)
{
	unsigned k = bounce_class(bytes);
	struct bounce_cache *c = k < BOUNCE_CLASSES ? bounce_cache() : NULL;
	void *p = NULL;

	if (c && c->free[k]) {
		p = c->free[k];
		c->free[k] = c->free[k]->next;
		c->count[k]--;
		c->bytes -= (size_t)1 << (BOUNCE_MIN_SHIFT + k);
		return p;
	}
	if (k < BOUNCE_CLASSES)
		bytes = (size_t)1 << (BOUNCE_MIN_SHIFT + k);
	/* Page alignment: the backing file may be opened O_DIRECT. */
	if (posix_memalign(&p, 4096, bytes ? bytes : 1))
		return NULL;
	return p;
}

void crypt_bounce_free(void *p, size_t bytes)
{
	unsigned k = bounce_class(bytes);
	struct bounce_cache *c = k < BOUNCE_CLASSES && p ? bounce_cache() : NULL;
	struct bounce_free *f = p;

	if (!c || c->count[k] >= BOUNCE_KEEP ||
	    c->bytes + ((size_t)1 << (BOUNCE_MIN_SHIFT + k)) > BOUNCE_KEEP_BYTES) {
		free(p);
		return;
	}
	f->next = c->free[k];
	c->free[k] = f;
	c->count[k]++;
	c->bytes += (size_t)1 << (BOUNCE_MIN_SHIFT + k);
}

static void crypt_job_share(struct spread *s, unsigned i)
{
	struct crypt_job *j = (struct crypt_job *)s;
	uint64_t off = (uint64_t)i * j->share_sectors;
	uint32_t n = j->nr - off < j->share_sectors ? (uint32_t)(j->nr - off) : j->share_sectors;
	size_t skip = (size_t)off << SECTOR_SHIFT;
	int r = crypt_encrypt(j->cc, j->encrypt, j->sector + off, n, j->in + skip, j->out + skip);
	int none = 0;

	if (r)
		atomic_compare_exchange_strong(&j->error, &none, r);
}

static void crypt_job_done(struct spread *s)
{
	struct crypt_job *j = (struct crypt_job *)s;

	j->done(j, atomic_load(&j->error));
}

/* Sectors per share: whole encryption units, at least CRYPT_SHARE_MIN,
 * and about CRYPT_SHARES_PER_WORKER shares per worker. */
static uint32_t crypt_share_sectors(const struct crypt *cc, uint32_t nr)
{
	uint32_t unit = cc->sector_size >> SECTOR_SHIFT;
	uint32_t min = CRYPT_SHARE_MIN >> SECTOR_SHIFT;
	uint32_t shares = workers_count() * CRYPT_SHARES_PER_WORKER;
	uint32_t want = shares ? (nr + shares - 1) / shares : nr;

	if (want < min)
		want = min;
	return (want + unit - 1) / unit * unit;
}

void crypt_job_start(struct crypt_job *j, struct crypt *cc, bool encrypt, uint64_t sector,
		     uint32_t nr, const void *in, void *out, void (*done)(struct crypt_job *, int))
{
	j->cc = cc;
	j->encrypt = encrypt;
	j->sector = sector;
	j->nr = nr;
	j->in = in;
	j->out = out;
	j->done = done;
	atomic_init(&j->error, 0);
	j->share_sectors = crypt_share_sectors(cc, nr);
	j->spread.shares = nr ? (nr + j->share_sectors - 1) / j->share_sectors : 1;
	j->spread.run = crypt_job_share;
	j->spread.done = crypt_job_done;
	spread_start(&j->spread);
}
