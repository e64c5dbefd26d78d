/* Snapshot autoextend, built into ulvmd (LVM2 needs dmeventd for this).
 *
 * Once a second the monitor reads `activation { snapshot_autoextend_threshold
 * snapshot_autoextend_percent }` from $ULVM_SYSTEM_DIR/ulvm.conf (as LVM2's
 * lvm.conf: a threshold of 100 or more turns it off), and looks at every
 * `snapshot` target's status `<allocated>/<total> <metadata>`. A snapshot
 * whose usage reached the threshold gets `ulvm lvextend -L +<percent of its
 * store> VG/LV`, run as a child of the daemon; the LV's name comes from the
 * device name `VG-LV` (hyphens inside names doubled). One extension per
 * device at a time; the next check sees the grown store.
 */
#include "monitor.h"

#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "engine/device.h"
#include "ulvm/protocol.h"
#include "ulvm/target.h"
#include "util/error.h"
#include "util/log.h"

#define MONITOR_PERIOD_MS 500
#define MAX_CHILDREN	  16

extern char **environ;

struct policy {
	int64_t threshold, percent; /* threshold >= 100: off */
};

struct child {
	pid_t pid;
	char device[ULVM_NAME_MAX + 1];
	uint64_t total; /* the store's size the extend started from */
};

static struct {
	pthread_t thread;
	atomic_bool stop;
	char tool[4096];
	struct child children[MAX_CHILDREN];
	/* Stores an extend left as they were (already at the largest size
	 * the origin can fill): not tried again until their size changes. */
	struct child at_max[MAX_CHILDREN];
	unsigned next_at_max;
	time_t conf_mtime;
	off_t conf_size;
	struct policy policy;
} mon;

/* Re-reads ulvm.conf when it changed. */
static void policy_refresh(void)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/ulvm.conf", ulvm_system_dir());
	if (stat(path, &st) < 0) {
		mon.policy = (struct policy){100, 20};
		mon.conf_mtime = 0;
		return;
	}
	if (st.st_mtime == mon.conf_mtime && st.st_size == mon.conf_size)
		return;
	mon.conf_mtime = st.st_mtime;
	mon.conf_size = st.st_size;
	mon.policy = (struct policy){100, 20}; /* LVM2's defaults: off, 20% */
	FILE *f = fopen(path, "re");
	char *text = f ? malloc((size_t)st.st_size + 1) : NULL;
	size_t n = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
	if (f)
		fclose(f);
	struct cfg_tree *t = text ? cfg_parse(text, n) : NULL;
	if (text && !t)
		log_warn("monitor: '%s' does not parse: %s", path, err_msg());
	if (t) {
		cfg_get_int(&t->root, "activation/snapshot_autoextend_threshold",
			    &mon.policy.threshold);
		cfg_get_int(&t->root, "activation/snapshot_autoextend_percent",
			    &mon.policy.percent);
		cfg_free(t);
	}
	free(text);
}

/* "VG-LV" with hyphens inside names doubled -> "VG/LV"; false for names
 * that are no LV (no single hyphen) or LVM layers ("-cow", "-real"). */
static bool dm_name_to_lv(const char *dm, char *out, size_t size)
{
	size_t j = 0;
	bool split = false;

	for (size_t i = 0; dm[i] && j + 1 < size; i++) {
		if (dm[i] == '-' && dm[i + 1] == '-') {
			out[j++] = '-';
			i++;
		} else if (dm[i] == '-') {
			if (split)
				return false; /* a layer suffix */
			out[j++] = '/';
			split = true;
		} else {
			out[j++] = dm[i];
		}
	}
	out[j] = '\0';
	return split;
}

static bool extending(const char *device)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (mon.children[i].pid && !strcmp(mon.children[i].device, device))
			return true;
	return false;
}

static void reap_children(void)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		int status;
		struct child *c = &mon.children[i];
		if (!c->pid || waitpid(c->pid, &status, WNOHANG) != c->pid)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			log_warn("monitor: extending snapshot '%s' failed (status %d)", c->device,
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		else
			mon.at_max[mon.next_at_max++ % MAX_CHILDREN] = *c;
		c->pid = 0;
	}
}

/* True when the last successful extend of `device` started from this
 * very size: it could not grow. */
static bool cannot_grow(const char *device, uint64_t total)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (mon.at_max[i].total == total && !strcmp(mon.at_max[i].device, device))
			return true;
	return false;
}

static void extend(const char *device, uint64_t total)
{
	char lv[2 * ULVM_NAME_MAX], size[64];
	int slot = -1;

	if (!dm_name_to_lv(device, lv, sizeof(lv)) || extending(device) ||
	    cannot_grow(device, total))
		return;
	for (int i = 0; i < MAX_CHILDREN && slot < 0; i++)
		if (!mon.children[i].pid)
			slot = i;
	if (slot < 0)
		return; /* busy: the next round tries again */
	uint64_t add = (total * (uint64_t)mon.policy.percent + 99) / 100;
	snprintf(size, sizeof(size), "+%llus", (unsigned long long)(add ? add : 1));
	char *argv[] = {mon.tool, "lvextend", "-L", size, lv, NULL};
	pid_t pid;
	int r = posix_spawn(&pid, mon.tool, NULL, NULL, argv, environ);
	if (r) {
		log_error("monitor: cannot run '%s': %s", mon.tool, strerror(r));
		return;
	}
	log_info("monitor: snapshot '%s' reached %lld%%: lvextend -L %s %s", device,
		 (long long)mon.policy.threshold, size, lv);
	mon.children[slot].pid = pid;
	mon.children[slot].total = total;
	snprintf(mon.children[slot].device, sizeof(mon.children[slot].device), "%s", device);
}

struct check {
	char device[ULVM_NAME_MAX + 1];
	uint64_t total; /* store size in sectors */
	bool full;	/* usage reached the threshold */
};

struct checks {
	struct check *v;
	size_t n, cap;
};

/* INFO form of a snapshot: "<allocated>/<total> <metadata>" (sectors);
 * "Invalid", "Overflow" or "Merge failed" have nothing left to save. */
static void check_target(void *data, uint64_t start, uint64_t len, const char *type,
			 const char *params)
{
	struct check *c = data;
	unsigned long long used, total, meta;

	if (strcmp(type, "snapshot") || sscanf(params, "%llu/%llu %llu", &used, &total, &meta) != 3)
		return;
	c->total = total;
	c->full = total && used * 100 >= total * (unsigned long long)mon.policy.threshold;
}

/* Names only: the registry lock is held here, and reading a table takes
 * the device's own lock, which comes first in the lock order. */
static void collect(struct mapped_device *md, void *data)
{
	struct checks *cs = data;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		struct check *v = realloc(cs->v, cap * sizeof(*v));
		if (!v)
			return; /* checked next round */
		cs->v = v;
		cs->cap = cap;
	}
	struct check *c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->device, sizeof(c->device), "%s", md_name(md));
}

static void monitor_round(void)
{
	struct checks cs = {NULL, 0, 0};

	policy_refresh();
	reap_children();
	if (mon.policy.threshold >= 100 || mon.policy.percent <= 0)
		return;
	md_foreach(collect, &cs);
	for (size_t i = 0; i < cs.n; i++) {
		struct mapped_device *md = md_lookup(cs.v[i].device);
		if (!md)
			continue;
		md_table_foreach(md, false, true, STATUS_NOFLUSH, check_target, &cs.v[i]);
		md_put(md);
		if (cs.v[i].full)
			extend(cs.v[i].device, cs.v[i].total);
	}
	free(cs.v);
}

static void *monitor_main(void *arg)
{
	struct timespec ts = {0, MONITOR_PERIOD_MS * 1000000L};

	while (!atomic_load(&mon.stop)) {
		monitor_round();
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int monitor_start(const char *tool)
{
	snprintf(mon.tool, sizeof(mon.tool), "%s", tool);
	mon.policy = (struct policy){100, 20};
	if (pthread_create(&mon.thread, NULL, monitor_main, NULL))
		return err_set(EAGAIN, "cannot start the monitor thread");
	return 0;
}

void monitor_stop(void)
{
	atomic_store(&mon.stop, true);
	pthread_join(mon.thread, NULL);
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (mon.children[i].pid)
			waitpid(mon.children[i].pid, NULL, 0);
}
