/* The target interface: what one file under daemon/targets/ implements.
 *
 * Modelled on the kernel's `struct target_type`. A table line
 * `<start> <length> <type> <args...>` becomes one `struct target`; the
 * type's ctr parses the args into `ti->private`, dtr frees exactly that.
 * The engine splits every io so that a clone handed to `map` lies inside
 * one target and never crosses a multiple of `ti->max_io_len` sectors, and
 * rewrites `io->sector` to be relative to the start of the target.
 *
 * map returns:
 *   MAP_REMAPPED   the target called io_remap(); the engine sends the io on
 *   MAP_SUBMITTED  the target owns the io and will call io_complete() later
 *                  (possibly already did, e.g. zero/error fill at once)
 *
 * Threads: ctr/dtr, status, message and the suspend/resume hooks run on a
 * control thread. map, end_io and every io completion run on the io's
 * worker (io->worker); a hook that releases ios it holds (delay's
 * presuspend) must hand each back with worker_post(io->worker, ...).
 *
 * Status has two forms, as in the kernel: STATUS_INFO (dmsetup status) and
 * STATUS_TABLE (dmsetup table), and the TABLE form must parse back through
 * ctr to the same target.
 */
#ifndef ULVM_TARGET_H
#define ULVM_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "ulvm/io.h"

struct strbuf;
struct table;
struct mapped_device;

enum map_result {
	MAP_REMAPPED,
	MAP_SUBMITTED,
};

enum status_type {
	STATUS_INFO,
	STATUS_TABLE,
};

#define STATUS_NOFLUSH	0x1u /* status must not wait for anything */
#define STATUS_SHOWKEYS 0x2u /* crypt: print the key instead of a placeholder */

/* A device named in a table line: an image file, a block device or another
 * mapped device. Opened by target_dev_get() in ctr, released with
 * target_dev_put() in dtr. */
struct target_dev;

struct target {
	const struct target_type *type;
	struct table *table;
	uint64_t begin; /* first sector of the device this target covers */
	uint64_t len;	/* sectors */

	/* Set by ctr as needed. */
	uint32_t max_io_len;	  /* split boundary in sectors, 0 = none */
	uint32_t block_size;	  /* bytes: logical block size it exposes (crypt's
				   * sector_size), 0 = 512; the device takes the
				   * largest of its targets' */
	unsigned num_flush_ios;	  /* flush clones to send (default 1) */
	unsigned num_discard_ios; /* discard/zeroes clones (default 1, 0 = unsupported) */
	void *private;
	const char *error; /* ctr failure reason: "invalid chunk size" */
	int error_arg;	   /* 1-based argument the error is about, 0 = none */
};

typedef int (*iterate_devices_fn)(struct target *ti, struct target_dev *dev, uint64_t start,
				  uint64_t len, void *data);

struct target_type {
	const char *name;
	unsigned version[3];

	int (*ctr)(struct target *ti, int argc, char **argv);
	void (*dtr)(struct target *ti);
	int (*map)(struct target *ti, struct io *io);
	/* Optional: sees each clone as it completes; may change *error.
	 * Returns 0 to let it complete, or MAP_SUBMITTED if it took it back. */
	int (*end_io)(struct target *ti, struct io *io, int *error);
	void (*status)(struct target *ti, enum status_type type, unsigned flags,
		       struct strbuf *out);
	/* Optional: argv[0] is the message verb. Result text goes to `out`. */
	int (*message)(struct target *ti, int argc, char **argv, struct strbuf *out);
	void (*presuspend)(struct target *ti);
	void (*postsuspend)(struct target *ti);
	int (*preresume)(struct target *ti);
	void (*resume)(struct target *ti);
	int (*iterate_devices)(struct target *ti, iterate_devices_fn fn, void *data);
};

/* ---- services the engine gives targets ---- */

/* Sets ti->error/error_arg and returns -EINVAL: `return target_fail(ti, 3,
 * "invalid chunk size");` */
int target_fail(struct target *ti, int arg, const char *why);

/* Opens the device named `path` (see docs/control-protocol.md) for the
 * table holding `ti`. On failure sets ti->error and returns a negative errno. */
int target_dev_get(struct target *ti, const char *path, struct target_dev **dev);
void target_dev_put(struct target *ti, struct target_dev *dev);
/* The name to print in the TABLE form (loads back through target_dev_get). */
const char *target_dev_name(const struct target_dev *dev);
/* Size of the device in sectors. */
uint64_t target_dev_size(const struct target_dev *dev);

/* Sends the clone to `dev` at `sector` when map returns MAP_REMAPPED. */
void io_remap(struct io *io, struct target_dev *dev, uint64_t sector);

/* Sends an io the target made itself (io_alloc) or remapped by hand to the
 * device; its end_io is called on the same worker. */
void io_submit_dev(struct target_dev *dev, struct io *io);

/* Completes a clone the target owns (after MAP_SUBMITTED). */
void io_complete(struct io *io, int error);

/* A fresh io owned by the caller on the current worker; freed by io_free. */
struct io *io_alloc(void);
void io_free(struct io *io);

/* Bumps the event counter of the device whose table holds `ti`
 * (`dmsetup wait` wakes up). */
void target_event(struct target *ti);

/* Registry, filled from daemon/targets/targets.def. */
const struct target_type *target_type_find(const char *name);
/* Calls fn for each registered type, in registration order. */
void target_types_foreach(void (*fn)(const struct target_type *type, void *data), void *data);

#endif
