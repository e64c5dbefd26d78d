/* Worker threads, each an io_uring event loop (see worker.h). */
#include "engine/worker.h"
#include "engine/engine.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"

#define RING_ENTRIES 1024
/* How long a stopping worker waits for operations that no cancel reaches
 * (FUSE ring commands of a connection that could not be ended) before it
 * leaves: closing the ring cancels them. */
#define STOP_GRACE_NS (10ull * 1000 * 1000 * 1000)

struct post {
	void (*fn)(void *arg);
	void *arg;
	struct post *next;
};

struct worker {
	struct io_uring ring;
	pthread_t thread;
	unsigned index;
	unsigned pending; /* SQEs submitted or prepared, not yet completed */

	/* worker_post(): a list under post_lock and an eventfd read kept
	 * armed on the ring so a post wakes the loop. */
	int efd;
	uint64_t efd_value;
	struct uring_op efd_op;
	pthread_mutex_t post_lock;
	struct post *posts, *posts_tail;
	/* worker_defer(): run at the end of the loop turn, own thread only. */
	struct worker_deferred *deferred;
	atomic_bool stopping;
	bool cancel_sent;
	atomic_int ring_state; /* 0 starting, 1 ring up, -1 ring failed */
	uint64_t stop_deadline;
};

static struct worker *workers;
static unsigned nr_workers;
static atomic_uint next_pick;
static _Thread_local struct worker *current;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct worker *worker_current(void)
{
	return current;
}

unsigned workers_count(void)
{
	return nr_workers;
}

struct worker *worker_at(unsigned index)
{
	return &workers[index];
}

struct worker *worker_pick(void)
{
	return &workers[atomic_fetch_add(&next_pick, 1) % nr_workers];
}

struct io_uring_sqe *worker_sqe(struct worker *w, struct uring_op *op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);

	while (!sqe) {
		/* Full submission queue: hand what is there to the kernel. */
		io_uring_submit(&w->ring);
		sqe = io_uring_get_sqe(&w->ring);
	}
	io_uring_sqe_set_data(sqe, op);
	w->pending++;
	return sqe;
}

void worker_poll(struct worker *w, int fd, unsigned events, struct uring_op *op)
{
	io_uring_prep_poll_add(worker_sqe(w, op), fd, events);
}

void worker_timer(struct worker *w, struct uring_timer *t, uint64_t ns)
{
	t->ts.tv_sec = (long long)(ns / 1000000000ull);
	t->ts.tv_nsec = (long long)(ns % 1000000000ull);
	io_uring_prep_timeout(worker_sqe(w, &t->op), &t->ts, 0, 0);
}

void worker_defer(struct worker *w, struct worker_deferred *d)
{
	if (d->queued)
		return;
	d->queued = true;
	d->next = w->deferred;
	w->deferred = d;
}

/* Runs the deferred work, including work deferred while it runs. */
static void run_deferred(struct worker *w)
{
	while (w->deferred) {
		struct worker_deferred *d = w->deferred;

		w->deferred = d->next;
		d->queued = false;
		d->fn(d);
	}
}

static void arm_eventfd(struct worker *w)
{
	io_uring_prep_read(worker_sqe(w, &w->efd_op), w->efd, &w->efd_value, sizeof(w->efd_value),
			   0);
}

static void run_posts(struct worker *w)
{
	pthread_mutex_lock(&w->post_lock);
	struct post *p = w->posts;
	w->posts = w->posts_tail = NULL;
	pthread_mutex_unlock(&w->post_lock);

	while (p) {
		struct post *next = p->next;
		p->fn(p->arg);
		free(p);
		p = next;
	}
}

static void efd_done(struct uring_op *op, int res)
{
	struct worker *w = (struct worker *)((char *)op - offsetof(struct worker, efd_op));

	run_posts(w);
	if (!atomic_load(&w->stopping))
		arm_eventfd(w);
}

void worker_post(struct worker *w, void (*fn)(void *arg), void *arg)
{
	struct post *p = malloc(sizeof(*p));
	uint64_t one = 1;

	if (!p)
		abort(); /* nothing sane to do: the work would be lost */
	p->fn = fn;
	p->arg = arg;
	p->next = NULL;
	pthread_mutex_lock(&w->post_lock);
	if (w->posts_tail)
		w->posts_tail->next = p;
	else
		w->posts = p;
	w->posts_tail = p;
	pthread_mutex_unlock(&w->post_lock);
	if (write(w->efd, &one, sizeof(one)) < 0)
		log_error("worker %u: eventfd write failed: %s", w->index, strerror(errno));
}

static void reap(struct worker *w)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;

	io_uring_for_each_cqe(&w->ring, head, cqe)
	{
		struct uring_op *op = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		seen++;
		w->pending--;
		if (op)
			op->done(op, res);
	}
	io_uring_cq_advance(&w->ring, seen);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	current = w;
	arm_eventfd(w);
	for (;;) {
		/* Once asked to stop, cancel what still waits (socket polls of
		 * exports already shut down), then leave when nothing but the
		 * eventfd read is left. Devices are suspended by then, so no
		 * backing I/O is in flight to be cancelled. */
		if (atomic_load(&w->stopping) && !w->cancel_sent) {
			w->cancel_sent = true;
			w->stop_deadline = now_ns() + STOP_GRACE_NS;
			io_uring_prep_cancel64(worker_sqe(w, NULL), 0, IORING_ASYNC_CANCEL_ANY);
		}
		if (atomic_load(&w->stopping) && w->pending <= 1) {
			run_posts(w);
			run_deferred(w);
			if (w->pending <= 1)
				break;
		}
		if (w->cancel_sent && now_ns() > w->stop_deadline) {
			log_warn(
			    "worker %u: %u operations pending at stop; the ring's end cancels them",
			    w->index, w->pending - 1);
			break;
		}
		struct __kernel_timespec tick = {.tv_nsec = 100 * 1000 * 1000};
		struct io_uring_cqe *cqe;
		int r = w->cancel_sent
			    ? io_uring_submit_and_wait_timeout(&w->ring, &cqe, 1, &tick, NULL)
			    : io_uring_submit_and_wait(&w->ring, 1);
		if (r == -ETIME)
			continue;
		if (r < 0 && r != -EINTR && r != -EBUSY && r != -EAGAIN) {
			log_error("worker %u: io_uring wait failed: %s", w->index, strerror(-r));
			break;
		}
		reap(w);
		run_deferred(w);
	}
	current = NULL;
	return NULL;
}

static int ring_init(struct worker *w)
{
	/* Completions are only ever reaped by this thread: let the kernel run
	 * task work when we wait instead of interrupting us. 128-byte SQEs
	 * carry the commands of FUSE over io_uring (exports/fuse_uring.c).
	 * Older kernels reject some flags: fall back step by step. */
	static const unsigned tries[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
					     IORING_SETUP_SQE128,
					 IORING_SETUP_SQE128, 0};
	struct io_uring_params p;
	int r = -EINVAL;

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]) && r < 0; i++) {
		memset(&p, 0, sizeof(p));
		p.flags = tries[i] | IORING_SETUP_CQSIZE;
		p.cq_entries = RING_ENTRIES * 4;
		r = io_uring_queue_init_params(RING_ENTRIES, &w->ring, &p);
	}
	return r;
}

bool worker_big_sqes(struct worker *w)
{
	struct timespec tick = {0, 1000 * 1000};

	/* Asked from another thread, maybe before w made its ring. */
	while (atomic_load(&w->ring_state) == 0)
		nanosleep(&tick, NULL);
	return atomic_load(&w->ring_state) > 0 && (w->ring.flags & IORING_SETUP_SQE128);
}

static void *worker_boot(void *arg)
{
	struct worker *w = arg;
	/* SINGLE_ISSUER binds the ring to the thread that first submits, so
	 * the ring is made on the worker's own thread. */
	int r = ring_init(w);

	if (r < 0) {
		log_error("worker %u: io_uring setup failed: %s", w->index, strerror(-r));
		atomic_store(&w->stopping, true);
		atomic_store(&w->ring_state, -1);
		return (void *)(intptr_t)r;
	}
	atomic_store(&w->ring_state, 1);
	worker_main(w);
	io_uring_queue_exit(&w->ring);
	io_cache_release();
	return NULL;
}

int workers_start(unsigned count)
{
	if (count == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		count = n > 0 ? (unsigned)n : 1;
	}
	workers = calloc(count, sizeof(*workers));
	if (!workers)
		return err_set(ENOMEM, "out of memory");
	for (unsigned i = 0; i < count; i++) {
		struct worker *w = &workers[i];
		w->index = i;
		w->efd_op.done = efd_done;
		pthread_mutex_init(&w->post_lock, NULL);
		w->efd = eventfd(0, EFD_CLOEXEC);
		if (w->efd < 0)
			return err_set(errno, "eventfd: %s", strerror(errno));
		int r = pthread_create(&w->thread, NULL, worker_boot, w);
		if (r)
			return err_set(r, "cannot start worker thread: %s", strerror(r));
		nr_workers = i + 1;
	}
	return 0;
}

void workers_stop(void)
{
	for (unsigned i = 0; i < nr_workers; i++) {
		atomic_store(&workers[i].stopping, true);
		uint64_t one = 1;
		if (write(workers[i].efd, &one, sizeof(one)) < 0)
			log_error("worker %u: eventfd write failed", i);
	}
	for (unsigned i = 0; i < nr_workers; i++) {
		pthread_join(workers[i].thread, NULL);
		close(workers[i].efd);
		pthread_mutex_destroy(&workers[i].post_lock);
	}
	free(workers);
	workers = NULL;
	nr_workers = 0;
}
