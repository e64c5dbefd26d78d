/* Spreading CPU-bound work of one io over the workers.
 *
 * An io is owned by one worker (worker.h), so without help a large
 * CPU-bound step (crypt's cipher) would use one core while the others
 * idle. A spread cuts the work into `shares`: the owner posts a helper to
 * as many other workers as can be useful, then takes shares itself; the
 * helpers take what is left when their loops come round. Shares are
 * handed out with an atomic counter, so a busy helper costs nothing: the
 * owner simply does more of them, and `done` runs on the owner as soon as
 * the last share has run, without waiting for a helper that came late.
 */
#ifndef ULVM_ENGINE_SPREAD_H
#define ULVM_ENGINE_SPREAD_H

struct spread_state;

struct spread {
	unsigned shares; /* at least 1 */
	/* Does share `i` on any worker; must not use the worker's ring. */
	void (*run)(struct spread *s, unsigned i);
	/* On the owner worker, once, after every share ran. May free `s`:
	 * helpers that come later only see the spread's own state. */
	void (*done)(struct spread *s);
};

/* Runs the shares of `s` and then s->done. With other workers, done
 * usually runs later (from the owner's loop); with one worker, one share,
 * or off the workers, everything runs before spread_start returns. `s`
 * must stay valid until done. */
void spread_start(struct spread *s);

#endif
