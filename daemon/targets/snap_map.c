/* Chunk hash map for the snapshot targets (see snap_map.h). */
#include <errno.h>
#include <stdlib.h>

#include "targets/snap_map.h"

#define SNAP_MAP_MIN_CAP 64

static size_t slot_of(const struct snap_map *m, uint64_t key)
{
	/* Fibonacci hashing: consecutive chunks spread over the table. */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (m->cap - 1);
}

void snap_map_release(struct snap_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static struct snap_map_slot *find(const struct snap_map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
		struct snap_map_slot *s = &m->slots[i];
		if (!s->used)
			return NULL;
		if (s->key == key)
			return s;
	}
}

bool snap_map_get(const struct snap_map *m, uint64_t key, uint64_t *val)
{
	struct snap_map_slot *s = find(m, key);

	if (s && val)
		*val = s->val;
	return s != NULL;
}

static void insert_new(struct snap_map *m, uint64_t key, uint64_t val)
{
	size_t i = slot_of(m, key);

	while (m->slots[i].used)
		i = (i + 1) & (m->cap - 1);
	m->slots[i] = (struct snap_map_slot){.key = key, .val = val, .used = true};
	m->count++;
}

/* Keeps the load factor at most 1/2. */
static int grow(struct snap_map *m)
{
	struct snap_map old = *m;
	size_t cap = m->cap ? m->cap * 2 : SNAP_MAP_MIN_CAP;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -ENOMEM;
	}
	m->cap = cap;
	m->count = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].used)
			insert_new(m, old.slots[i].key, old.slots[i].val);
	free(old.slots);
	return 0;
}

int snap_map_put(struct snap_map *m, uint64_t key, uint64_t val)
{
	struct snap_map_slot *s = find(m, key);

	if (s) {
		s->val = val;
		return 0;
	}
	if ((m->count + 1) * 2 > m->cap && grow(m))
		return -ENOMEM;
	insert_new(m, key, val);
	return 0;
}

bool snap_map_del(struct snap_map *m, uint64_t key)
{
	struct snap_map_slot *s = find(m, key);

	if (!s)
		return false;
	/* Backward-shift: move later entries of the probe run into the hole
	 * unless their home slot lies cyclically in (hole, entry]. */
	size_t hole = (size_t)(s - m->slots);
	size_t i = hole;
	for (;;) {
		i = (i + 1) & (m->cap - 1);
		if (!m->slots[i].used)
			break;
		size_t home = slot_of(m, m->slots[i].key);
		bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
		if (stays)
			continue;
		m->slots[hole] = m->slots[i];
		hole = i;
	}
	m->slots[hole].used = false;
	m->count--;
	return true;
}

int snap_map_add(struct snap_map *m, uint64_t key, int64_t delta, uint64_t *result)
{
	uint64_t v = 0;

	snap_map_get(m, key, &v);
	v += (uint64_t)delta;
	if (result)
		*result = v;
	if (!v) {
		snap_map_del(m, key);
		return 0;
	}
	return snap_map_put(m, key, v);
}
