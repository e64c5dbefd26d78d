/* The devices a table names: resolving a table argument to an image file,
 * a block device or another mapped device (docs/control-protocol.md), and
 * sharing one open device between the targets of a table. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "engine/engine.h"
#include "ulvm/protocol.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strbuf.h"

int target_fail(struct target *ti, int arg, const char *why)
{
	ti->error = why;
	ti->error_arg = arg;
	return -EINVAL;
}

const char *target_dev_name(const struct target_dev *dev)
{
	return dev->md ? md_name(dev->md) : dev->name;
}

uint64_t target_dev_size(const struct target_dev *dev)
{
	return dev->md ? md_size(dev->md) : dev->backing->size;
}

/* A mapped device named by `path`: $ULVM_DEV_DIR/mapper/NAME, a file of
 * the FUSE export, or a block device attached to a device. NULL when
 * `path` names something else. Returns a reference. */
static struct mapped_device *resolve_mapped(const char *path, const struct stat *st, bool exists)
{
	char prefix[PATH_MAX];

	snprintf(prefix, sizeof(prefix), "%s/mapper/", ulvm_dev_dir());
	if (!strncmp(path, prefix, strlen(prefix)) && !strchr(path + strlen(prefix), '/'))
		return md_lookup(path + strlen(prefix));
	snprintf(prefix, sizeof(prefix), "%s/dev/", ulvm_run_dir());
	if (!strncmp(path, prefix, strlen(prefix)) && !strchr(path + strlen(prefix), '/'))
		return md_lookup(path + strlen(prefix));
	if (exists && S_ISBLK(st->st_mode))
		return md_lookup_blockdev(major(st->st_rdev), minor(st->st_rdev));
	return NULL;
}

static bool is_devno(const char *s, unsigned *maj, unsigned *min)
{
	char extra;

	return sscanf(s, "%u:%u%c", maj, min, &extra) == 2;
}

/* Resolves a table's device argument (docs/control-protocol.md): a bare
 * word is a mapped device when one has that name, else a file relative to
 * the client's directory; major:minor; or a path. */
static int dev_open_path(struct target *ti, const char *arg, struct target_dev *dev)
{
	struct table *t = ti->table;
	char path[PATH_MAX];
	struct stat st;
	unsigned maj, min;

	if (!strchr(arg, '/')) {
		dev->md = md_lookup(arg);
		if (dev->md)
			return 0;
	}
	if (is_devno(arg, &maj, &min)) {
		dev->md = md_lookup_blockdev(maj, min);
		if (dev->md)
			return 0;
		snprintf(path, sizeof(path), "/dev/block/%u:%u", maj, min);
	} else if (arg[0] != '/' && t->cwd) {
		snprintf(path, sizeof(path), "%s/%s", t->cwd, arg);
	} else {
		snprintf(path, sizeof(path), "%s", arg);
	}
	bool exists = stat(path, &st) == 0;
	dev->md = resolve_mapped(path, &st, exists);
	if (dev->md)
		return 0;
	if (!exists && !strchr(arg, '/'))
		return err_set(ENODEV, "device '%s' not found (no such mapped device or file)",
			       arg);
	int r = backing_open(path, !t->read_only, &dev->backing);
	if (r)
		return r;
	if (dev->backing->is_blockdev) {
		char name[32];
		snprintf(name, sizeof(name), "%u:%u", major(dev->backing->rdev),
			 minor(dev->backing->rdev));
		dev->name = strdup(name);
	} else {
		dev->name = strdup(dev->backing->path);
	}
	if (!dev->name) {
		backing_put(dev->backing);
		return err_set(ENOMEM, "out of memory");
	}
	return 0;
}

static bool same_dev(const struct target_dev *a, const struct target_dev *b)
{
	return a->md ? a->md == b->md : a->backing == b->backing;
}

int target_dev_get(struct target *ti, const char *path, struct target_dev **out)
{
	struct table *t = ti->table;
	struct target_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return err_set(ENOMEM, "out of memory");
	err_clear();
	int r = dev_open_path(ti, path, dev);
	if (r) {
		free(dev);
		ti->error = NULL; /* the message is already precise */
		return r;
	}
	if (dev->md) {
		if (dev->md == t->md || (dev->md->live && table_depends_on(dev->md->live, t->md)) ||
		    (dev->md->inactive && table_depends_on(dev->md->inactive, t->md))) {
			md_put(dev->md);
			free(dev);
			return err_set(ELOOP, "device '%s' would map onto itself", path);
		}
	}
	for (struct target_dev *d = t->devs; d; d = d->next) {
		if (same_dev(d, dev)) {
			if (dev->md)
				md_put(dev->md);
			else {
				backing_put(dev->backing);
				free(dev->name);
			}
			free(dev);
			d->refs++;
			*out = d;
			return 0;
		}
	}
	/* A stacked device holds its lower one open. */
	if (dev->md && md_hold(dev->md) < 0) {
		md_put(dev->md);
		free(dev);
		return err_set(ENODEV, "device '%s' is being removed", path);
	}
	dev->refs = 1;
	dev->next = t->devs;
	t->devs = dev;
	*out = dev;
	return 0;
}

static void target_dev_release(struct target_dev *dev)
{
	if (dev->md) {
		md_unhold(dev->md);
		md_put(dev->md);
	} else {
		backing_put(dev->backing);
	}
	free(dev->name);
	free(dev);
}

void target_dev_put(struct target *ti, struct target_dev *dev)
{
	struct table *t = ti->table;

	if (--dev->refs)
		return;
	for (struct target_dev **p = &t->devs; *p; p = &(*p)->next) {
		if (*p == dev) {
			*p = dev->next;
			break;
		}
	}
	target_dev_release(dev);
}
