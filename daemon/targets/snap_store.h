/* The snapshot exception stores, without I/O: the kernel's persistent
 * on-disk format (dm-snap-persistent) and the bookkeeping of both stores.
 * The code that reads and writes the COW device (snap_core.c, snap_meta.c)
 * calls these and does the I/O they ask for.
 *
 * Persistent COW device layout (all integers little-endian; the device is
 * an array of chunks of chunk_size sectors, chunk c at sector c*chunk_size):
 *
 *   chunk 0                header: u32 magic 0x70416E53 ("SnAp"), u32 valid
 *                          (1/0), u32 version (1), u32 chunk_size (sectors),
 *                          zeros to the end of the chunk
 *   chunk 1                metadata area 0
 *   chunks 2 .. epa+1      the data chunks area 0 describes
 *   chunk 1 + (epa+1)*i    metadata area i, followed by its epa data chunks
 *
 * with epa (exceptions per area) = chunk_size*512/16. An area is an array
 * of 16-byte entries { u64 old_chunk (origin), u64 new_chunk (COW) }; the
 * first entry with new_chunk == 0 ends the table (chunk 0 is the header, so
 * 0 is never a data chunk). Areas are read in order until one is not full.
 * Magic 0 means a new snapshot: the header is written and area 0 zeroed.
 * Before a full area is written the next one is zeroed, so an end marker
 * always exists on disk.
 *
 * Status usage (kernel persistent_usage): allocated = next_free*chunk,
 * metadata = (current_area + 2)*chunk (header + areas so far).
 */
#ifndef ULVM_SNAP_STORE_H
#define ULVM_SNAP_STORE_H

#include <stdbool.h>
#include <stdint.h>

#define SNAP_MAGIC	     0x70416E53u
#define SNAP_DISK_VERSION    1u
#define SNAP_EXCEPTION_BYTES 16u
#define SNAP_DEFAULT_CHUNK   32u /* kernel default when the table says 0 */

struct snap_header {
	uint32_t magic, valid, version, chunk_size;
};

/* Writes the header into the first 16 bytes of `buf` (the caller zeroes
 * the rest of the chunk). */
void snap_header_encode(void *buf, const struct snap_header *h);
void snap_header_decode(const void *buf, struct snap_header *h);

/* Entry `index` of an area buffer. */
void snap_exception_get(const void *area, uint32_t index, uint64_t *old_chunk, uint64_t *new_chunk);
void snap_exception_put(void *area, uint32_t index, uint64_t old_chunk, uint64_t new_chunk);

/* Checks a chunk size argument: 0 (persistent only: take the header's) or
 * a power of two that fits an int number of bytes. Returns NULL or why not. */
const char *snap_chunk_size_check(uint32_t chunk_size);

static inline unsigned snap_chunk_shift(uint32_t chunk_size)
{
	return (unsigned)__builtin_ctz(chunk_size);
}

/* The persistent store's position, as the kernel's struct pstore keeps it. */
struct snap_pstore {
	uint32_t chunk_size;	    /* sectors */
	uint32_t epa;		    /* exceptions per area */
	uint64_t next_free;	    /* next COW chunk to hand out */
	uint64_t current_area;	    /* the area `area` holds */
	uint32_t current_committed; /* entries used in the current area */
	unsigned char *area;	    /* chunk_size*512 bytes, 4 KiB aligned */
};

/* Sets chunk size and epa, positions at area 0 with next_free 2, and
 * allocates a zeroed area buffer. Returns 0 or -ENOMEM. */
int snap_pstore_init(struct snap_pstore *ps, uint32_t chunk_size);
void snap_pstore_release(struct snap_pstore *ps);

/* Chunk number of metadata area `area`: 1 + (epa+1)*area. */
uint64_t snap_pstore_area_chunk(const struct snap_pstore *ps, uint64_t area);

/* Loads the area held in ps->area (just read from disk as area
 * ps->current_area): calls add(ctx, old, new) for each entry, raises
 * next_free past every new chunk, and returns 1 when the area is full (the
 * caller reads the next one), 0 when it ended (ps->current_committed is
 * then its entry count), or add's negative error. */
int snap_pstore_load_area(struct snap_pstore *ps, int (*add)(void *ctx, uint64_t old, uint64_t new),
			  void *ctx);

/* After the last area is loaded: step next_free off a metadata chunk. */
void snap_pstore_skip_metadata(struct snap_pstore *ps);

/* Hands out the next free COW chunk, skipping metadata chunks. Returns 0,
 * or -ENOSPC when the COW device of cow_sectors cannot hold it. */
int snap_pstore_prepare(struct snap_pstore *ps, uint64_t cow_sectors, uint64_t *new_chunk);

/* Appends an entry to the current area in memory; returns true when the
 * area is now full (then the next area must be zeroed on disk before this
 * one is written, and snap_pstore_advance() called after). */
bool snap_pstore_add(struct snap_pstore *ps, uint64_t old_chunk, uint64_t new_chunk);
bool snap_pstore_area_full(const struct snap_pstore *ps);
void snap_pstore_advance(struct snap_pstore *ps);

/* Merging consumes entries from the end of the table.
 * snap_pstore_merge_prev_area(): true when the current area is used up and
 * an earlier one exists: current_area has been decremented and the caller
 * must read it into ps->area, then call snap_pstore_merge_area_loaded().
 * snap_pstore_prepare_merge(): the last entry's chunks and the number (at
 * most max) of entries before it, counting it, whose old and new chunks
 * both run consecutively; 0 when nothing is left to merge.
 * snap_pstore_clear_last(): zeroes the last nr entries in memory (write the
 * area, then call snap_pstore_commit_merge()). */
bool snap_pstore_merge_prev_area(struct snap_pstore *ps);
void snap_pstore_merge_area_loaded(struct snap_pstore *ps);
uint32_t snap_pstore_prepare_merge(const struct snap_pstore *ps, uint32_t max, uint64_t *last_old,
				   uint64_t *last_new);
void snap_pstore_clear_last(struct snap_pstore *ps, uint32_t nr);
void snap_pstore_commit_merge(struct snap_pstore *ps, uint32_t nr);

/* Usage in sectors for the status line. */
void snap_pstore_usage(const struct snap_pstore *ps, uint64_t *allocated, uint64_t *metadata);

#endif
