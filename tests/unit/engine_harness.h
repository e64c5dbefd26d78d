/* What the unit tests of the real engine share: a CHECK that prints the
 * engine's error message, synchronous ios submitted on a worker from the
 * test thread, aligned buffers and a device made in one call. */
#ifndef ULVM_TESTS_ENGINE_HARNESS_H
#define ULVM_TESTS_ENGINE_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/device.h"
#include "util/error.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__,      \
				#cond, err_msg());                                                 \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

/* An io from the test thread: posted to a worker, waited for. */
struct sync_io {
	struct io io;
	struct mapped_device *md;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int error;
};

/* Starts an io on a worker; io_wait() returns its result. */
void io_start(struct sync_io *s, struct mapped_device *md, enum io_op op, uint64_t sector,
	      uint32_t nr, void *buf);
int io_wait(struct sync_io *s);
/* Both at once. */
int do_io(struct mapped_device *md, enum io_op op, uint64_t sector, uint32_t nr, void *buf);

/* A 4096-aligned buffer (free with free()); exits on failure. */
void *aligned(size_t bytes);

/* create + load + resume; returns the device with a reference. */
struct mapped_device *make_dev(const char *name, const char *table);

#endif
