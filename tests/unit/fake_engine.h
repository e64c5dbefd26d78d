/* A stand-in for the engine services targets call (ulvm/target.h and
 * engine/worker.h), so a target's .c can be unit tested alone: devices
 * are names with sizes, submitted and completed ios are recorded, timers
 * and posted calls wait until the test fires or runs them, and the clock
 * is a variable. Single-threaded; every test starts with fake_reset(). */
#ifndef ULVM_TESTS_FAKE_ENGINE_H
#define ULVM_TESTS_FAKE_ENGINE_H

#include <stdint.h>

#include "ulvm/target.h"
#include "engine/worker.h"

#define FAKE_MAX 256

struct target_dev {
	char name[256];
	uint64_t size;
	int refs;
	struct target_dev *next;
};

struct fake_state {
	uint64_t now;	/* what now_ns() returns */
	int events;	/* target_event() calls */
	long ios_alive; /* io_alloc() minus io_free() */
	int devs_open;	/* target_dev_get() minus target_dev_put() */

	int ncompleted; /* io_complete() calls */
	struct io *completed[FAKE_MAX];
	int completed_error[FAKE_MAX];

	int nsubmitted; /* io_submit_dev() calls */
	struct io *submitted[FAKE_MAX];
	struct target_dev *submitted_dev[FAKE_MAX];

	int ntimers; /* armed and not yet fired */
	struct uring_timer *timers[FAKE_MAX];
	uint64_t timer_due[FAKE_MAX];

	int nposted;
	void (*posted_fn[FAKE_MAX])(void *);
	void *posted_arg[FAKE_MAX];
};

extern struct fake_state fake;

void fake_reset(void);
/* Fires the timers due at fake.now (all of them with `all`); returns how
 * many fired. */
int fake_fire_timers(int all);
/* Runs the worker_post() calls queued so far. */
int fake_run_posted(void);

/* Builds a target of `len` sectors and runs type->ctr on `args` (split at
 * blanks). Returns ctr's result; ti is zeroed first. */
int fake_ctr(const struct target_type *type, struct target *ti, uint64_t len, const char *args);
/* Runs ctr on `args` and asserts it fails with message `why` about
 * argument `argno`, leaving no device open. */
void fake_expect_ctr_error(const struct target_type *type, uint64_t len, const char *args,
			   int argno, const char *why);
/* Asserts that ti's TABLE form constructs a target of the same type and
 * length that prints the same TABLE form (the new target is destroyed). */
void fake_expect_reload(struct target *ti);
/* The status line of ti, in a static buffer. */
const char *fake_status(struct target *ti, enum status_type type);
/* A fresh io as the engine hands a clone to map. */
struct io *fake_io(struct target *ti, enum io_op op, uint64_t sector, uint32_t nr_sectors,
		   void *data);

#endif
