#include "arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

/* `size` bytes aligned to `align` (a power of two), not zeroed. */
static void *alloc_aligned(struct arena *a, size_t size, size_t align)
{
	struct arena_chunk *c = a->chunks;
	size_t start = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || start > c->cap || c->cap - start < size) {
		size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			abort();
		c->cap = cap;
		c->next = a->chunks;
		a->chunks = c;
		start = 0;
	}
	void *p = c->data + start;
	c->used = start + size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = alloc_aligned(a, size, alignof(max_align_t));
	memset(p, 0, size);
	return p;
}

/* Strings need neither zeroing nor alignment: a parse of 10,000 LVs makes
 * half a million of them. */
char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_aligned(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_release(struct arena *a)
{
	while (a->chunks) {
		struct arena_chunk *next = a->chunks->next;
		free(a->chunks);
		a->chunks = next;
	}
}
