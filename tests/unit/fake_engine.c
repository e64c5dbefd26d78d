/* See fake_engine.h. */
#include "fake_engine.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"

struct fake_state fake;
static struct target_dev *fake_devs;
static char fake_worker_tag;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.now = 1000000000000ull;
}

int target_fail(struct target *ti, int arg, const char *why)
{
	ti->error = why;
	ti->error_arg = arg;
	return -EINVAL;
}

/* Any path opens, except those starting "missing". Sizes: 1 GiB. */
int target_dev_get(struct target *ti, const char *path, struct target_dev **dev)
{
	struct target_dev *d;

	if (!strncmp(path, "missing", 7)) {
		ti->error = "device not found";
		return -ENOENT;
	}
	for (d = fake_devs; d; d = d->next)
		if (!strcmp(d->name, path))
			break;
	if (!d) {
		d = calloc(1, sizeof(*d));
		assert(d && strlen(path) < sizeof(d->name));
		strcpy(d->name, path);
		d->size = 2097152;
		d->next = fake_devs;
		fake_devs = d;
	}
	d->refs++;
	fake.devs_open++;
	*dev = d;
	return 0;
}

void target_dev_put(struct target *ti, struct target_dev *dev)
{
	assert(dev && dev->refs > 0);
	dev->refs--;
	fake.devs_open--;
}

const char *target_dev_name(const struct target_dev *dev)
{
	return dev->name;
}

uint64_t target_dev_size(const struct target_dev *dev)
{
	return dev->size;
}

void io_remap(struct io *io, struct target_dev *dev, uint64_t sector)
{
	io->dev = dev;
	io->sector = sector;
}

void io_submit_dev(struct target_dev *dev, struct io *io)
{
	assert(fake.nsubmitted < FAKE_MAX);
	io->dev = dev;
	fake.submitted[fake.nsubmitted] = io;
	fake.submitted_dev[fake.nsubmitted++] = dev;
}

void io_complete(struct io *io, int error)
{
	assert(fake.ncompleted < FAKE_MAX);
	fake.completed[fake.ncompleted] = io;
	fake.completed_error[fake.ncompleted++] = error;
}

struct io *io_alloc(void)
{
	struct io *io = calloc(1, sizeof(*io));

	assert(io);
	io->worker = worker_current();
	fake.ios_alive++;
	return io;
}

void io_free(struct io *io)
{
	fake.ios_alive--;
	free(io);
}

void target_event(struct target *ti)
{
	fake.events++;
}

struct worker *worker_current(void)
{
	return (struct worker *)&fake_worker_tag;
}

void worker_timer(struct worker *w, struct uring_timer *t, uint64_t ns)
{
	assert(w == worker_current() && fake.ntimers < FAKE_MAX);
	fake.timers[fake.ntimers] = t;
	fake.timer_due[fake.ntimers++] = fake.now + ns;
}

void worker_post(struct worker *w, void (*fn)(void *arg), void *arg)
{
	assert(w == worker_current() && fake.nposted < FAKE_MAX);
	fake.posted_fn[fake.nposted] = fn;
	fake.posted_arg[fake.nposted++] = arg;
}

uint64_t now_ns(void)
{
	return fake.now;
}

int fake_fire_timers(int all)
{
	int fired = 0, i = 0;

	while (i < fake.ntimers) {
		struct uring_timer *t = fake.timers[i];

		if (!all && fake.timer_due[i] > fake.now) {
			i++;
			continue;
		}
		fake.ntimers--;
		fake.timers[i] = fake.timers[fake.ntimers];
		fake.timer_due[i] = fake.timer_due[fake.ntimers];
		t->op.done(&t->op, -ETIME);
		fired++;
	}
	return fired;
}

int fake_run_posted(void)
{
	int n = fake.nposted, i;

	for (i = 0; i < n; i++)
		fake.posted_fn[i](fake.posted_arg[i]);
	memmove(fake.posted_fn, fake.posted_fn + n, (size_t)(fake.nposted - n) * sizeof(void *));
	memmove(fake.posted_arg, fake.posted_arg + n, (size_t)(fake.nposted - n) * sizeof(void *));
	fake.nposted -= n;
	return n;
}

int fake_ctr(const struct target_type *type, struct target *ti, uint64_t len, const char *args)
{
	static char line[4096];
	char *words[128];
	int argc;

	memset(ti, 0, sizeof(*ti));
	ti->type = type;
	ti->len = len;
	ti->num_flush_ios = 1;
	ti->num_discard_ios = 1;
	assert(strlen(args) < sizeof(line));
	strcpy(line, args);
	argc = split_words(line, words, 128);
	assert(argc >= 0);
	return type->ctr(ti, argc, words);
}

void fake_expect_ctr_error(const struct target_type *type, uint64_t len, const char *args,
			   int argno, const char *why)
{
	struct target ti;
	int r = fake_ctr(type, &ti, len, args);

	if (r == 0 || !ti.error || strcmp(ti.error, why) || ti.error_arg != argno) {
		fprintf(stderr, "%s '%s': got %d '%s' arg %d, want '%s' arg %d\n", type->name, args,
			r, ti.error ? ti.error : "", ti.error_arg, why, argno);
		abort();
	}
	assert(fake.devs_open == 0);
}

const char *fake_status(struct target *ti, enum status_type type)
{
	static char copy[4096];
	struct strbuf sb = STRBUF_INIT;

	ti->type->status(ti, type, 0, &sb);
	assert(sb.len < sizeof(copy));
	strcpy(copy, sb_str(&sb));
	sb_release(&sb);
	return copy;
}

void fake_expect_reload(struct target *ti)
{
	char table[4096];
	struct target again;

	snprintf(table, sizeof(table), "%s", fake_status(ti, STATUS_TABLE));
	if (fake_ctr(ti->type, &again, ti->len, table)) {
		fprintf(stderr, "%s: TABLE '%s' does not load: %s\n", ti->type->name, table,
			again.error ? again.error : "?");
		abort();
	}
	assert(!strcmp(fake_status(&again, STATUS_TABLE), table));
	again.type->dtr(&again);
}

struct io *fake_io(struct target *ti, enum io_op op, uint64_t sector, uint32_t nr_sectors,
		   void *data)
{
	struct io *io = calloc(1, sizeof(*io));

	assert(io);
	io->op = op;
	io->sector = sector;
	io->nr_sectors = nr_sectors;
	io->data = data;
	io->target = ti;
	io->worker = worker_current();
	return io;
}
