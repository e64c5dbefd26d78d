/* The table slots of a mapped device: load into the inactive slot, clear
 * it, suspend, resume (swapping the inactive table in), and reading the
 * tables back (table, status, deps, message). */
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "engine/engine.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strbuf.h"

#define MESSAGE_MAX_WORDS 256

int md_load(struct mapped_device *md, const char *text, bool read_only, const char *cwd)
{
	struct table *t, *old;
	int r;

	if (atomic_load(&md->removed))
		return err_set(ENODEV, "device '%s' is being removed", md->name);
	r = table_create(md, text, read_only || md->read_only, cwd, &t);
	if (r)
		return r;
	pthread_mutex_lock(&md->lock);
	old = md->inactive;
	md->inactive = t;
	pthread_mutex_unlock(&md->lock);
	if (old)
		table_destroy(old);
	return 0;
}

int md_clear(struct mapped_device *md)
{
	pthread_mutex_lock(&md->lock);
	struct table *old = md->inactive;
	md->inactive = NULL;
	pthread_mutex_unlock(&md->lock);
	if (old)
		table_destroy(old);
	return 0;
}

static void for_targets(struct table *t, void (*hook)(struct target *ti, size_t off), size_t off)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->count; i++)
		hook(&t->targets[i], off);
}

/* Calls the optional void hook at byte offset `off` in the type. */
static void call_hook(struct target *ti, size_t off)
{
	void (*fn)(struct target *) = *(void (**)(struct target *))((const char *)ti->type + off);

	if (fn)
		fn(ti);
}

static int flush_backings(struct table *t)
{
	int r = 0;

	for (struct target_dev *d = t->devs; d; d = d->next)
		if (d->backing && !r)
			r = backing_flush_sync(d->backing);
	return r;
}

/* Suspends with md->lock held. The filesystem is frozen before the gate
 * closes, since freezing writes its dirty data through the device. */
static int suspend_locked(struct mapped_device *md, unsigned flags)
{
	bool noflush = flags & MD_SUSPEND_NOFLUSH;

	if (atomic_load(&md->suspended))
		return 0;
	if (!(flags & MD_SUSPEND_NOLOCKFS) && md->live) {
		int r = md_freeze(md);
		if (r)
			return r;
	}
	for_targets(md->live, call_hook, offsetof(struct target_type, presuspend));
	atomic_store(&md->suspended, true);
	pthread_mutex_lock(&md->io_lock);
	while (atomic_load(&md->in_flight) > 0)
		pthread_cond_wait(&md->io_cond, &md->io_lock);
	pthread_mutex_unlock(&md->io_lock);
	int r = (md->live && !noflush) ? flush_backings(md->live) : 0;
	for_targets(md->live, call_hook, offsetof(struct target_type, postsuspend));
	return r;
}

int md_suspend(struct mapped_device *md, unsigned flags)
{
	pthread_mutex_lock(&md->lock);
	int r = atomic_load(&md->removed)
		    ? err_set(ENODEV, "device '%s' is being removed", md->name)
		    : suspend_locked(md, flags);
	pthread_mutex_unlock(&md->lock);
	return r;
}

static int preresume(struct table *t)
{
	for (unsigned i = 0; i < t->count; i++) {
		struct target *ti = &t->targets[i];
		if (ti->type->preresume) {
			int r = ti->type->preresume(ti);
			if (r)
				return err_default(-r, "%s target at sector %llu cannot resume",
						   ti->type->name, (unsigned long long)ti->begin);
		}
	}
	return 0;
}

int md_resume(struct mapped_device *md)
{
	struct table *old = NULL;
	uint64_t old_size = md_size(md);
	int r = 0;

	pthread_mutex_lock(&md->lock);
	if (atomic_load(&md->removed)) {
		pthread_mutex_unlock(&md->lock);
		return err_set(ENODEV, "device '%s' is being removed", md->name);
	}
	if (md->inactive) {
		/* As the kernel does, a resume with a new table suspends first
		 * (the filesystem on it frozen meanwhile). */
		r = suspend_locked(md, 0);
		if (!r)
			r = preresume(md->inactive);
		if (r) {
			pthread_mutex_unlock(&md->lock);
			return r;
		}
		old = md->live;
		md->live = md->inactive;
		md->inactive = NULL;
	} else if (md->live && atomic_load(&md->suspended)) {
		r = preresume(md->live);
		if (r) {
			pthread_mutex_unlock(&md->lock);
			return r;
		}
	}
	if (atomic_load(&md->suspended)) {
		for_targets(md->live, call_hook, offsetof(struct target_type, resume));
		pthread_mutex_lock(&md->io_lock);
		atomic_store(&md->suspended, false);
		struct io *list = md->deferred_head;
		md->deferred_head = md->deferred_tail = NULL;
		pthread_mutex_unlock(&md->io_lock);
		io_release_deferred(md, list, 0);
	}
	md_thaw(md);
	uint64_t new_size = md_size(md);
	pthread_mutex_unlock(&md->lock);
	if (old)
		table_destroy(old);
	if (new_size != old_size)
		md_notify_resized(md, old_size);
	return 0;
}

int md_table_foreach(struct mapped_device *md, bool inactive, bool status, unsigned flags,
		     md_target_fn fn, void *data)
{
	struct strbuf sb = STRBUF_INIT;

	pthread_mutex_lock(&md->lock);
	struct table *t = inactive ? md->inactive : md->live;
	if (!t) {
		pthread_mutex_unlock(&md->lock);
		return -ENXIO;
	}
	for (unsigned i = 0; i < t->count; i++) {
		struct target *ti = &t->targets[i];
		sb_reset(&sb);
		if (ti->type->status)
			ti->type->status(ti, status ? STATUS_INFO : STATUS_TABLE, flags, &sb);
		fn(data, ti->begin, ti->len, ti->type->name, sb_str(&sb));
	}
	pthread_mutex_unlock(&md->lock);
	sb_release(&sb);
	return 0;
}

int md_deps_foreach(struct mapped_device *md, bool inactive, md_dep_fn fn, void *data)
{
	pthread_mutex_lock(&md->lock);
	struct table *t = inactive ? md->inactive : md->live;
	if (!t) {
		pthread_mutex_unlock(&md->lock);
		return -ENXIO;
	}
	for (struct target_dev *d = t->devs; d; d = d->next) {
		if (d->md) {
			struct md_info info;
			md_get_info(d->md, &info);
			fn(data, info.major, info.minor, info.blockdev, info.name);
		} else {
			struct backing *b = d->backing;
			fn(data, b->is_blockdev ? major(b->rdev) : 0,
			   b->is_blockdev ? minor(b->rdev) : 0, b->path, NULL);
		}
	}
	pthread_mutex_unlock(&md->lock);
	return 0;
}

int md_message(struct mapped_device *md, uint64_t sector, const char *msg, struct strbuf *out)
{
	char *words[MESSAGE_MAX_WORDS];
	char *copy = strdup(msg);
	int r;

	if (!copy)
		return err_set(ENOMEM, "out of memory");
	pthread_mutex_lock(&md->lock);
	struct table *t = md->live;
	int n = split_words(copy, words, MESSAGE_MAX_WORDS);
	if (!t)
		r = err_set(ENXIO, "device '%s' has no live table", md->name);
	else if (n <= 0)
		r = err_set(EINVAL, "empty or too long message");
	else if (sector >= t->size)
		r = err_set(EINVAL, "sector %llu is beyond the end of device '%s'",
			    (unsigned long long)sector, md->name);
	else {
		struct target *ti = table_find(t, sector);
		if (!ti->type->message)
			r = err_set(EINVAL, "target '%s' does not take messages", ti->type->name);
		else
			r = ti->type->message(ti, n, words, out);
		if (r)
			r = err_default(-r, "%s target rejected message '%s'", ti->type->name,
					words[0]);
	}
	pthread_mutex_unlock(&md->lock);
	free(copy);
	return r;
}
