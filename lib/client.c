/* The control client: connection, daemon start on demand, request/reply,
 * then one typed helper per protocol command. */
#include "ulvm/client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"

struct ulvm_client {
	int fd;
};

void ulvm_control_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", ulvm_run_dir(), ULVM_CONTROL_SOCKET);
}

/* One connect attempt; returns the fd or -errno (message set). */
static int control_connect(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char path[PATH_MAX];

	ulvm_control_path(path, sizeof(path));
	if (strlen(path) >= sizeof(addr.sun_path))
		return err_set(ENAMETOOLONG, "control socket path '%s' is too long", path);
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		return fd;
	int e = errno;
	close(fd);
	return err_set(e, "cannot connect to ulvmd at '%s': %s", path, strerror(e));
}

/* The daemon binary: $ULVM_DAEMON, else `ulvmd` beside /proc/self/exe. */
static int daemon_path(char *buf, size_t size)
{
	const char *env = getenv("ULVM_DAEMON");

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return 0;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return err_set(errno, "cannot find own binary: %s", strerror(errno));
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	size_t dir_len = (size_t)(slash + 1 - self);
	if (dir_len + sizeof("ulvmd") > size)
		return err_set(ENAMETOOLONG, "path of own binary '%s' is too long", self);
	memcpy(buf, self, dir_len);
	memcpy(buf + dir_len, "ulvmd", sizeof("ulvmd"));
	return 0;
}

/* The first line of what the daemon wrote to `fd` (a memfd), for the
 * message of a failed start. */
static void read_daemon_message(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Runs ulvmd with no arguments and waits for it: it daemonises and exits
 * 0 once it answers. Its stdin/stdout are /dev/null, so a caller capturing
 * our output never waits on the daemon; its stderr goes to a memfd, shown
 * only if the start fails (a daemon started by a concurrent tool makes
 * ours refuse, which is no error). Returns 0; -EAGAIN when ulvmd ran and
 * failed (the caller retries the connection); or another -errno. The
 * message is set on failure. */
static int daemon_start(void)
{
	char path[PATH_MAX], msg[512];
	int r = daemon_path(path, sizeof(path));

	if (r)
		return r;
	if (access(path, X_OK))
		return err_set(errno, "cannot start ulvmd '%s': %s", path, strerror(errno));
	int out = memfd_create("ulvmd-stderr", MFD_CLOEXEC);
	pid_t pid = fork();
	if (pid < 0) {
		r = err_set(errno, "fork: %s", strerror(errno));
		close(out);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (out >= 0)
			dup2(out, 2);
		execl(path, "ulvmd", (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	msg[0] = '\0';
	if (out >= 0) {
		read_daemon_message(out, msg, sizeof(msg));
		close(out);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (msg[0])
		return err_set(EAGAIN, "cannot start ulvmd '%s': %s", path, msg);
	return err_set(EAGAIN, "cannot start ulvmd '%s': %s %d", path,
		       WIFEXITED(status) ? "exit status" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static bool no_daemon(int r)
{
	return r == -ENOENT || r == -ECONNREFUSED;
}

/* Connects, starting the daemon once when it is absent. When our ulvmd
 * ran but refused, another tool's may be coming up: keep trying for a few
 * seconds before reporting why ours failed. */
static int connect_or_start(unsigned flags)
{
	char why[ERR_MSG_MAX];
	int fd = control_connect();

	if (fd >= 0 || !no_daemon(fd) || !(flags & ULVM_CONNECT_AUTOSTART))
		return fd;
	int started = daemon_start();
	if (started && started != -EAGAIN)
		return started;
	snprintf(why, sizeof(why), "%s", err_msg());
	fd = control_connect();
	for (int i = 0; fd < 0 && no_daemon(fd) && started && i < 50; i++) {
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
		fd = control_connect();
	}
	if (fd < 0 && started)
		return err_set(EIO, "%s", why);
	return fd;
}

struct ulvm_client *ulvm_client_open(unsigned flags)
{
	int fd = connect_or_start(flags);

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	struct ulvm_client *c = malloc(sizeof(*c));
	if (!c) {
		close(fd);
		err_set(ENOMEM, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	c->fd = fd;
	return c;
}

void ulvm_client_close(struct ulvm_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

/* Turns an {"ok": false} reply into -errno with the daemon's message. */
static int reply_error(json_object *reply)
{
	json_object *v;
	int e = EIO;

	if (json_object_object_get_ex(reply, "errno", &v))
		e = json_object_get_int(v);
	if (e <= 0)
		e = EIO;
	if (json_object_object_get_ex(reply, "error", &v) &&
	    json_object_is_type(v, json_type_string))
		return err_set(e, "%s", json_object_get_string(v));
	return err_set(e, "%s", strerror(e));
}

static int transport_error(int r, const char *what)
{
	if (r == -ECONNRESET)
		return err_set(ECONNRESET, "ulvmd closed the connection");
	return err_set(-r, "%s: %s", what, strerror(-r));
}

int ulvm_call(struct ulvm_client *c, json_object *request, json_object **reply)
{
	size_t len;
	const char *text = json_object_to_json_string_length(request, JSON_C_TO_STRING_PLAIN, &len);
	char *answer = NULL;
	int r = ulvm_frame_send(c->fd, text, len);

	if (reply)
		*reply = NULL;
	if (r)
		return transport_error(r, "cannot send to ulvmd");
	r = ulvm_frame_recv(c->fd, &answer, &len);
	if (r)
		return transport_error(r, "cannot read from ulvmd");
	json_object *obj = json_tokener_parse(answer);
	free(answer);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return err_set(EPROTO, "ulvmd sent a malformed reply");
	}
	json_object *ok;
	if (!json_object_object_get_ex(obj, "ok", &ok) || !json_object_get_boolean(ok)) {
		r = reply_error(obj);
		json_object_put(obj);
		return r;
	}
	if (reply)
		*reply = obj;
	else
		json_object_put(obj);
	return 0;
}

/* ---- json helpers ---- */

static json_object *request_new(const char *cmd)
{
	json_object *req = json_object_new_object();

	if (!req)
		abort();
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	return req;
}

static void add_devid(json_object *req, struct ulvm_devid id)
{
	if (id.uuid)
		json_object_object_add(req, "uuid", json_object_new_string(id.uuid));
	else
		json_object_object_add(req, "name", json_object_new_string(id.name ? id.name : ""));
}

static void add_bool(json_object *req, const char *key, bool value)
{
	json_object_object_add(req, key, json_object_new_boolean(value));
}

static void add_string(json_object *req, const char *key, const char *value)
{
	json_object_object_add(req, key, json_object_new_string(value));
}

static json_object *get(json_object *obj, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(obj, key, &v);
	return v;
}

static uint64_t get_u64(json_object *obj, const char *key)
{
	json_object *v = get(obj, key);

	return v ? json_object_get_uint64(v) : 0;
}

static const char *get_str(json_object *obj, const char *key)
{
	json_object *v = get(obj, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

int ulvm_info_from_json(json_object *obj, struct ulvm_info *info)
{
	if (!obj || !json_object_is_type(obj, json_type_object))
		return err_set(EPROTO, "ulvmd sent a reply without device info");
	memset(info, 0, sizeof(*info));
	copy_str(info->name, sizeof(info->name), get_str(obj, "name"));
	copy_str(info->uuid, sizeof(info->uuid), get_str(obj, "uuid"));
	copy_str(info->blockdev, sizeof(info->blockdev), get_str(obj, "blockdev"));
	info->major = (unsigned)get_u64(obj, "major");
	info->minor = (unsigned)get_u64(obj, "minor");
	info->open_count = (unsigned)get_u64(obj, "open_count");
	info->event_nr = (unsigned)get_u64(obj, "event_nr");
	info->target_count = (unsigned)get_u64(obj, "target_count");
	info->size = get_u64(obj, "size");
	info->suspended = json_object_get_boolean(get(obj, "suspended"));
	info->read_only = json_object_get_boolean(get(obj, "read_only"));
	info->live_table = json_object_get_boolean(get(obj, "live_table"));
	info->inactive_table = json_object_get_boolean(get(obj, "inactive_table"));
	return 0;
}

/* Sends `req` (consumed) and fills `info` (if not NULL) from the reply's
 * "info"; hands the reply to *reply when asked. */
static int call(struct ulvm_client *c, json_object *req, struct ulvm_info *info,
		json_object **reply)
{
	json_object *rep = NULL;
	int r = ulvm_call(c, req, &rep);

	if (reply)
		*reply = NULL;
	json_object_put(req);
	if (!r && info)
		r = ulvm_info_from_json(get(rep, "info"), info);
	if (!r && reply) {
		*reply = rep;
		return 0;
	}
	json_object_put(rep);
	return r;
}

/* Like call(), for replies carrying an array: on success *rep is the
 * reply (the caller puts it) and *array its `key` member; -EPROTO when the
 * array is missing. */
static int call_array(struct ulvm_client *c, json_object *req, struct ulvm_info *info,
		      const char *key, json_object **rep, json_object **array)
{
	int r = call(c, req, info, rep);

	if (r)
		return r;
	*array = get(*rep, key);
	if (*array && json_object_is_type(*array, json_type_array))
		return 0;
	json_object_put(*rep);
	return err_set(EPROTO, "ulvmd sent a reply without '%s'", key);
}

/* ---- one block for a list and its strings ---- */

struct pack {
	char *base;
	size_t used;
};

/* Allocates head + n * elem bytes plus `strings` bytes of string room. */
static void *pack_new(struct pack *p, size_t head, size_t n, size_t elem, size_t strings)
{
	size_t size = head + n * elem + strings;

	p->base = calloc(1, size ? size : 1);
	if (!p->base)
		abort();
	p->used = head + n * elem;
	return p->base;
}

static const char *pack_str(struct pack *p, const char *s)
{
	char *dst = p->base + p->used;
	size_t n = strlen(s) + 1;

	memcpy(dst, s, n);
	p->used += n;
	return dst;
}

/* Room needed by the strings `keys` of every element of `array`. */
static size_t strings_size(json_object *array, const char *const *keys)
{
	size_t total = 0;

	for (size_t i = 0; i < json_object_array_length(array); i++)
		for (const char *const *k = keys; *k; k++)
			total += strlen(get_str(json_object_array_get_idx(array, i), *k)) + 1;
	return total;
}

/* ---- commands ---- */

int ulvm_version(struct ulvm_client *c, unsigned version[3], char *daemon, size_t daemon_size)
{
	json_object *rep, *v;
	int r = call(c, request_new("version"), NULL, &rep);

	if (r)
		return r;
	v = get(rep, "version");
	for (size_t i = 0; i < 3; i++)
		version[i] = v ? (unsigned)json_object_get_int(json_object_array_get_idx(v, i)) : 0;
	if (daemon)
		copy_str(daemon, daemon_size, get_str(rep, "daemon"));
	json_object_put(rep);
	return 0;
}

int ulvm_create(struct ulvm_client *c, const char *name, const char *uuid, bool read_only,
		struct ulvm_info *info)
{
	json_object *req = request_new("create");

	add_string(req, "name", name);
	if (uuid)
		add_string(req, "uuid", uuid);
	add_bool(req, "read_only", read_only);
	return call(c, req, info, NULL);
}

int ulvm_remove(struct ulvm_client *c, struct ulvm_devid id, bool force)
{
	json_object *req = request_new("remove");

	add_devid(req, id);
	add_bool(req, "force", force);
	return call(c, req, NULL, NULL);
}

int ulvm_remove_all(struct ulvm_client *c, bool force, unsigned *removed)
{
	json_object *req = request_new("remove_all"), *rep;

	add_bool(req, "force", force);
	int r = call(c, req, NULL, &rep);
	if (r)
		return r;
	if (removed)
		*removed = (unsigned)get_u64(rep, "removed");
	json_object_put(rep);
	return 0;
}

static int rename_to(struct ulvm_client *c, struct ulvm_devid id, const char *key,
		     const char *value, struct ulvm_info *info)
{
	json_object *req = request_new("rename");

	add_devid(req, id);
	add_string(req, key, value);
	return call(c, req, info, NULL);
}

int ulvm_rename(struct ulvm_client *c, struct ulvm_devid id, const char *new_name,
		struct ulvm_info *info)
{
	return rename_to(c, id, "new_name", new_name, info);
}

int ulvm_set_uuid(struct ulvm_client *c, struct ulvm_devid id, const char *new_uuid,
		  struct ulvm_info *info)
{
	return rename_to(c, id, "new_uuid", new_uuid, info);
}

int ulvm_load(struct ulvm_client *c, struct ulvm_devid id, const char *table, bool read_only,
	      struct ulvm_info *info)
{
	json_object *req = request_new("load");

	add_devid(req, id);
	add_string(req, "table", table);
	add_bool(req, "read_only", read_only);
	/* Relative file paths in the table are the caller's, not ulvmd's. */
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof(cwd)))
		add_string(req, "cwd", cwd);
	return call(c, req, info, NULL);
}

/* Commands taking just a device and at most one flag. */
static int simple(struct ulvm_client *c, const char *cmd, struct ulvm_devid id, const char *flag,
		  bool value, struct ulvm_info *info)
{
	json_object *req = request_new(cmd);

	add_devid(req, id);
	if (flag)
		add_bool(req, flag, value);
	return call(c, req, info, NULL);
}

int ulvm_clear(struct ulvm_client *c, struct ulvm_devid id, struct ulvm_info *info)
{
	return simple(c, "clear", id, NULL, false, info);
}

int ulvm_suspend(struct ulvm_client *c, struct ulvm_devid id, unsigned flags,
		 struct ulvm_info *info)
{
	json_object *req = request_new("suspend");

	add_devid(req, id);
	add_bool(req, "noflush", flags & ULVM_SUSPEND_NOFLUSH);
	add_bool(req, "nolockfs", flags & ULVM_SUSPEND_NOLOCKFS);
	return call(c, req, info, NULL);
}

int ulvm_resume(struct ulvm_client *c, struct ulvm_devid id, struct ulvm_info *info)
{
	return simple(c, "resume", id, NULL, false, info);
}

int ulvm_info(struct ulvm_client *c, struct ulvm_devid id, struct ulvm_info *info)
{
	struct ulvm_info scratch;

	return simple(c, "info", id, NULL, false, info ? info : &scratch);
}

int ulvm_wait(struct ulvm_client *c, struct ulvm_devid id, unsigned event_nr,
	      struct ulvm_info *info)
{
	json_object *req = request_new("wait");

	add_devid(req, id);
	json_object_object_add(req, "event_nr", json_object_new_int64(event_nr));
	return call(c, req, info, NULL);
}

int ulvm_message(struct ulvm_client *c, struct ulvm_devid id, uint64_t sector, const char *msg,
		 char **response)
{
	json_object *req = request_new("message"), *rep;

	add_devid(req, id);
	json_object_object_add(req, "sector", json_object_new_uint64(sector));
	add_string(req, "message", msg);
	int r = call(c, req, NULL, &rep);
	if (r)
		return r;
	if (response) {
		*response = strdup(get_str(rep, "response"));
		if (!*response)
			abort();
	}
	json_object_put(rep);
	return 0;
}

int ulvm_shutdown(struct ulvm_client *c, bool force)
{
	json_object *req = request_new("shutdown");

	add_bool(req, "force", force);
	return call(c, req, NULL, NULL);
}

int ulvm_list(struct ulvm_client *c, const char *target, struct ulvm_list **out)
{
	json_object *req = request_new("list"), *rep, *array;

	if (target)
		add_string(req, "target", target);
	int r = call_array(c, req, NULL, "devices", &rep, &array);
	if (r)
		return r;
	size_t n = json_object_array_length(array);
	struct pack p;
	struct ulvm_list *list = pack_new(&p, sizeof(*list), n, sizeof(list->dev[0]), 0);
	list->count = n;
	for (size_t i = 0; i < n && !r; i++)
		r = ulvm_info_from_json(json_object_array_get_idx(array, i), &list->dev[i]);
	json_object_put(rep);
	if (r) {
		free(list);
		return r;
	}
	*out = list;
	return 0;
}

/* table and status share the reply shape. */
static int table_query(struct ulvm_client *c, const char *cmd, struct ulvm_devid id, unsigned flags,
		       struct ulvm_info *info, struct ulvm_table **out)
{
	static const char *const keys[] = {"type", "params", NULL};
	json_object *req = request_new(cmd), *rep, *array;

	add_devid(req, id);
	add_bool(req, "inactive", flags & ULVM_Q_INACTIVE);
	if (!strcmp(cmd, "table"))
		add_bool(req, "showkeys", flags & ULVM_Q_SHOWKEYS);
	else
		add_bool(req, "noflush", flags & ULVM_Q_NOFLUSH);
	int r = call_array(c, req, info, "targets", &rep, &array);
	if (r)
		return r;
	size_t n = json_object_array_length(array);
	struct pack p;
	struct ulvm_table *t =
	    pack_new(&p, sizeof(*t), n, sizeof(t->target[0]), strings_size(array, keys));
	t->count = n;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(array, i);
		t->target[i].start = get_u64(e, "start");
		t->target[i].length = get_u64(e, "length");
		t->target[i].type = pack_str(&p, get_str(e, "type"));
		t->target[i].params = pack_str(&p, get_str(e, "params"));
	}
	json_object_put(rep);
	*out = t;
	return 0;
}

int ulvm_table(struct ulvm_client *c, struct ulvm_devid id, unsigned flags, struct ulvm_info *info,
	       struct ulvm_table **out)
{
	return table_query(c, "table", id, flags, info, out);
}

int ulvm_status(struct ulvm_client *c, struct ulvm_devid id, unsigned flags, struct ulvm_info *info,
		struct ulvm_table **out)
{
	return table_query(c, "status", id, flags, info, out);
}

int ulvm_deps(struct ulvm_client *c, struct ulvm_devid id, unsigned flags, struct ulvm_info *info,
	      struct ulvm_deps **out)
{
	static const char *const keys[] = {"path", "name", NULL};
	json_object *req = request_new("deps"), *rep, *array;

	add_devid(req, id);
	add_bool(req, "inactive", flags & ULVM_Q_INACTIVE);
	int r = call_array(c, req, info, "deps", &rep, &array);
	if (r)
		return r;
	size_t n = json_object_array_length(array);
	struct pack p;
	struct ulvm_deps *d =
	    pack_new(&p, sizeof(*d), n, sizeof(d->dep[0]), strings_size(array, keys));
	d->count = n;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(array, i);
		d->dep[i].major = (unsigned)get_u64(e, "major");
		d->dep[i].minor = (unsigned)get_u64(e, "minor");
		d->dep[i].path = pack_str(&p, get_str(e, "path"));
		d->dep[i].name = pack_str(&p, get_str(e, "name"));
	}
	json_object_put(rep);
	*out = d;
	return 0;
}

int ulvm_targets(struct ulvm_client *c, struct ulvm_targets **out)
{
	static const char *const keys[] = {"name", NULL};
	json_object *rep, *array;
	int r = call_array(c, request_new("targets"), NULL, "targets", &rep, &array);

	if (r)
		return r;
	size_t n = json_object_array_length(array);
	struct pack p;
	struct ulvm_targets *t =
	    pack_new(&p, sizeof(*t), n, sizeof(t->type[0]), strings_size(array, keys));
	t->count = n;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(array, i);
		json_object *v = get(e, "version");
		t->type[i].name = pack_str(&p, get_str(e, "name"));
		for (size_t k = 0; k < 3; k++)
			t->type[i].version[k] =
			    v ? (unsigned)json_object_get_int(json_object_array_get_idx(v, k)) : 0;
	}
	json_object_put(rep);
	*out = t;
	return 0;
}
