/* Spreading CPU-bound work of one io over the workers (see spread.h). */
#include "engine/spread.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "engine/worker.h"

/* What the owner and its helpers share. It outlives `s` while a helper
 * that has not run yet still holds it. */
struct spread_state {
	struct spread *s; /* only touched for shares not yet finished */
	struct worker *owner;
	unsigned shares;
	atomic_uint next;     /* next share to hand out */
	atomic_uint finished; /* shares run */
	atomic_uint refs;     /* owner + helpers not yet gone */
};

static void spread_done_post(void *arg)
{
	struct spread *s = arg;

	s->done(s);
}

/* Takes and runs shares until none is left. Whoever finishes the last
 * share completes the spread (on the owner); the last one to leave frees
 * the state. */
static void spread_work(struct spread_state *st)
{
	unsigned i;

	while ((i = atomic_fetch_add(&st->next, 1)) < st->shares) {
		struct spread *s = st->s;

		s->run(s, i);
		if (atomic_fetch_add(&st->finished, 1) + 1 != st->shares)
			continue;
		if (worker_current() == st->owner)
			s->done(s);
		else
			worker_post(st->owner, spread_done_post, s);
	}
	if (atomic_fetch_sub(&st->refs, 1) == 1)
		free(st);
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

/* Everything on the calling thread. */
static void spread_inline(struct spread *s)
{
	for (unsigned i = 0; i < s->shares; i++)
		s->run(s, i);
	s->done(s);
}

void spread_start(struct spread *s)
{
	struct worker *owner = worker_current();
	unsigned count = workers_count(), helpers, me;
	struct spread_state *st;

	if (!owner || count < 2 || s->shares < 2) {
		spread_inline(s);
		return;
	}
	st = malloc(sizeof(*st));
	if (!st) {
		spread_inline(s);
		return;
	}
	helpers = s->shares - 1 < count - 1 ? s->shares - 1 : count - 1;
	st->s = s;
	st->owner = owner;
	st->shares = s->shares;
	atomic_init(&st->next, 0);
	atomic_init(&st->finished, 0);
	atomic_init(&st->refs, helpers + 1);
	/* The helpers are the workers after the owner, so that owners on
	 * different workers lean on different neighbours first. */
	me = worker_index_of(owner, count);
	for (unsigned k = 1; k <= helpers; k++)
		worker_post(worker_at((me + k) % count), spread_help, st);
	spread_work(st);
}
