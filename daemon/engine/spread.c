/* Spreading CPU-bound work of one io over the workers (see spread.h). */
#include "engine/spread.h"

#include "engine/worker.h"

static void spread_done_post(void *arg)
{
	struct spread *s = arg;

	s->done(s);
}

/* Takes and runs shares until none is left, then lets go of the spread;
 * whoever lets go last has seen every share finish. */
static void spread_work(struct spread *s)
{
	unsigned i;

	while ((i = atomic_fetch_add(&s->next, 1)) < s->shares)
		s->run(s, i);
	if (atomic_fetch_sub(&s->holders, 1) != 1)
		return;
	if (worker_current() == s->owner)
		s->done(s);
	else
		worker_post(s->owner, spread_done_post, s);
}

static void spread_help(void *arg)
{
	spread_work(arg);
}

static unsigned worker_index_of(const struct worker *w, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (worker_at(i) == w)
			return i;
	return 0;
}

void spread_start(struct spread *s)
{
	unsigned count = workers_count();
	unsigned helpers = 0, me;

	s->owner = worker_current();
	if (s->owner && count > 1 && s->shares > 1)
		helpers = s->shares - 1 < count - 1 ? s->shares - 1 : count - 1;
	atomic_init(&s->next, 0);
	atomic_init(&s->holders, helpers + 1);
	/* The helpers are the workers after the owner, so that owners on
	 * different workers lean on different neighbours first. */
	me = worker_index_of(s->owner, count);
	for (unsigned k = 1; k <= helpers; k++)
		worker_post(worker_at((me + k) % count), spread_help, s);
	spread_work(s);
}
