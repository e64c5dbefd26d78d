/* Worker threads: one io_uring and one event loop each.
 *
 * Everything in the data path runs on a worker: an export's connection
 * lives on one worker (its socket readiness comes from that worker's ring),
 * the ios it submits are mapped on that worker, their backing reads and
 * writes are submitted to that worker's ring, and their completions run
 * there. No lock is taken per io and no thread hand-off happens on the
 * fast path. Other threads (control, listeners) hand work to a worker with
 * worker_post().
 */
#ifndef ULVM_ENGINE_WORKER_H
#define ULVM_ENGINE_WORKER_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>

struct worker;

/* One pending ring operation: the SQE's user_data points at it and `done`
 * gets the CQE result (>= 0 or a negative errno). */
struct uring_op {
	void (*done)(struct uring_op *op, int res);
};

/* Work for the end of the current loop turn (worker_defer()). */
struct worker_deferred {
	void (*fn)(struct worker_deferred *d);
	struct worker_deferred *next;
	bool queued;
};

struct uring_timer {
	struct uring_op op;
	struct __kernel_timespec ts;
};

/* Starts `count` workers (count 0 = one per online CPU). Returns 0 or a
 * negative errno with the message set. */
int workers_start(unsigned count);

/* Asks every worker to finish the operations it has in flight, then to
 * exit, and joins them. Exports must have stopped submitting first. */
void workers_stop(void);

unsigned workers_count(void);

/* The worker running the calling thread, NULL on any other thread. */
struct worker *worker_current(void);

/* Worker number `index` (below workers_count()), for exports that keep
 * something on every worker. */
struct worker *worker_at(unsigned index);

/* Picks a worker for a new connection (round robin). */
struct worker *worker_pick(void);

/* Runs fn(arg) on w's thread as soon as its loop comes round. Safe from
 * any thread, including w's own (then it runs after the current event). */
void worker_post(struct worker *w, void (*fn)(void *arg), void *arg);

/* An SQE on the current worker's ring, user_data already set to `op`.
 * Never NULL: when the submission queue is full it is submitted first.
 * Must be called on worker `w`'s own thread. */
struct io_uring_sqe *worker_sqe(struct worker *w, struct uring_op *op);

/* Runs d->fn once at the end of the current loop turn: after every
 * completion the worker reaped in this turn was handled, before it submits
 * and sleeps. An export gathers what a turn produced (the replies of many
 * completions) and writes it once, without a ring round trip. Queueing a
 * queued `d` again does nothing. Must be called on worker `w`'s own thread;
 * `d` must stay valid until fn has run. */
void worker_defer(struct worker *w, struct worker_deferred *d);

/* Whether w's SQEs are 128 bytes (IORING_OP_URING_CMD with a command
 * larger than 16 bytes needs it). Waits for w to have made its ring. */
bool worker_big_sqes(struct worker *w);

/* One-shot poll of `fd` for `events` (POLLIN...). */
void worker_poll(struct worker *w, int fd, unsigned events, struct uring_op *op);

/* Calls t->op.done after `ns` nanoseconds (res is -ETIME then). */
void worker_timer(struct worker *w, struct uring_timer *t, uint64_t ns);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

#endif
