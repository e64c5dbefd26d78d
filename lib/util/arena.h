/* A bump allocator: many small allocations, one free.
 *
 * A parsed config tree or a VG model lives in one arena so that its owner
 * releases everything with a single arena_release(). Allocation never fails
 * for the caller: running out of memory aborts, like strbuf. */
#ifndef ULVM_UTIL_ARENA_H
#define ULVM_UTIL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunks; /* newest first */
};

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		NULL                                                                               \
	}

/* Returns `size` zeroed bytes aligned for any type, owned by the arena. */
void *arena_alloc(struct arena *a, size_t size);
/* Copies `n` bytes of `s` and adds a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every allocation; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);

#endif
