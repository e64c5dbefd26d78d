#include "engine_harness.h"

#include <string.h>

#include "engine/worker.h"

static void sync_end(struct io *io, int error)
{
	struct sync_io *s = (struct sync_io *)io;

	pthread_mutex_lock(&s->lock);
	s->done = true;
	s->error = error;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void sync_start(void *arg)
{
	struct sync_io *s = arg;

	md_submit(s->md, &s->io);
}

void io_start(struct sync_io *s, struct mapped_device *md, enum io_op op, uint64_t sector,
	      uint32_t nr, void *buf)
{
	memset(s, 0, sizeof(*s));
	s->io = (struct io){
	    .op = op, .sector = sector, .nr_sectors = nr, .data = buf, .end_io = sync_end};
	s->md = md;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	worker_post(worker_pick(), sync_start, s);
}

int io_wait(struct sync_io *s)
{
	pthread_mutex_lock(&s->lock);
	while (!s->done)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return s->error;
}

int do_io(struct mapped_device *md, enum io_op op, uint64_t sector, uint32_t nr, void *buf)
{
	struct sync_io s;

	io_start(&s, md, op, sector, nr, buf);
	return io_wait(&s);
}

void *aligned(size_t bytes)
{
	void *p;

	CHECK(posix_memalign(&p, 4096, bytes) == 0);
	return p;
}

struct mapped_device *make_dev(const char *name, const char *table)
{
	struct mapped_device *md;

	CHECK(md_create(name, NULL, false, &md) == 0);
	CHECK(md_load(md, table, false, NULL) == 0);
	CHECK(md_resume(md) == 0);
	return md;
}
