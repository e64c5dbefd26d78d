/* A per-thread pool of page-aligned data buffers for NBD requests.
 *
 * O_DIRECT backing needs 4096-aligned buffers, and posix_memalign plus
 * free per 4k request would cost more than the request itself. Buffers
 * come in power-of-two classes from 4 KiB to NBD_MAX_BLOCK; each worker
 * thread keeps its own free lists (buffers are taken and given back on the
 * worker that owns the connection), so no lock is taken. A thread's cache
 * is freed when the thread exits.
 */
#include <pthread.h>
#include <stdlib.h>

#include "exports/nbd_int.h"

#define CLASS_MIN_SHIFT 12
#define NR_CLASSES	14 /* 4 KiB << 13 = 32 MiB = NBD_MAX_BLOCK */

struct free_buf {
	struct free_buf *next;
};

struct buf_cache {
	struct free_buf *head[NR_CLASSES];
	unsigned count[NR_CLASSES];
};

static __thread struct buf_cache *cache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

/* How many free buffers of a class a thread keeps: many small ones (a
 * QD-256 4k workload reuses them all), few large ones (memory). */
static unsigned class_keep(unsigned cls)
{
	if (cls <= 4) /* up to 64 KiB */
		return NBD_MAX_INFLIGHT;
	if (cls <= 8) /* up to 1 MiB */
		return 32;
	return 2;
}

static void cache_destroy(void *arg)
{
	struct buf_cache *bc = arg;

	for (unsigned i = 0; i < NR_CLASSES; i++) {
		while (bc->head[i]) {
			struct free_buf *b = bc->head[i];

			bc->head[i] = b->next;
			free(b);
		}
	}
	free(bc);
	cache = NULL;
}

static void cache_key_init(void)
{
	pthread_key_create(&cache_key, cache_destroy);
}

static struct buf_cache *cache_get(void)
{
	if (!cache) {
		pthread_once(&cache_once, cache_key_init);
		cache = calloc(1, sizeof(*cache));
		if (cache)
			pthread_setspecific(cache_key, cache);
	}
	return cache;
}

static unsigned class_of(uint32_t len)
{
	unsigned cls = 0;

	while (cls < NR_CLASSES - 1 && (1u << (cls + CLASS_MIN_SHIFT)) < len)
		cls++;
	return cls;
}

void *nbd_buf_get(uint32_t len, uint32_t *cap)
{
	unsigned cls = class_of(len);
	struct buf_cache *bc = cache_get();
	void *p;

	*cap = 1u << (cls + CLASS_MIN_SHIFT);
	if (bc && bc->head[cls]) {
		struct free_buf *b = bc->head[cls];

		bc->head[cls] = b->next;
		bc->count[cls]--;
		return b;
	}
	if (posix_memalign(&p, 4096, *cap))
		return NULL;
	return p;
}

void nbd_buf_put(void *buf, uint32_t cap)
{
	unsigned cls = class_of(cap);
	struct buf_cache *bc = cache_get();
	struct free_buf *b = buf;

	if (!buf)
		return;
	if (!bc || bc->count[cls] >= class_keep(cls)) {
		free(buf);
		return;
	}
	b->next = bc->head[cls];
	bc->head[cls] = b;
	bc->count[cls]++;
}
