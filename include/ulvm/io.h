/* The unit of I/O that flows through ulvmd's mapping engine.
 *
 * An export (NBD, FUSE) fills a `struct io`, sets `end_io` and calls
 * md_submit(). The engine splits it at target boundaries into clones, each
 * mapped by its target onto a lower device, and calls `end_io` exactly
 * once when every piece is done. All of this happens on the worker thread
 * that submitted it (see daemon/engine/worker.h); completions never run
 * on another thread, so an export needs no locking for its own I/Os.
 */
#ifndef ULVM_IO_H
#define ULVM_IO_H

#include <stdint.h>

#define SECTOR_SHIFT 9
#define SECTOR_SIZE  512u

enum io_op {
	IO_READ,
	IO_WRITE,
	IO_FLUSH,	 /* no data, nr_sectors 0 */
	IO_DISCARD,	 /* no data */
	IO_WRITE_ZEROES, /* no data */
};

#define IO_FUA 0x1u /* write through to stable storage before completing */

struct io;
struct worker;
struct target;
struct target_dev;

typedef void (*io_end_fn)(struct io *io, int error);

struct io {
	/* Filled by the submitter. */
	enum io_op op;
	unsigned flags;	     /* IO_FUA */
	uint64_t sector;     /* first sector, relative to the device it is sent to */
	uint32_t nr_sectors; /* length in 512-byte sectors */
	void *data;	     /* nr_sectors * 512 bytes for READ/WRITE, else NULL */
	io_end_fn end_io;    /* called once with 0 or a negative errno */
	void *private;	     /* the submitter's */

	/* Engine-owned from here on. */
	struct worker *worker;	/* thread the io belongs to */
	struct io *parent;	/* the io this clone was split from */
	struct target *target;	/* for clones: the target mapping it */
	struct target_dev *dev; /* set by io_remap() */
	uint32_t target_io_nr;	/* which of a target's flush/discard clones */
	int pending;		/* clones still running (parent side) */
	int error;		/* first error seen among clones */
	void *target_private;	/* per-clone scratch for the target */
	struct io *next;	/* for queues (suspend, delay, ...) */
	uint64_t start_ns;	/* for targets that time I/O */
	uint32_t done_bytes;	/* backing I/O: bytes already transferred */
	void *engine_private;	/* for the engine's backing submission */
};

static inline uint64_t io_bytes(const struct io *io)
{
	return (uint64_t)io->nr_sectors << SECTOR_SHIFT;
}

static inline int io_has_data(const struct io *io)
{
	return io->op == IO_READ || io->op == IO_WRITE;
}

#endif
