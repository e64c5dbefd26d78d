/* Reading /dev/fuse on the engine's workers.
 *
 * Every worker keeps a poll on the session's FUSE device armed on its
 * ring; when requests are queued it reads them itself (non-blocking, up
 * to a budget) and runs the data requests (read, write, fsync, fallocate)
 * right there: the io is mapped and submitted on this worker and replied
 * to from its end_io, as an NBD request is. For a file in memory that is a
 * copy and a reply without any thread hand-off; a FUSE thread posting to a
 * worker cost two thread wake-ups per request (2.5x ulvmd's CPU time per
 * 4k io).
 *
 * The other requests (lookup, open, getattr, INIT, ...) may block on the
 * node lock or on a device's open count, which a worker must never do:
 * they are copied and handed to a few metadata threads that give them to
 * libfuse (fuse_session_process_buf). All readers share one open file of
 * /dev/fuse, the session's own (duplicated, so that the unmount closing
 * the session's descriptor cannot hand its number to another file under
 * us): the kernel wants a reply on the file the request was read from.
 */
#include "exports/fuse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "engine/worker.h"
#include "util/error.h"
#include "util/log.h"

/* Large enough for a 1 MiB write and its headers (fx_init's max_write). */
#define FX_READ_BUF_SIZE ((1u << 20) + 4096)
/* Requests a worker reads per wake-up before it serves its other events. */
#define FX_READ_BUDGET 64
/* Metadata requests may block (open waits for the device lock): a few. */
#define FX_META_THREADS 4

struct fx_reader {
	struct uring_op op;
	struct worker *w;
	char *buf;
	uint64_t served; /* requests read, counted on the worker */
};

struct meta_item {
	struct meta_item *next;
	struct fx_origin origin;
	size_t len;
	char data[];
};

static struct {
	struct fx_reader *readers;
	unsigned nr_readers;
	pthread_mutex_t lock; /* the queue below */
	pthread_cond_t cond;
	struct meta_item *head, *tail;
	bool stop;
	pthread_t threads[FX_META_THREADS];
	unsigned nr_threads;
} dev = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void *meta_thread(void *arg)
{
	pthread_mutex_lock(&dev.lock);
	for (;;) {
		while (!dev.head && !dev.stop)
			pthread_cond_wait(&dev.cond, &dev.lock);
		struct meta_item *m = dev.head;
		if (!m)
			break; /* stopping, and the queue is empty */
		dev.head = m->next;
		if (!dev.head)
			dev.tail = NULL;
		pthread_mutex_unlock(&dev.lock);
		struct fuse_buf fb = {.size = m->len, .mem = m->data, .fd = -1};
		fx_ring_meta_begin(m->origin.ent);
		fuse_session_process_buf(fx.se, &fb);
		fx_ring_meta_end();
		free(m);
		pthread_mutex_lock(&dev.lock);
	}
	pthread_mutex_unlock(&dev.lock);
	return NULL;
}

/* Copies the request: the worker's buffer is read into again at once. */
void fx_meta_post(const struct fx_origin *o, const struct fuse_in_header *h, const void *op_in,
		  size_t op_len, const void *data, size_t data_len)
{
	size_t len = sizeof(*h) + op_len + data_len;
	struct meta_item *m = malloc(sizeof(*m) + len);

	if (!m) {
		fx_reply(o, -ENOMEM, NULL, 0);
		return;
	}
	m->next = NULL;
	m->origin = *o;
	m->len = len;
	memcpy(m->data, h, sizeof(*h));
	memcpy(m->data + sizeof(*h), op_in, op_len);
	if (data_len)
		memcpy(m->data + sizeof(*h) + op_len, data, data_len);
	pthread_mutex_lock(&dev.lock);
	if (dev.tail)
		dev.tail->next = m;
	else
		dev.head = m;
	dev.tail = m;
	pthread_cond_signal(&dev.cond);
	pthread_mutex_unlock(&dev.lock);
}

static void request(const char *buf, size_t len)
{
	const struct fuse_in_header *h = (const struct fuse_in_header *)buf;

	if (len < sizeof(*h) || h->len != len) {
		log_warn("fuse: request of %zu bytes with a bad header; dropped", len);
		return;
	}
	const char *arg = buf + sizeof(*h);
	struct fx_origin o = {.unique = h->unique};
	if (h->opcode == FUSE_INIT)
		fx_ring_init_request(h->unique, (const struct fuse_init_in *)arg, len - sizeof(*h));
	if (!fx_io_request(h, arg, len - sizeof(*h), NULL, 0, &o))
		fx_meta_post(&o, h, arg, len - sizeof(*h), NULL, 0);
}

/* Exclusive: a new request wakes one idle worker, not all of them. */
static void reader_poll(struct fx_reader *rd)
{
	worker_poll(rd->w, fx.dev_fd, POLLIN | EPOLLEXCLUSIVE, &rd->op);
}

static void reader_end(struct fx_reader *rd)
{
	atomic_fetch_sub(&fx.readers, 1);
}

/* The poll fired (or was cancelled at worker stop): read what is queued. */
static void reader_ready(struct uring_op *op, int res)
{
	struct fx_reader *rd = (struct fx_reader *)((char *)op - offsetof(struct fx_reader, op));

	if (res < 0) {
		reader_end(rd);
		return;
	}
	for (int i = 0; i < FX_READ_BUDGET; i++) {
		ssize_t n = read(fx.dev_fd, rd->buf, FX_READ_BUF_SIZE);
		if (n < 0 && errno == EAGAIN)
			break; /* another worker took it, or all is read */
		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue; /* ENOENT: the request was interrupted */
		if (n < 0) {
			if (errno != ENODEV)
				log_warn("fuse: reading the device: %s", strerror(errno));
			reader_end(rd); /* ENODEV: unmounted or aborted */
			return;
		}
		rd->served++;
		request(rd->buf, (size_t)n);
	}
	reader_poll(rd);
}

static void reader_arm(void *arg)
{
	struct fx_reader *rd = arg;

	reader_poll(rd);
}

static int meta_start(void)
{
	for (unsigned i = 0; i < FX_META_THREADS; i++) {
		int r = pthread_create(&dev.threads[i], NULL, meta_thread, NULL);
		if (r)
			return err_set(r, "fuse: cannot start thread: %s", strerror(r));
		dev.nr_threads = i + 1;
	}
	return 0;
}

int fx_dev_start(void)
{
	fx.dev_fd = fcntl(fuse_session_fd(fx.se), F_DUPFD_CLOEXEC, 0);
	if (fx.dev_fd < 0)
		return err_set(errno, "fuse: cannot duplicate the device: %s", strerror(errno));
	/* Readers on several workers race for each request: the losers must
	 * get EAGAIN, never sleep in read(). */
	int fl = fcntl(fx.dev_fd, F_GETFL);
	if (fl < 0 || fcntl(fx.dev_fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return err_set(errno, "fuse: cannot make the device non-blocking: %s",
			       strerror(errno));
	int r = meta_start();
	if (r < 0)
		return r;
	dev.nr_readers = workers_count();
	dev.readers = calloc(dev.nr_readers, sizeof(*dev.readers));
	if (!dev.readers)
		return -ENOMEM;
	for (unsigned i = 0; i < dev.nr_readers; i++) {
		dev.readers[i].buf = malloc(FX_READ_BUF_SIZE);
		if (!dev.readers[i].buf)
			return -ENOMEM;
	}
	for (unsigned i = 0; i < dev.nr_readers; i++) {
		struct fx_reader *rd = &dev.readers[i];
		rd->op.done = reader_ready;
		rd->w = worker_at(i);
		atomic_fetch_add(&fx.readers, 1);
		worker_post(rd->w, reader_arm, rd);
	}
	return 0;
}

bool fx_dev_wait(int ms)
{
	struct timespec tick = {0, 10 * 1000 * 1000};

	for (int i = 0; i < ms / 10 && atomic_load(&fx.readers); i++)
		nanosleep(&tick, NULL);
	return atomic_load(&fx.readers) == 0;
}

/* After the readers ended: the metadata threads finish their queue. */
void fx_dev_stop(void)
{
	pthread_mutex_lock(&dev.lock);
	dev.stop = true;
	pthread_cond_broadcast(&dev.cond);
	pthread_mutex_unlock(&dev.lock);
	for (unsigned i = 0; i < dev.nr_threads; i++)
		pthread_join(dev.threads[i], NULL);
	dev.nr_threads = 0;
	dev.stop = false;
	if (atomic_load(&fx.readers))
		return; /* a reader may still read: its buffer and fd stay */
	uint64_t read = 0;
	if (dev.readers)
		for (unsigned i = 0; i < dev.nr_readers; i++) {
			read += dev.readers[i].served;
			free(dev.readers[i].buf);
		}
	/* Tests and bench/blockdev.sh read this line: which path served. */
	log_info("fuse: %llu requests over io_uring, %llu over /dev/fuse",
		 (unsigned long long)fx_ring_served(), (unsigned long long)read);
	fx_ring_stop();
	free(dev.readers);
	dev.readers = NULL;
	if (fx.dev_fd >= 0)
		close(fx.dev_fd);
	fx.dev_fd = -1;
}
