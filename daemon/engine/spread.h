/* Spreading CPU-bound work of one io over the workers.
 *
 * An io is owned by one worker (worker.h), so without help a large
 * CPU-bound step (crypt's cipher) would use one core while the others
 * idle. A spread cuts the work into `shares`: the owner posts a helper to
 * as many other workers as can be useful, then takes shares itself; the
 * helpers take what is left when their loops come round. Shares are
 * handed out with an atomic counter, so a busy helper costs nothing: the
 * owner simply does more of them. `done` runs on the owner once every
 * share has run and no helper holds the spread any more.
 */
#ifndef ULVM_ENGINE_SPREAD_H
#define ULVM_ENGINE_SPREAD_H

#include <stdatomic.h>

struct worker;

struct spread {
	/* Filled by the caller. */
	unsigned shares; /* at least 1 */
	/* Does share `i` on any worker; must not use the worker's ring. */
	void (*run)(struct spread *s, unsigned i);
	/* On the owner worker, once, after every share ran. May free `s`. */
	void (*done)(struct spread *s);

	/* Private. */
	struct worker *owner;
	atomic_uint next;    /* next share to hand out */
	atomic_uint holders; /* owner + helpers still holding the spread */
};

/* Runs the shares of `s` and then s->done. On a worker with other workers
 * idle, done usually runs later (from the owner's loop); with one worker,
 * one share, or off the workers, everything runs before spread_start
 * returns. `s` must stay valid until done. */
void spread_start(struct spread *s);

#endif
