/* delay: holds reads, writes and flushes back for a fixed time each, and can
 * send each class of io to its own device, as the kernel's dm-delay.
 *
 * A delayed io gets one worker timer on the worker that mapped it; no
 * thread is added. When the timer fires the io is sent on. Suspend must not
 * wait for the timers, so presuspend releases every queued io at once (the
 * kernel flushes its queue the same way) and later ios pass undelayed until
 * resume. Since a worker timer cannot be cancelled, a released io's timer
 * still fires later: whichever of the timer and presuspend claims the io
 * first (an atomic state) sends it, and the record is freed by the last of
 * its two users. The queue itself is shared by all workers, under a lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ulvm/target.h"
#include "engine/worker.h"
#include "util/strbuf.h"
#include "util/parse.h"

#define NSEC_PER_MSEC 1000000ull

struct delay_class {
	struct target_dev *dev;
	uint64_t start;	   /* sector on dev where the target's sector 0 lies */
	uint32_t delay_ms; /* 0: pass through */
	unsigned ops;	   /* ios of this class now queued; under delay.lock */
};

struct delayed;

struct delay {
	pthread_mutex_t lock;
	bool may_delay;	       /* false from presuspend to resume */
	struct delayed *queue; /* doubly linked, under lock */
	struct delay_class read, write, flush;
	int argc; /* 3, 6 or 9: which classes the TABLE form prints */
};

enum delayed_state {
	DELAYED_QUEUED,	  /* waiting for its timer */
	DELAYED_FIRED,	  /* the timer claimed it and sent it */
	DELAYED_RELEASED, /* presuspend claimed it; a posted call sends it */
};

struct delayed {
	struct uring_timer timer; /* first: the timer's op points at the record */
	struct io *io;		  /* the clone the target owns */
	struct io *child;	  /* the copy sent to the class's device */
	struct target_dev *dev;
	struct delay *dc;
	struct delay_class *cls;
	struct worker *worker; /* where the timer runs and the io belongs */
	struct delayed *prev, *next;
	bool queued; /* linked in dc->queue; under dc->lock */
	atomic_int state;
	atomic_int refs; /* the timer and the release, when released */
};

/* Parses one <dev> <offset> <delay> triple; argno is the 1-based number of
 * its <dev> word. */
static int delay_class_ctr(struct target *ti, struct delay_class *c, char **argv, int argno)
{
	int r;

	if (parse_u64(argv[1], &c->start))
		return target_fail(ti, argno + 1, "invalid device sector");
	if (parse_u32(argv[2], &c->delay_ms))
		return target_fail(ti, argno + 2, "invalid delay");
	r = target_dev_get(ti, argv[0], &c->dev);
	if (r && !ti->error_arg)
		ti->error_arg = argno;
	return r;
}

/* Releases the devices of the classes that own one: with 3 arguments all
 * classes share the read device, with 6 the flush class shares the write
 * device. */
static void delay_put_devs(struct target *ti, struct delay *dc)
{
	if (dc->read.dev)
		target_dev_put(ti, dc->read.dev);
	if (dc->argc >= 6 && dc->write.dev)
		target_dev_put(ti, dc->write.dev);
	if (dc->argc == 9 && dc->flush.dev)
		target_dev_put(ti, dc->flush.dev);
}

static int delay_parse(struct target *ti, struct delay *dc, char **argv)
{
	int r = delay_class_ctr(ti, &dc->read, argv, 1);

	if (r)
		return r;
	if (dc->argc == 3) {
		dc->write = dc->read;
		dc->flush = dc->read;
		return 0;
	}
	r = delay_class_ctr(ti, &dc->write, argv + 3, 4);
	if (r)
		return r;
	if (dc->argc == 6) {
		dc->flush = dc->write;
		return 0;
	}
	return delay_class_ctr(ti, &dc->flush, argv + 6, 7);
}

/* Construct: <dev> <offset> <delay_ms>
 *            [<write_dev> <write_offset> <write_delay_ms>
 *             [<flush_dev> <flush_offset> <flush_delay_ms>]]
 * With 3 arguments reads, writes and flushes share one device and delay;
 * with 6 the second triple applies to writes and flushes; with 9 the third
 * applies to flushes. Discards and write-zeroes count as writes. */
static int delay_ctr(struct target *ti, int argc, char **argv)
{
	struct delay *dc;
	int r;

	if (argc != 3 && argc != 6 && argc != 9)
		return target_fail(ti, 0, "requires exactly 3, 6 or 9 arguments");
	dc = calloc(1, sizeof(*dc));
	if (!dc)
		return target_fail(ti, 0, "out of memory");
	dc->argc = argc;
	dc->may_delay = true;
	r = delay_parse(ti, dc, argv);
	if (r) {
		delay_put_devs(ti, dc);
		free(dc);
		return r;
	}
	pthread_mutex_init(&dc->lock, NULL);
	ti->num_flush_ios = 1;
	ti->num_discard_ios = 1;
	ti->private = dc;
	return 0;
}

static void delay_dtr(struct target *ti)
{
	struct delay *dc = ti->private;

	delay_put_devs(ti, dc);
	pthread_mutex_destroy(&dc->lock);
	free(dc);
}

/* Caller holds dc->lock. */
static void delay_unlink(struct delay *dc, struct delayed *d)
{
	if (!d->queued)
		return;
	if (d->prev)
		d->prev->next = d->next;
	else
		dc->queue = d->next;
	if (d->next)
		d->next->prev = d->prev;
	d->queued = false;
	d->cls->ops--;
}

static void delayed_put(struct delayed *d)
{
	if (atomic_fetch_sub(&d->refs, 1) == 1)
		free(d);
}

/* The copy finished on the device: finish the clone it stood for. */
static void delay_child_done(struct io *child, int error)
{
	struct io *io = child->private;

	io_free(child);
	io_complete(io, error);
}

static void delay_timer_done(struct uring_op *op, int res)
{
	struct delayed *d = (struct delayed *)op;
	int expected = DELAYED_QUEUED;

	if (!atomic_compare_exchange_strong(&d->state, &expected, DELAYED_FIRED)) {
		/* Presuspend already sent it; dc may be gone, do not touch it. */
		delayed_put(d);
		return;
	}
	/* Still queued, so the io is in flight and dc is alive. */
	pthread_mutex_lock(&d->dc->lock);
	delay_unlink(d->dc, d);
	pthread_mutex_unlock(&d->dc->lock);
	io_submit_dev(d->dev, d->child);
	free(d);
}

/* Runs on the io's worker after presuspend claimed it. */
static void delay_release(void *arg)
{
	struct delayed *d = arg;

	io_submit_dev(d->dev, d->child);
	delayed_put(d);
}

/* Queues io for c->delay_ms. Returns false (nothing queued) when delaying
 * is off or memory is short: the io then simply goes undelayed. */
static bool delay_queue(struct delay *dc, struct delay_class *c, struct io *io, uint64_t sector)
{
	struct delayed *d = calloc(1, sizeof(*d));
	struct io *child = d ? io_alloc() : NULL;

	if (!child) {
		free(d);
		return false;
	}
	child->op = io->op;
	child->flags = io->flags;
	child->sector = sector;
	child->nr_sectors = io->nr_sectors;
	child->data = io->data;
	child->end_io = delay_child_done;
	child->private = io;
	*d = (struct delayed){.io = io,
			      .child = child,
			      .dev = c->dev,
			      .dc = dc,
			      .cls = c,
			      .worker = worker_current()};
	d->timer.op.done = delay_timer_done;
	atomic_init(&d->state, DELAYED_QUEUED);
	atomic_init(&d->refs, 2);

	pthread_mutex_lock(&dc->lock);
	if (!dc->may_delay) {
		pthread_mutex_unlock(&dc->lock);
		io_free(child);
		free(d);
		return false;
	}
	d->next = dc->queue;
	if (d->next)
		d->next->prev = d;
	dc->queue = d;
	d->queued = true;
	c->ops++;
	pthread_mutex_unlock(&dc->lock);
	worker_timer(d->worker, &d->timer, c->delay_ms * NSEC_PER_MSEC);
	return true;
}

static int delay_map(struct target *ti, struct io *io)
{
	struct delay *dc = ti->private;
	struct delay_class *c;
	uint64_t sector;

	if (io->op == IO_READ)
		c = &dc->read;
	else if (io->op == IO_FLUSH)
		c = &dc->flush;
	else
		c = &dc->write;
	sector = c->start + io->sector;
	if (c->delay_ms && delay_queue(dc, c, io, sector))
		return MAP_SUBMITTED;
	io_remap(io, c->dev, sector);
	return MAP_REMAPPED;
}

/* Sends every queued io on at once, so that suspend never waits for a
 * delay, and lets later ios pass undelayed until resume. */
static void delay_presuspend(struct target *ti)
{
	struct delay *dc = ti->private;
	struct delayed *d, *next;

	pthread_mutex_lock(&dc->lock);
	dc->may_delay = false;
	for (d = dc->queue; d; d = next) {
		int expected = DELAYED_QUEUED;

		next = d->next;
		/* Losing means the timer fired and is waiting for the lock to
		 * unlink and send it itself. */
		if (!atomic_compare_exchange_strong(&d->state, &expected, DELAYED_RELEASED))
			continue;
		delay_unlink(dc, d);
		worker_post(d->worker, delay_release, d);
	}
	pthread_mutex_unlock(&dc->lock);
}

static void delay_resume(struct target *ti)
{
	struct delay *dc = ti->private;

	pthread_mutex_lock(&dc->lock);
	dc->may_delay = true;
	pthread_mutex_unlock(&dc->lock);
}

static void delay_status_class(struct strbuf *out, const struct delay_class *c)
{
	sb_printf(out, "%s %llu %u", target_dev_name(c->dev), (unsigned long long)c->start,
		  c->delay_ms);
}

/* INFO:  <queued reads> <queued writes> <queued flushes>
 * TABLE: the 3, 6 or 9 arguments as given */
static void delay_status(struct target *ti, enum status_type type, unsigned flags,
			 struct strbuf *out)
{
	struct delay *dc = ti->private;

	if (type == STATUS_INFO) {
		pthread_mutex_lock(&dc->lock);
		sb_printf(out, "%u %u %u", dc->read.ops, dc->write.ops, dc->flush.ops);
		pthread_mutex_unlock(&dc->lock);
		return;
	}
	delay_status_class(out, &dc->read);
	if (dc->argc >= 6) {
		sb_puts(out, " ");
		delay_status_class(out, &dc->write);
	}
	if (dc->argc == 9) {
		sb_puts(out, " ");
		delay_status_class(out, &dc->flush);
	}
}

static int delay_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct delay *dc = ti->private;
	int r;

	r = fn(ti, dc->read.dev, dc->read.start, ti->len, data);
	if (!r)
		r = fn(ti, dc->write.dev, dc->write.start, ti->len, data);
	if (!r)
		r = fn(ti, dc->flush.dev, dc->flush.start, ti->len, data);
	return r;
}

const struct target_type delay_target = {
    .name = "delay",
    .version = {1, 4, 0},
    .ctr = delay_ctr,
    .dtr = delay_dtr,
    .map = delay_map,
    .presuspend = delay_presuspend,
    .resume = delay_resume,
    .status = delay_status,
    .iterate_devices = delay_iterate_devices,
};
