/* Mapped devices: the registry and the control operations (see device.h).
 *
 * Locks, outermost first: md->lock (one control operation at a time per
 * device), reg_lock (the registry), md->io_lock (the I/O gate, deferred
 * queue, openers, event counter, attached block device). Workers only ever
 * take io_lock, briefly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/worker.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mapped_device **devices; /* sorted by name */
static unsigned nr_devices, cap_devices;
static unsigned next_minor;
static struct md_listener *listeners;

/* ---- registry ---- */

static int find_index(const char *name, bool *found)
{
	int lo = 0, hi = (int)nr_devices;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(devices[mid]->name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static int reg_insert(struct mapped_device *md)
{
	bool found;
	int i = find_index(md->name, &found);

	if (found)
		return err_set(EEXIST, "device '%s' already exists", md->name);
	if (nr_devices == cap_devices) {
		unsigned cap = cap_devices ? cap_devices * 2 : 64;
		struct mapped_device **p = realloc(devices, cap * sizeof(*p));
		if (!p)
			return err_set(ENOMEM, "out of memory");
		devices = p;
		cap_devices = cap;
	}
	memmove(devices + i + 1, devices + i, (nr_devices - (unsigned)i) * sizeof(*devices));
	devices[i] = md;
	nr_devices++;
	return 0;
}

static void reg_delete(struct mapped_device *md)
{
	bool found;
	int i = find_index(md->name, &found);

	if (!found || devices[i] != md)
		return;
	memmove(devices + i, devices + i + 1, (nr_devices - (unsigned)i - 1) * sizeof(*devices));
	nr_devices--;
}

static struct mapped_device *uuid_owner(const char *uuid)
{
	for (unsigned i = 0; i < nr_devices; i++)
		if (uuid[0] && !strcmp(devices[i]->uuid, uuid))
			return devices[i];
	return NULL;
}

struct mapped_device *md_lookup(const char *name)
{
	struct mapped_device *md = NULL;
	bool found;

	pthread_mutex_lock(&reg_lock);
	int i = find_index(name, &found);
	if (found) {
		md = devices[i];
		md_get(md);
	}
	pthread_mutex_unlock(&reg_lock);
	return md;
}

struct mapped_device *md_lookup_uuid(const char *uuid)
{
	pthread_mutex_lock(&reg_lock);
	struct mapped_device *md = uuid_owner(uuid);
	if (md)
		md_get(md);
	pthread_mutex_unlock(&reg_lock);
	return md;
}

struct mapped_device *md_lookup_blockdev(unsigned major, unsigned minor)
{
	struct mapped_device *found = NULL;

	pthread_mutex_lock(&reg_lock);
	for (unsigned i = 0; i < nr_devices && !found; i++) {
		struct mapped_device *md = devices[i];
		pthread_mutex_lock(&md->io_lock);
		if (md->blockdev[0] && md->bd_major == major && md->bd_minor == minor) {
			found = md;
			md_get(md);
		}
		pthread_mutex_unlock(&md->io_lock);
	}
	pthread_mutex_unlock(&reg_lock);
	return found;
}

void md_foreach(void (*fn)(struct mapped_device *md, void *data), void *data)
{
	pthread_mutex_lock(&reg_lock);
	for (unsigned i = 0; i < nr_devices; i++)
		fn(devices[i], data);
	pthread_mutex_unlock(&reg_lock);
}

unsigned md_count(void)
{
	return nr_devices;
}

void md_get(struct mapped_device *md)
{
	atomic_fetch_add(&md->refs, 1);
}

void md_put(struct mapped_device *md)
{
	if (atomic_fetch_sub(&md->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&md->lock);
	pthread_mutex_destroy(&md->io_lock);
	pthread_cond_destroy(&md->io_cond);
	pthread_cond_destroy(&md->event_cond);
	pthread_cond_destroy(&md->close_cond);
	free(md);
}

const char *md_name(const struct mapped_device *md)
{
	return md->name;
}

uint64_t md_size(const struct mapped_device *md)
{
	const struct table *t = md->live;

	return t ? t->size : 0;
}

unsigned md_block_size(const struct mapped_device *md)
{
	const struct table *t = md->live;

	return t ? t->block_size : SECTOR_SIZE;
}

bool md_read_only(const struct mapped_device *md)
{
	const struct table *t = md->live;

	return md->read_only || (t && t->read_only);
}

void md_add_listener(struct md_listener *l)
{
	l->next = listeners;
	listeners = l;
}

void md_set_blockdev(struct mapped_device *md, const char *path, unsigned major, unsigned minor)
{
	pthread_mutex_lock(&md->io_lock);
	snprintf(md->blockdev, sizeof(md->blockdev), "%s", path ? path : "");
	md->bd_major = path ? major : 0;
	md->bd_minor = path ? minor : 0;
	pthread_mutex_unlock(&md->io_lock);
}

void md_get_info(struct mapped_device *md, struct md_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&md->io_lock);
	snprintf(info->name, sizeof(info->name), "%s", md->name);
	snprintf(info->uuid, sizeof(info->uuid), "%s", md->uuid);
	snprintf(info->blockdev, sizeof(info->blockdev), "%s", md->blockdev);
	info->major = md->blockdev[0] ? md->bd_major : 0;
	info->minor = md->blockdev[0] ? md->bd_minor : md->minor;
	pthread_mutex_unlock(&md->io_lock);
	info->holders = atomic_load(&md->holders);
	info->open_count = atomic_load(&md->open_count) + info->holders;
	info->event_nr = atomic_load(&md->event_nr);
	info->suspended = atomic_load(&md->suspended);
	info->read_only = md_read_only(md);
	info->live_table = md->live != NULL;
	info->inactive_table = md->inactive != NULL;
	info->target_count = md->live ? md->live->count : 0;
	info->inactive_targets = md->inactive ? md->inactive->count : 0;
	info->size = md_size(md);
}

/* ---- open count and events ---- */

int md_open(struct mapped_device *md, struct md_opener *o)
{
	pthread_mutex_lock(&md->io_lock);
	if (atomic_load(&md->removed)) {
		pthread_mutex_unlock(&md->io_lock);
		return err_set(ENODEV, "device '%s' is being removed", md->name);
	}
	atomic_fetch_add(&md->open_count, 1);
	if (o) {
		o->next = md->openers;
		md->openers = o;
	}
	pthread_mutex_unlock(&md->io_lock);
	return 0;
}

int md_hold(struct mapped_device *md)
{
	pthread_mutex_lock(&md->io_lock);
	bool removed = atomic_load(&md->removed);
	if (!removed)
		atomic_fetch_add(&md->holders, 1);
	pthread_mutex_unlock(&md->io_lock);
	return removed ? -ENODEV : 0;
}

void md_unhold(struct mapped_device *md)
{
	atomic_fetch_sub(&md->holders, 1);
}

void md_close(struct mapped_device *md, struct md_opener *o)
{
	pthread_mutex_lock(&md->io_lock);
	atomic_fetch_sub(&md->open_count, 1);
	for (struct md_opener **p = &md->openers; o && *p; p = &(*p)->next) {
		if (*p == o) {
			*p = o->next;
			break;
		}
	}
	pthread_cond_broadcast(&md->close_cond);
	pthread_mutex_unlock(&md->io_lock);
}

/* The kernel sees a close of a dm device at once; ulvmd hears of a closed
 * FUSE file (RELEASE comes after close(2) has returned) or a finished NBD
 * client a moment later. So `dmsetup remove` right after the last user
 * exits waits that moment rather than call the device busy. Stacked
 * tables (holders) are not waited for: they go only by a table change. */
#define CLOSE_GRACE_MS 1000

static unsigned opens_after_grace(struct mapped_device *md)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CLOSE_GRACE_MS / 1000;
	until.tv_nsec += (long)(CLOSE_GRACE_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&md->io_lock);
	while (atomic_load(&md->open_count) && !atomic_load(&md->holders) &&
	       pthread_cond_timedwait(&md->close_cond, &md->io_lock, &until) == 0)
		;
	unsigned opens = atomic_load(&md->open_count) + atomic_load(&md->holders);
	pthread_mutex_unlock(&md->io_lock);
	return opens;
}

void md_event(struct mapped_device *md)
{
	pthread_mutex_lock(&md->io_lock);
	atomic_fetch_add(&md->event_nr, 1);
	pthread_cond_broadcast(&md->event_cond);
	pthread_mutex_unlock(&md->io_lock);
}

void target_event(struct target *ti)
{
	md_event(ti->table->md);
}

int md_wait_event(struct mapped_device *md, unsigned event_nr)
{
	pthread_mutex_lock(&md->io_lock);
	while (atomic_load(&md->event_nr) == event_nr && !atomic_load(&md->removed))
		pthread_cond_wait(&md->event_cond, &md->io_lock);
	pthread_mutex_unlock(&md->io_lock);
	if (atomic_load(&md->event_nr) == event_nr)
		return err_set(ENODEV, "device '%s' was removed", md->name);
	return 0;
}

/* ---- create, remove, rename ---- */

static bool uuid_is_valid(const char *uuid)
{
	if (strlen(uuid) > ULVM_UUID_MAX)
		return false;
	for (const char *p = uuid; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return false;
	return true;
}

int md_create(const char *name, const char *uuid, bool read_only, struct mapped_device **out)
{
	struct mapped_device *md;
	int r;

	if (!name_is_valid(name))
		return err_set(EINVAL,
			       "invalid device name '%s' (1-%d bytes, no '/', blanks or control "
			       "characters, not '.' or '..')",
			       name, ULVM_NAME_MAX);
	if (uuid && !uuid_is_valid(uuid))
		return err_set(EINVAL,
			       "invalid uuid '%s' (at most %d bytes, no control characters)", uuid,
			       ULVM_UUID_MAX);
	md = calloc(1, sizeof(*md));
	if (!md)
		return err_set(ENOMEM, "out of memory");
	snprintf(md->name, sizeof(md->name), "%s", name);
	snprintf(md->uuid, sizeof(md->uuid), "%s", uuid ? uuid : "");
	md->read_only = read_only;
	atomic_init(&md->refs, 1); /* the registry's */
	pthread_mutex_init(&md->lock, NULL);
	pthread_mutex_init(&md->io_lock, NULL);
	pthread_cond_init(&md->io_cond, NULL);
	pthread_cond_init(&md->event_cond, NULL);
	pthread_cond_init(&md->close_cond, NULL);

	pthread_mutex_lock(&reg_lock);
	struct mapped_device *other = md->uuid[0] ? uuid_owner(md->uuid) : NULL;
	if (other)
		r = err_set(EEXIST, "uuid '%s' is already used by device '%s'", md->uuid,
			    other->name);
	else
		r = reg_insert(md);
	if (!r)
		md->minor = next_minor++;
	pthread_mutex_unlock(&reg_lock);
	if (r) {
		md_put(md);
		return r;
	}
	for (struct md_listener *l = listeners; l; l = l->next)
		if (l->created)
			l->created(md);
	if (out) {
		md_get(md);
		*out = md;
	}
	return 0;
}

/* Fails every queued io and waits until nothing is in flight. */
static void drain_for_removal(struct mapped_device *md)
{
	struct io *list;

	pthread_mutex_lock(&md->io_lock);
	for (struct md_opener *o = md->openers; o; o = o->next)
		if (o->kick)
			o->kick(o);
	list = md->deferred_head;
	md->deferred_head = md->deferred_tail = NULL;
	pthread_mutex_unlock(&md->io_lock);
	io_release_deferred(md, list, -ENODEV);

	/* Targets holding ios (delay) let them go. */
	if (md->live)
		for (unsigned i = 0; i < md->live->count; i++)
			if (md->live->targets[i].type->presuspend)
				md->live->targets[i].type->presuspend(&md->live->targets[i]);
	atomic_store(&md->suspended, true);
	pthread_mutex_lock(&md->io_lock);
	while (atomic_load(&md->in_flight) > 0)
		pthread_cond_wait(&md->io_cond, &md->io_lock);
	/* Anything that slipped into the queue meanwhile fails too. */
	list = md->deferred_head;
	md->deferred_head = md->deferred_tail = NULL;
	pthread_mutex_unlock(&md->io_lock);
	io_release_deferred(md, list, -ENODEV);
	/* What was written through buffered descriptors reaches the disk. */
	if (md->live)
		for (struct target_dev *d = md->live->devs; d; d = d->next)
			if (d->backing && backing_flush_sync(d->backing))
				log_warn("%s", err_msg());
}

int md_remove(struct mapped_device *md, bool force)
{
	int r = 0;

	pthread_mutex_lock(&md->lock);
	if (atomic_load(&md->removed)) {
		pthread_mutex_unlock(&md->lock);
		return err_set(ENODEV, "device '%s' is being removed", md->name);
	}
	unsigned opens = force ? 0 : opens_after_grace(md);
	if (opens) {
		pthread_mutex_unlock(&md->lock);
		return err_set(EBUSY, "device '%s' is busy (open count %u)", md->name, opens);
	}
	for (struct md_listener *l = listeners; l && !r; l = l->next)
		if (l->removing)
			r = l->removing(md, force);
	if (r) {
		pthread_mutex_unlock(&md->lock);
		return r;
	}
	md_thaw(md);
	pthread_mutex_lock(&md->io_lock);
	atomic_store(&md->removed, true);
	pthread_mutex_unlock(&md->io_lock);
	pthread_cond_broadcast(&md->event_cond);
	drain_for_removal(md);

	pthread_mutex_lock(&reg_lock);
	reg_delete(md);
	pthread_mutex_unlock(&reg_lock);
	for (struct md_listener *l = listeners; l; l = l->next)
		if (l->removed)
			l->removed(md);
	struct table *live = md->live, *inactive = md->inactive;
	md->live = md->inactive = NULL;
	pthread_mutex_unlock(&md->lock);
	if (live)
		table_destroy(live);
	if (inactive)
		table_destroy(inactive);
	md_put(md); /* the registry's reference */
	return 0;
}

int md_rename(struct mapped_device *md, const char *new_name)
{
	char old[sizeof(md->name)];
	int r;

	if (!name_is_valid(new_name))
		return err_set(EINVAL, "invalid device name '%s'", new_name);
	pthread_mutex_lock(&md->lock);
	pthread_mutex_lock(&reg_lock);
	bool found;
	find_index(new_name, &found);
	if (found) {
		r = err_set(EEXIST, "device '%s' already exists", new_name);
	} else {
		reg_delete(md);
		snprintf(old, sizeof(old), "%s", md->name);
		pthread_mutex_lock(&md->io_lock);
		snprintf(md->name, sizeof(md->name), "%s", new_name);
		pthread_mutex_unlock(&md->io_lock);
		r = reg_insert(md);
	}
	pthread_mutex_unlock(&reg_lock);
	pthread_mutex_unlock(&md->lock);
	if (!r)
		for (struct md_listener *l = listeners; l; l = l->next)
			if (l->renamed)
				l->renamed(md, old);
	return r;
}

int md_set_uuid(struct mapped_device *md, const char *uuid)
{
	int r = 0;

	if (!uuid_is_valid(uuid) || !uuid[0])
		return err_set(EINVAL, "invalid uuid '%s'", uuid);
	pthread_mutex_lock(&reg_lock);
	struct mapped_device *other = uuid_owner(uuid);
	if (md->uuid[0])
		r = err_set(EINVAL, "device '%s' already has uuid '%s' (a uuid is set once)",
			    md->name, md->uuid);
	else if (other)
		r = err_set(EEXIST, "uuid '%s' is already used by device '%s'", uuid, other->name);
	else
		snprintf(md->uuid, sizeof(md->uuid), "%s", uuid);
	pthread_mutex_unlock(&reg_lock);
	return r;
}

int md_freeze(struct mapped_device *md)
{
	int r = 0;
	struct md_listener *l;

	for (l = listeners; l && !r; l = l->next)
		if (l->freeze)
			r = l->freeze(md);
	md->frozen = !r;
	return r;
}

void md_thaw(struct mapped_device *md)
{
	if (!md->frozen)
		return;
	for (struct md_listener *l = listeners; l; l = l->next)
		if (l->thaw)
			l->thaw(md);
	md->frozen = false;
}

void md_notify_resized(struct mapped_device *md, uint64_t old_size)
{
	for (struct md_listener *l = listeners; l; l = l->next)
		if (l->resized)
			l->resized(md, old_size);
}
