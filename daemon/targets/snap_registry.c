/* The origin registry and the snapshot / snapshot-merge target lifecycle:
 * table arguments, sharing a store between the old and the new target of
 * a reload (the kernel's exception "handover"), resume and suspend rules,
 * status.
 *
 * Locking: registry_lock guards the list of origins, their refs and every
 * origin's snaps list (which is also changed only with o->lock held, so
 * workers read it under o->lock alone). Order: registry_lock, then o->lock.
 */
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/engine.h"
#include "targets/snap.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strbuf.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snap_origin *origins;

/* Two table arguments name the same device when they resolve to the same
 * mapped device or the same open image file / block device. */
const void *snap_dev_key(const struct target_dev *dev)
{
	return dev->md ? (const void *)dev->md : (const void *)dev->backing;
}

int snap_origin_get(const struct target_dev *dev, struct snap_origin **out)
{
	const void *key = snap_dev_key(dev);
	struct snap_origin *o;

	pthread_mutex_lock(&registry_lock);
	for (o = origins; o && o->key != key; o = o->next)
		;
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (!o) {
			pthread_mutex_unlock(&registry_lock);
			return -ENOMEM;
		}
		o->key = key;
		pthread_mutex_init(&o->lock, NULL);
		o->next = origins;
		origins = o;
	}
	o->refs++;
	pthread_mutex_unlock(&registry_lock);
	*out = o;
	return 0;
}

void snap_origin_put(struct snap_origin *o)
{
	pthread_mutex_lock(&registry_lock);
	if (--o->refs == 0) {
		for (struct snap_origin **p = &origins; *p; p = &(*p)->next) {
			if (*p == o) {
				*p = o->next;
				break;
			}
		}
		pthread_mutex_destroy(&o->lock);
		free(o);
	}
	pthread_mutex_unlock(&registry_lock);
}

uint32_t snap_origin_min_chunk(const struct snap_origin *o)
{
	uint32_t min = 0;

	for (const struct snap *s = o->snaps; s; s = s->next)
		if (!min || s->chunk_size < min)
			min = s->chunk_size;
	return min;
}

/* registry_lock held. */
static struct snap *find_by_cow(const void *cow_key)
{
	for (struct snap_origin *o = origins; o; o = o->next)
		for (struct snap *s = o->snaps; s; s = s->next)
			if (s->cow_key == cow_key)
				return s;
	return NULL;
}

/* registry_lock and o->lock held: sorted largest chunk first (kernel). */
static void insert_snap(struct snap_origin *o, struct snap *s)
{
	struct snap **p = &o->snaps;

	while (*p && (*p)->chunk_size >= s->chunk_size)
		p = &(*p)->next;
	s->next = *p;
	*p = s;
}

static void unlink_snap(struct snap_origin *o, struct snap *s)
{
	for (struct snap **p = &o->snaps; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			return;
		}
	}
}

static void snap_free(struct snap *s)
{
	snap_map_release(&s->complete);
	snap_map_release(&s->pending);
	snap_map_release(&s->tracked);
	snap_pstore_release(&s->ps);
	pthread_cond_destroy(&s->merge.stopped);
	free(s->zero_chunk);
	free(s->merge.buf);
	free(s);
}

/* Parses <P|PO|N> <chunk_size> [<#features> <feature>...] (argv from the
 * store type on). */
static int parse_store(struct target *ti, struct snap_binding *b, int argc, char **argv,
		       bool *persistent, uint32_t *chunk_size)
{
	char type = (char)toupper((unsigned char)argv[0][0]);

	if (type != 'P' && type != 'N')
		return target_fail(ti, 3, "exception store type is not P or N");
	*persistent = type == 'P';
	if (argv[0][1]) {
		if (type != 'P' || toupper((unsigned char)argv[0][1]) != 'O' || argv[0][2])
			return target_fail(ti, 3, "unsupported persistent store option");
		b->overflow_ok = true;
	}
	if (parse_u32(argv[1], chunk_size))
		return target_fail(ti, 4, "invalid chunk size");
	const char *why = snap_chunk_size_check(*chunk_size);
	if (why)
		return target_fail(ti, 4, why);
	if (b->merge && !*persistent)
		return target_fail(ti, 3,
				   "snapshot exception store does not support snapshot-merge");
	if (argc == 2)
		return 0;
	uint32_t nf;
	if (parse_u32(argv[2], &nf) || nf > 2 || (int)nf != argc - 3)
		return target_fail(ti, 5, "invalid number of feature arguments");
	for (int i = 3; i < argc; i++) {
		if (!strcasecmp(argv[i], "discard_zeroes_cow"))
			b->discard_zeroes_cow = true;
		else if (!strcasecmp(argv[i], "discard_passdown_origin"))
			b->discard_passdown_origin = true;
		else
			return target_fail(ti, i + 3, "unrecognised feature requested");
	}
	if (b->discard_passdown_origin && !b->discard_zeroes_cow)
		return target_fail(ti, 0,
				   "discard_passdown_origin feature depends on discard_zeroes_cow");
	return 0;
}

/* Binds b to the store s already open over the same COW (a reload).
 * registry_lock held. */
static int attach(struct target *ti, struct snap_binding *b, struct snap *s, struct snap_origin *o)
{
	int r = 0;

	pthread_mutex_lock(&o->lock);
	if (s->o != o)
		r = target_fail(ti, 2, "COW device is in use by a snapshot of another origin");
	else if (s->bind[0] && s->bind[1])
		r = target_fail(ti, 2, "snapshot cow pairing for exception table handover failed");
	else if (b->merge && o->merging && o->merging != s)
		r = target_fail(ti, 0, "a snapshot is already merging");
	else if (b->merge && !s->persistent)
		r = target_fail(ti, 3, "snapshot exception store does not support snapshot-merge");
	if (!r) {
		s->bind[s->bind[0] ? 1 : 0] = b;
		b->s = s;
	}
	pthread_mutex_unlock(&o->lock);
	return r;
}

/* Opens a new store (I/O: no lock held) and registers it. */
static int open_store(struct target *ti, struct snap_binding *b, struct snap_origin *o,
		      bool persistent, uint32_t chunk_size)
{
	struct snap *s = calloc(1, sizeof(*s));
	const char *why = "out of memory";
	int r;

	if (!s)
		return target_fail(ti, 0, why);
	s->persistent = persistent;
	s->cow_key = snap_dev_key(b->cow);
	pthread_cond_init(&s->merge.stopped, NULL);
	r = snap_load(s, b, chunk_size, &why);
	if (r) {
		snap_free(s);
		target_fail(ti, 0, why);
		return r;
	}
	pthread_mutex_lock(&registry_lock);
	if (find_by_cow(s->cow_key))
		r = target_fail(ti, 2, "COW device is being set up by another table");
	else if (b->merge && o->merging)
		r = target_fail(ti, 0, "a snapshot is already merging");
	if (!r) {
		pthread_mutex_lock(&o->lock);
		s->o = o;
		s->bind[0] = b;
		b->s = s;
		insert_snap(o, s);
		pthread_mutex_unlock(&o->lock);
	}
	pthread_mutex_unlock(&registry_lock);
	if (r)
		snap_free(s);
	return r;
}

static void binding_free(struct target *ti, struct snap_binding *b)
{
	if (b->origin)
		target_dev_put(ti, b->origin);
	if (b->cow)
		target_dev_put(ti, b->cow);
	pthread_cond_destroy(&b->idle);
	free(b);
}

static int get_devs(struct target *ti, struct snap_binding *b, char **argv)
{
	int r = target_dev_get(ti, argv[0], &b->origin);

	if (r)
		return r;
	r = target_dev_get(ti, argv[1], &b->cow);
	if (r)
		return r;
	if (snap_dev_key(b->origin) == snap_dev_key(b->cow))
		return target_fail(ti, 2, "COW device cannot be the same as origin device");
	return 0;
}

/* Construct: <origin> <COW device> <P|PO|N> <chunk_size>
 *            [<#feature args> [discard_zeroes_cow] [discard_passdown_origin]]
 * (snapshot-merge: P or PO only). chunk_size in sectors, a power of two; 0
 * takes a persistent store's header value (32 for a new store). */
int snap_binding_ctr(struct target *ti, int argc, char **argv, bool merge)
{
	struct snap_binding *b;
	struct snap_origin *o = NULL;
	bool persistent = false;
	uint32_t chunk_size = 0;
	int r;

	if (argc < 4)
		return target_fail(ti, 0, "requires 4 or more arguments");
	b = calloc(1, sizeof(*b));
	if (!b)
		return target_fail(ti, 0, "out of memory");
	b->ti = ti;
	b->merge = merge;
	pthread_cond_init(&b->idle, NULL);
	r = parse_store(ti, b, argc - 2, argv + 2, &persistent, &chunk_size);
	if (!r)
		r = get_devs(ti, b, argv);
	if (!r)
		r = snap_origin_get(b->origin, &o);
	if (!r) {
		pthread_mutex_lock(&registry_lock);
		struct snap *s = find_by_cow(snap_dev_key(b->cow));
		r = s ? attach(ti, b, s, o) : 1;
		pthread_mutex_unlock(&registry_lock);
		if (r == 1)
			r = open_store(ti, b, o, persistent, chunk_size);
	}
	if (r) {
		if (o)
			snap_origin_put(o);
		binding_free(ti, b);
		return r < 0 ? r : -EINVAL;
	}
	ti->private = b;
	ti->max_io_len = b->s->chunk_size;
	ti->num_flush_ios = merge ? 2 : 1;
	ti->num_discard_ios = b->discard_passdown_origin ? 2 : 1;
	return 0;
}

void snap_binding_dtr(struct target *ti)
{
	struct snap_binding *b = ti->private;
	struct snap *s = b->s;
	struct snap_origin *o = s->o;

	/* A merge table replaced by another merge table (a reload) hands the
	 * merge over: the new one resumed already and merges on. */
	pthread_mutex_lock(&o->lock);
	bool merge_goes_on = s->active && s->active != b && s->active->merge;
	pthread_mutex_unlock(&o->lock);
	if (b->merge && !merge_goes_on)
		snap_merge_stop(s);
	pthread_mutex_lock(&registry_lock);
	pthread_mutex_lock(&o->lock);
	struct snap_binding *other = s->bind[0] == b ? s->bind[1] : s->bind[0];
	s->bind[0] = other;
	s->bind[1] = NULL;
	/* A loaded but not yet resumed table takes over at once rather than
	 * leave origin writes without a store to copy into. Without another
	 * table the store goes away, but copies of origin writes may still be
	 * in flight: b stays the binding they commit through until they are
	 * done (the wait below), and only then is the store freed. */
	if (s->active == b && other)
		s->active = other;
	struct snap_binding *next = other ? s->active : NULL;
	if (s->merging && (!next || !next->merge)) {
		s->merging = false;
		o->merging = NULL;
	}
	if (!other)
		unlink_snap(o, s);
	pthread_mutex_unlock(&registry_lock);
	while (b->inflight)
		pthread_cond_wait(&b->idle, &o->lock);
	pthread_mutex_unlock(&o->lock);
	if (!other)
		snap_free(s);
	snap_origin_put(o);
	binding_free(ti, b);
}

/* A store passes from one target to another only while the one that had
 * it is suspended, so no io of the old table runs against it (kernel:
 * "Unable to perform snapshot handover until source is suspended"). */
int snap_binding_preresume(struct target *ti)
{
	struct snap_binding *b = ti->private;
	struct snap *s = b->s;
	char name[ULVM_NAME_MAX + 1] = "";

	pthread_mutex_lock(&s->o->lock);
	struct snap_binding *cur = s->active;
	if (cur && cur != b && !cur->suspended)
		snprintf(name, sizeof(name), "%s", md_name(cur->ti->table->md));
	pthread_mutex_unlock(&s->o->lock);
	if (!name[0])
		return 0;
	return err_set(EINVAL, "%s: unable to perform snapshot handover until '%s' is suspended",
		       ti->type->name, name);
}

void snap_binding_resume(struct target *ti)
{
	struct snap_binding *b = ti->private;
	struct snap *s = b->s;
	struct snap_origin *o = s->o;

	pthread_mutex_lock(&o->lock);
	/* A new table is a new target to the kernel, whose merge_failed
	 * starts false: loading the merge again retries a failed merge. */
	if (s->active != b)
		s->merge_failed = false;
	s->active = b;
	b->resumed = true;
	b->suspended = false;
	if (b->merge) {
		s->merging = true;
		o->merging = s;
		/* It acts as the origin: split as the origin does. */
		ti->max_io_len = snap_origin_min_chunk(o);
	}
	pthread_mutex_unlock(&o->lock);
	if (b->merge)
		snap_merge_start(s);
}

void snap_binding_postsuspend(struct target *ti)
{
	struct snap_binding *b = ti->private;

	pthread_mutex_lock(&b->s->o->lock);
	b->suspended = true;
	pthread_mutex_unlock(&b->s->o->lock);
}

/* INFO:  <allocated>/<total> <metadata> (sectors, all counting metadata),
 *        or Invalid, Merge failed, Overflow
 * TABLE: <origin> <cow> <P|PO|N> <chunk_size> [<#features> <features>...] */
void snap_binding_status(struct target *ti, enum status_type type, unsigned flags,
			 struct strbuf *out)
{
	struct snap_binding *b = ti->private;
	struct snap *s = b->s;

	if (type == STATUS_TABLE) {
		sb_printf(out, "%s %s %s %u", target_dev_name(b->origin), target_dev_name(b->cow),
			  s->persistent ? (b->overflow_ok ? "PO" : "P") : "N", s->chunk_size);
		unsigned nf = b->discard_zeroes_cow + b->discard_passdown_origin;
		if (nf)
			sb_printf(out, " %u%s%s", nf,
				  b->discard_zeroes_cow ? " discard_zeroes_cow" : "",
				  b->discard_passdown_origin ? " discard_passdown_origin" : "");
		return;
	}
	pthread_mutex_lock(&s->o->lock);
	/* A target whose store went to a newer table is dead (kernel: the
	 * handover source is marked invalid). */
	if (!s->valid || (b->resumed && s->active != b)) {
		sb_puts(out, "Invalid");
	} else if (s->merge_failed) {
		sb_puts(out, "Merge failed");
	} else if (s->overflowed) {
		sb_puts(out, "Overflow");
	} else {
		uint64_t allocated = s->transient_next, metadata = 0;
		if (s->persistent)
			snap_pstore_usage(&s->ps, &allocated, &metadata);
		sb_printf(out, "%llu/%llu %llu", (unsigned long long)allocated,
			  (unsigned long long)target_dev_size(b->cow),
			  (unsigned long long)metadata);
	}
	pthread_mutex_unlock(&s->o->lock);
}

int snap_binding_iterate_devices(struct target *ti, iterate_devices_fn fn, void *data)
{
	struct snap_binding *b = ti->private;
	int r = fn(ti, b->origin, 0, ti->len, data);

	return r ? r : fn(ti, b->cow, 0, target_dev_size(b->cow), data);
}
