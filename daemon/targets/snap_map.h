/* A hash map from chunk numbers to 64-bit values, for the snapshot
 * targets' exception tables (origin chunk -> COW chunk), their pending
 * copies (chunk -> record) and their tracked ios (chunk -> count).
 *
 * Open addressing with linear probing and backward-shift deletion, so
 * there are no tombstones and a lookup stops at the first empty slot. Not
 * thread-safe: the snapshot code holds its origin's lock around every call.
 */
#ifndef ULVM_SNAP_MAP_H
#define ULVM_SNAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snap_map_slot {
	uint64_t key;
	uint64_t val;
	bool used;
};

struct snap_map {
	struct snap_map_slot *slots;
	size_t cap; /* a power of two, or 0 before the first insert */
	size_t count;
};

#define SNAP_MAP_INIT                                                                              \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Frees the slots; the map is empty and usable again afterwards. */
void snap_map_release(struct snap_map *m);

/* True and *val set when key is present (val may be NULL). */
bool snap_map_get(const struct snap_map *m, uint64_t key, uint64_t *val);

/* Inserts or replaces. Returns 0 or -ENOMEM (the map is unchanged then). */
int snap_map_put(struct snap_map *m, uint64_t key, uint64_t val);

/* Removes key; returns whether it was present. */
bool snap_map_del(struct snap_map *m, uint64_t key);

/* Adds delta to the value at key (absent counts as 0); an entry whose
 * value becomes 0 is removed. *result (may be NULL) gets the new value.
 * Returns 0 or -ENOMEM. */
int snap_map_add(struct snap_map *m, uint64_t key, int64_t delta, uint64_t *result);

#endif
