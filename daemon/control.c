/* The control socket: one thread per client connection, one handler per
 * request (docs/control-protocol.md). Requests may block (wait, suspend);
 * that only holds up the connection that sent them. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/device.h"
#include "ulvm/protocol.h"
#include "ulvm/target.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"

static int listen_fd = -1;
static pthread_t accept_thread;
static void (*shutdown_cb)(void);
static atomic_bool stopping;

/* ---- helpers ---- */

static bool get_bool(json_object *req, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(req, key, &v) && json_object_get_boolean(v);
}

static const char *get_string(json_object *req, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* True when someone (a mounted filesystem, a program) has the block
 * device open: the kernel refuses an exclusive open then. */
static bool blockdev_in_use(const char *path)
{
	int fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EBUSY;
}

static json_object *info_json(struct mapped_device *md)
{
	struct md_info i;
	json_object *o = json_object_new_object();

	md_get_info(md, &i);
	/* A filesystem mounted on the attached block device holds the device
	 * open, as the kernel counts a mount in a dm device's open count. */
	if (i.blockdev[0] && blockdev_in_use(i.blockdev))
		i.open_count++;
	json_object_object_add(o, "name", json_object_new_string(i.name));
	json_object_object_add(o, "uuid", json_object_new_string(i.uuid));
	json_object_object_add(o, "major", json_object_new_int((int)i.major));
	json_object_object_add(o, "minor", json_object_new_int((int)i.minor));
	json_object_object_add(o, "open_count", json_object_new_int((int)i.open_count));
	json_object_object_add(o, "event_nr", json_object_new_int64(i.event_nr));
	json_object_object_add(o, "suspended", json_object_new_boolean(i.suspended));
	json_object_object_add(o, "read_only", json_object_new_boolean(i.read_only));
	json_object_object_add(o, "live_table", json_object_new_boolean(i.live_table));
	json_object_object_add(o, "inactive_table", json_object_new_boolean(i.inactive_table));
	json_object_object_add(o, "target_count", json_object_new_int((int)i.target_count));
	json_object_object_add(o, "inactive_target_count",
			       json_object_new_int((int)i.inactive_targets));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)i.size));
	json_object_object_add(o, "blockdev", json_object_new_string(i.blockdev));
	return o;
}

/* The device a request addresses by "name" or "uuid"; a reference. */
static int req_device(json_object *req, struct mapped_device **out)
{
	const char *name = get_string(req, "name");
	const char *uuid = get_string(req, "uuid");

	if (name && uuid && *uuid)
		return err_set(EINVAL, "give a device name or a uuid, not both");
	if (name) {
		*out = md_lookup(name);
		return *out ? 0 : err_set(ENXIO, "device '%s' not found", name);
	}
	if (uuid) {
		*out = md_lookup_uuid(uuid);
		return *out ? 0 : err_set(ENXIO, "device with uuid '%s' not found", uuid);
	}
	return err_set(EINVAL, "no device name or uuid given");
}

/* ---- handlers ---- */

typedef int (*handler_fn)(json_object *req, json_object *reply);
typedef int (*device_handler_fn)(struct mapped_device *md, json_object *req, json_object *reply);

static int h_version(json_object *req, json_object *reply)
{
	json_object *v = json_object_new_array();

	json_object_array_add(v, json_object_new_int(ULVM_PROTO_MAJOR));
	json_object_array_add(v, json_object_new_int(ULVM_PROTO_MINOR));
	json_object_array_add(v, json_object_new_int(ULVM_PROTO_PATCH));
	json_object_object_add(reply, "version", v);
	json_object_object_add(reply, "daemon", json_object_new_string("ulvmd " ULVM_VERSION));
	return 0;
}

static void add_target_type(const struct target_type *type, void *data)
{
	json_object *t = json_object_new_object();
	json_object *v = json_object_new_array();

	for (int i = 0; i < 3; i++)
		json_object_array_add(v, json_object_new_int((int)type->version[i]));
	json_object_object_add(t, "name", json_object_new_string(type->name));
	json_object_object_add(t, "version", v);
	json_object_array_add(data, t);
}

static int h_targets(json_object *req, json_object *reply)
{
	json_object *list = json_object_new_array();

	target_types_foreach(add_target_type, list);
	json_object_object_add(reply, "targets", list);
	return 0;
}

struct list_ctx {
	json_object *list;
	const char *target;
};

static void match_type(void *data, uint64_t start, uint64_t len, const char *type,
		       const char *params)
{
	struct list_ctx *c = data;

	if (!strcmp(type, c->target))
		c->target = NULL; /* found: mark by clearing */
}

static void add_device(struct mapped_device *md, void *data)
{
	struct list_ctx *c = data;

	if (c->target) {
		struct list_ctx probe = {NULL, c->target};
		if (md_table_foreach(md, false, false, STATUS_NOFLUSH, match_type, &probe) ||
		    probe.target)
			return;
	}
	json_object_array_add(c->list, info_json(md));
}

static int h_list(json_object *req, json_object *reply)
{
	struct list_ctx c = {json_object_new_array(), get_string(req, "target")};

	md_foreach(add_device, &c);
	json_object_object_add(reply, "devices", c.list);
	return 0;
}

static int h_create(json_object *req, json_object *reply)
{
	const char *name = get_string(req, "name");
	const char *uuid = get_string(req, "uuid");
	struct mapped_device *md;

	if (!name)
		return err_set(EINVAL, "create: no device name given");
	int r = md_create(name, uuid && *uuid ? uuid : NULL, get_bool(req, "read_only"), &md);
	if (r)
		return r;
	json_object_object_add(reply, "info", info_json(md));
	md_put(md);
	return 0;
}

static int h_remove(struct mapped_device *md, json_object *req, json_object *reply)
{
	return md_remove(md, get_bool(req, "force"));
}

static int h_rename(struct mapped_device *md, json_object *req, json_object *reply)
{
	const char *new_name = get_string(req, "new_name");
	const char *new_uuid = get_string(req, "new_uuid");
	int r;

	if (!new_name == !new_uuid)
		return err_set(EINVAL, "rename: give exactly one of new_name and new_uuid");
	r = new_name ? md_rename(md, new_name) : md_set_uuid(md, new_uuid);
	if (!r)
		json_object_object_add(reply, "info", info_json(md));
	return r;
}

static int h_load(struct mapped_device *md, json_object *req, json_object *reply)
{
	const char *table = get_string(req, "table");

	if (!table)
		return err_set(EINVAL, "load: no table given");
	int r = md_load(md, table, get_bool(req, "read_only"), get_string(req, "cwd"));
	if (!r)
		json_object_object_add(reply, "info", info_json(md));
	return r;
}

static int h_clear(struct mapped_device *md, json_object *req, json_object *reply)
{
	int r = md_clear(md);

	if (!r)
		json_object_object_add(reply, "info", info_json(md));
	return r;
}

static int h_suspend(struct mapped_device *md, json_object *req, json_object *reply)
{
	int r = md_suspend(md, (get_bool(req, "noflush") ? MD_SUSPEND_NOFLUSH : 0) |
				   (get_bool(req, "nolockfs") ? MD_SUSPEND_NOLOCKFS : 0));

	if (!r)
		json_object_object_add(reply, "info", info_json(md));
	return r;
}

static int h_resume(struct mapped_device *md, json_object *req, json_object *reply)
{
	int r = md_resume(md);

	if (!r)
		json_object_object_add(reply, "info", info_json(md));
	return r;
}

static int h_info(struct mapped_device *md, json_object *req, json_object *reply)
{
	json_object_object_add(reply, "info", info_json(md));
	return 0;
}

static void add_target(void *data, uint64_t start, uint64_t len, const char *type,
		       const char *params)
{
	json_object *t = json_object_new_object();

	json_object_object_add(t, "start", json_object_new_int64((int64_t)start));
	json_object_object_add(t, "length", json_object_new_int64((int64_t)len));
	json_object_object_add(t, "type", json_object_new_string(type));
	json_object_object_add(t, "params", json_object_new_string(params));
	json_object_array_add(data, t);
}

static int table_or_status(struct mapped_device *md, json_object *req, json_object *reply,
			   bool status)
{
	json_object *list = json_object_new_array();
	unsigned flags = (get_bool(req, "showkeys") ? STATUS_SHOWKEYS : 0) |
			 (get_bool(req, "noflush") ? STATUS_NOFLUSH : 0);
	int r = md_table_foreach(md, get_bool(req, "inactive"), status, flags, add_target, list);

	if (r == -ENXIO) /* no such table: an empty list, as dmsetup shows nothing */
		r = 0;
	json_object_object_add(reply, "info", info_json(md));
	json_object_object_add(reply, "targets", list);
	return r;
}

static int h_table(struct mapped_device *md, json_object *req, json_object *reply)
{
	return table_or_status(md, req, reply, false);
}

static int h_status(struct mapped_device *md, json_object *req, json_object *reply)
{
	return table_or_status(md, req, reply, true);
}

static void add_dep(void *data, unsigned major, unsigned minor, const char *path, const char *name)
{
	json_object *d = json_object_new_object();

	json_object_object_add(d, "major", json_object_new_int((int)major));
	json_object_object_add(d, "minor", json_object_new_int((int)minor));
	json_object_object_add(d, "path", json_object_new_string(path ? path : ""));
	if (name)
		json_object_object_add(d, "name", json_object_new_string(name));
	json_object_array_add(data, d);
}

static int h_deps(struct mapped_device *md, json_object *req, json_object *reply)
{
	json_object *list = json_object_new_array();
	int r = md_deps_foreach(md, get_bool(req, "inactive"), add_dep, list);

	if (r == -ENXIO)
		r = 0;
	json_object_object_add(reply, "info", info_json(md));
	json_object_object_add(reply, "deps", list);
	return r;
}

static int h_wait(struct mapped_device *md, json_object *req, json_object *reply)
{
	json_object *v;
	unsigned event_nr = 0;

	if (json_object_object_get_ex(req, "event_nr", &v))
		event_nr = (unsigned)json_object_get_int64(v);
	int r = md_wait_event(md, event_nr);
	if (!r)
		json_object_object_add(reply, "info", info_json(md));
	return r;
}

static int h_message(struct mapped_device *md, json_object *req, json_object *reply)
{
	const char *msg = get_string(req, "message");
	json_object *v;
	uint64_t sector = 0;
	struct strbuf out = STRBUF_INIT;

	if (!msg)
		return err_set(EINVAL, "message: no message given");
	if (json_object_object_get_ex(req, "sector", &v))
		sector = (uint64_t)json_object_get_int64(v);
	int r = md_message(md, sector, msg, &out);
	if (!r)
		json_object_object_add(reply, "response", json_object_new_string(sb_str(&out)));
	sb_release(&out);
	return r;
}

struct dev_array {
	struct mapped_device **v;
	unsigned n;
};

static void collect(struct mapped_device *md, void *data)
{
	struct dev_array *a = data;
	struct mapped_device **p = realloc(a->v, (a->n + 1) * sizeof(*p));

	if (!p)
		return; /* skipped: remove_all reports what it removed */
	md_get(md);
	a->v = p;
	a->v[a->n++] = md;
}

int control_remove_all(bool force)
{
	struct dev_array a = {NULL, 0};
	int removed = 0, r = 0;
	bool progress = true;

	md_foreach(collect, &a);
	/* Topmost first: a device is removable once nothing stacks on it.
	 * Without force, open devices are left alone, as dm's remove_all. */
	while (progress) {
		progress = false;
		for (unsigned i = 0; i < a.n; i++) {
			struct md_info info;
			if (!a.v[i])
				continue;
			md_get_info(a.v[i], &info);
			if (info.holders || (!force && info.open_count))
				continue;
			if (md_remove(a.v[i], force) == 0)
				removed++;
			md_put(a.v[i]);
			a.v[i] = NULL;
			progress = true;
		}
	}
	for (unsigned i = 0; i < a.n; i++)
		if (a.v[i])
			md_put(a.v[i]);
	free(a.v);
	return r ? r : removed;
}

static int h_remove_all(json_object *req, json_object *reply)
{
	int n = control_remove_all(get_bool(req, "force"));

	if (n < 0)
		return n;
	json_object_object_add(reply, "removed", json_object_new_int(n));
	return 0;
}

struct busy {
	char why[ULVM_NAME_MAX + 320];
	unsigned opens;
};

/* The first device held open by an export or whose block device is in
 * use (stacking is not a reason to refuse: shutdown removes devices
 * topmost first). */
static void find_open(struct mapped_device *md, void *data)
{
	struct busy *b = data;
	struct md_info info;

	md_get_info(md, &info);
	if (b->opens)
		return;
	if (info.open_count > info.holders) {
		b->opens = info.open_count - info.holders;
		snprintf(b->why, sizeof(b->why), "device '%s' is open (count %u)", info.name,
			 b->opens);
	} else if (info.blockdev[0] && blockdev_in_use(info.blockdev)) {
		b->opens = 1;
		snprintf(b->why, sizeof(b->why), "device '%s' is in use ('%s' is mounted or open)",
			 info.name, info.blockdev);
	}
}

static int h_shutdown(json_object *req, json_object *reply)
{
	struct busy b = {"", 0};

	if (!get_bool(req, "force")) {
		md_foreach(find_open, &b);
		if (b.opens)
			return err_set(EBUSY, "%s; use --force to stop anyway", b.why);
	}
	if (shutdown_cb)
		shutdown_cb();
	return 0;
}

/* ---- dispatch ---- */

static const struct {
	const char *cmd;
	handler_fn global;
	device_handler_fn device;
} handlers[] = {
    {"version", h_version, NULL},
    {"targets", h_targets, NULL},
    {"list", h_list, NULL},
    {"create", h_create, NULL},
    {"remove_all", h_remove_all, NULL},
    {"shutdown", h_shutdown, NULL},
    {"remove", NULL, h_remove},
    {"rename", NULL, h_rename},
    {"load", NULL, h_load},
    {"clear", NULL, h_clear},
    {"suspend", NULL, h_suspend},
    {"resume", NULL, h_resume},
    {"info", NULL, h_info},
    {"table", NULL, h_table},
    {"status", NULL, h_status},
    {"deps", NULL, h_deps},
    {"wait", NULL, h_wait},
    {"message", NULL, h_message},
};

static int dispatch(json_object *req, json_object *reply)
{
	const char *cmd = get_string(req, "cmd");

	if (!cmd)
		return err_set(EINVAL, "request without \"cmd\"");
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (strcmp(cmd, handlers[i].cmd))
			continue;
		if (handlers[i].global)
			return handlers[i].global(req, reply);
		struct mapped_device *md;
		int r = req_device(req, &md);
		if (r)
			return r;
		r = handlers[i].device(md, req, reply);
		md_put(md);
		return r;
	}
	return err_set(EINVAL, "unknown command '%s'", cmd);
}

static json_object *handle(const char *text)
{
	json_object *reply = json_object_new_object();
	json_object *req = json_tokener_parse(text);
	int r;

	err_clear();
	if (!req || !json_object_is_type(req, json_type_object))
		r = err_set(EINVAL, "request is not a JSON object");
	else
		r = dispatch(req, reply);
	json_object_put(req);
	if (r) {
		json_object_put(reply);
		reply = json_object_new_object();
		json_object_object_add(reply, "ok", json_object_new_boolean(0));
		json_object_object_add(reply, "errno", json_object_new_int(-r));
		json_object_object_add(reply, "error", json_object_new_string(err_msg()));
	} else {
		json_object_object_add(reply, "ok", json_object_new_boolean(1));
	}
	return reply;
}

static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void *client_main(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *text;
	size_t len;

	if (!peer_allowed(fd)) {
		const char *deny = "{\"ok\":false,\"errno\":13,\"error\":\"permission denied\"}";
		ulvm_frame_send(fd, deny, strlen(deny));
		close(fd);
		return NULL;
	}
	while (ulvm_frame_recv(fd, &text, &len) == 0) {
		json_object *reply = handle(text);
		free(text);
		size_t out_len;
		const char *out =
		    json_object_to_json_string_length(reply, JSON_C_TO_STRING_PLAIN, &out_len);
		int r = ulvm_frame_send(fd, out, out_len);
		json_object_put(reply);
		if (r)
			break;
	}
	close(fd);
	return NULL;
}

static void *accept_main(void *arg)
{
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	while (!atomic_load(&stopping)) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break; /* the socket was shut down: we are stopping */
		}
		pthread_t t;
		if (pthread_create(&t, &attr, client_main, (void *)(intptr_t)fd)) {
			log_error("control: cannot start a client thread");
			close(fd);
		}
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

int control_start(const char *path, void (*on_shutdown)(void))
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(addr.sun_path))
		return err_set(ENAMETOOLONG, "control socket path '%s' is too long", path);
	strcpy(addr.sun_path, path);
	shutdown_cb = on_shutdown;
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		return err_set(errno, "socket: %s", strerror(errno));
	unlink(path); /* a stale socket: the pid file lock says we are alone */
	mode_t old = umask(0077);
	int r = bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (r < 0 || chmod(path, 0600) < 0 || listen(listen_fd, 64) < 0) {
		r = err_set(errno, "cannot listen on '%s': %s", path, strerror(errno));
		close(listen_fd);
		listen_fd = -1;
		return r;
	}
	if (pthread_create(&accept_thread, NULL, accept_main, NULL)) {
		close(listen_fd);
		listen_fd = -1;
		return err_set(EAGAIN, "cannot start the control thread");
	}
	return 0;
}

void control_stop(void)
{
	if (listen_fd < 0)
		return;
	atomic_store(&stopping, true);
	shutdown(listen_fd, SHUT_RDWR);
	pthread_join(accept_thread, NULL);
	close(listen_fd);
	listen_fd = -1;
}
