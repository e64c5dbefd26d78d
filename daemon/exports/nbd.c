/* The NBD server: listening sockets, the accept thread and the registry of
 * live connections. The connections themselves run on workers
 * (nbd_conn.c); the listener only accepts and hands each socket over with
 * worker_post(), so a slow or hostile client never holds up the others.
 */
#include "exports/nbd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "exports/nbd_int.h"
#include "util/error.h"
#include "util/log.h"

/* How long nbd_server_stop() lets connections finish before hanging up. */
#define STOP_GRACE_SECONDS 5

static struct {
	int unix_fd, tcp_fd, stop_fd;
	pthread_t thread;
	bool running;

	pthread_mutex_t lock; /* the registry */
	pthread_cond_t empty;
	struct nbd_conn *conns;
	unsigned nr_conns;
} srv = {
    .unix_fd = -1,
    .tcp_fd = -1,
    .stop_fd = -1,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .empty = PTHREAD_COND_INITIALIZER,
};

static void registry_add(struct nbd_conn *c)
{
	pthread_mutex_lock(&srv.lock);
	c->reg_prev = NULL;
	c->reg_next = srv.conns;
	if (srv.conns)
		srv.conns->reg_prev = c;
	srv.conns = c;
	srv.nr_conns++;
	pthread_mutex_unlock(&srv.lock);
}

void nbd_registry_remove(struct nbd_conn *c)
{
	pthread_mutex_lock(&srv.lock);
	if (c->reg_prev)
		c->reg_prev->reg_next = c->reg_next;
	else
		srv.conns = c->reg_next;
	if (c->reg_next)
		c->reg_next->reg_prev = c->reg_prev;
	if (--srv.nr_conns == 0)
		pthread_cond_broadcast(&srv.empty);
	pthread_mutex_unlock(&srv.lock);
}

/* Bigger socket buffers let a whole batch of replies (e.g. 32 x 128 KiB
 * reads) leave in one sendmsg instead of waiting for POLLOUT. */
static void tune_socket(int fd, bool tcp)
{
	int one = 1, bufsize = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	if (tcp)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void accept_one(int lfd, bool tcp)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct nbd_conn *c;

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("nbd: accept: %s", strerror(errno));
		if (errno == EMFILE || errno == ENFILE)
			usleep(100000); /* let connections close rather than spin */
		return;
	}
	tune_socket(fd, tcp);
	c = nbd_conn_new(fd);
	if (!c) {
		log_warn("nbd: out of memory for a new connection");
		close(fd);
		return;
	}
	registry_add(c);
	worker_post(c->w, nbd_conn_start, c);
}

static void *listener_main(void *arg)
{
	struct pollfd fds[3] = {
	    {.fd = srv.stop_fd, .events = POLLIN},
	    {.fd = srv.unix_fd, .events = POLLIN},
	    {.fd = srv.tcp_fd, .events = POLLIN},
	};
	nfds_t n = srv.tcp_fd >= 0 ? 3 : 2;

	for (;;) {
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("nbd: poll: %s", strerror(errno));
			return NULL;
		}
		if (fds[0].revents)
			return NULL;
		if (fds[1].revents & POLLIN)
			accept_one(srv.unix_fd, false);
		if (n > 2 && (fds[2].revents & POLLIN))
			accept_one(srv.tcp_fd, true);
	}
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(ENAMETOOLONG, "nbd socket path '%s' is too long", path);
	strcpy(sa.sun_path, path);
	/* A socket left by a daemon that died; anything else stays. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(errno, "nbd socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		return err_set(e, "nbd socket '%s': %s", path, strerror(e));
	}
	srv.unix_fd = fd;
	return 0;
}

/* Splits "ADDR:PORT" or "[ADDR]:PORT" in place. */
static int split_host_port(char *s, char **host, char **port)
{
	char *colon = strrchr(s, ':');

	if (!colon || !colon[1])
		return -EINVAL;
	*colon = '\0';
	*port = colon + 1;
	*host = s;
	if (s[0] == '[') {
		size_t n = strlen(s);

		if (n < 2 || s[n - 1] != ']')
			return -EINVAL;
		s[n - 1] = '\0';
		*host = s + 1;
	}
	return 0;
}

static int bind_tcp(const struct addrinfo *ai)
{
	int one = 1;
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int listen_tcp(const char *spec)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res;
	char buf[256], *host, *port;
	int r, fd = -EADDRNOTAVAIL;

	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf) ||
	    split_host_port(buf, &host, &port))
		return err_set(EINVAL, "nbd listen address '%s' is not ADDR:PORT", spec);
	r = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (r)
		return err_set(EINVAL, "nbd listen address '%s': %s", spec, gai_strerror(r));
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = bind_tcp(ai);
	freeaddrinfo(res);
	if (fd < 0)
		return err_set(-fd, "nbd listen address '%s': %s", spec, strerror(-fd));
	srv.tcp_fd = fd;
	return 0;
}

static void close_listeners(void)
{
	int *fds[] = {&srv.unix_fd, &srv.tcp_fd, &srv.stop_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int nbd_server_start(const char *unix_path, const char *tcp_listen)
{
	int r;

	if (srv.running)
		return err_set(EBUSY, "nbd server already running");
	r = listen_unix(unix_path);
	if (!r && tcp_listen)
		r = listen_tcp(tcp_listen);
	if (!r) {
		srv.stop_fd = eventfd(0, EFD_CLOEXEC);
		if (srv.stop_fd < 0)
			r = err_set(errno, "eventfd: %s", strerror(errno));
	}
	if (!r) {
		r = -pthread_create(&srv.thread, NULL, listener_main, NULL);
		if (r)
			err_set(-r, "nbd listener thread: %s", strerror(-r));
	}
	if (r) {
		close_listeners();
		return r;
	}
	srv.running = true;
	return 0;
}

/* On a worker: ends every connection living there, gently or not. Only
 * this worker frees its connections, so none can vanish meanwhile. */
static void stop_local_conns(bool hard)
{
	struct worker *w = worker_current();
	struct nbd_conn **list;
	unsigned n = 0;

	pthread_mutex_lock(&srv.lock);
	list = calloc(srv.nr_conns ? srv.nr_conns : 1, sizeof(*list));
	for (struct nbd_conn *c = srv.conns; list && c; c = c->reg_next)
		if (c->w == w)
			list[n++] = c;
	pthread_mutex_unlock(&srv.lock);
	for (unsigned i = 0; i < n; i++) {
		if (hard)
			nbd_conn_abort(list[i], "server stopping");
		else
			nbd_conn_close(list[i]);
		nbd_conn_wake(list[i]);
	}
	free(list);
}

static void stop_soft(void *arg)
{
	stop_local_conns(false);
}

static void stop_hard(void *arg)
{
	stop_local_conns(true);
}

/* Posts `fn` to every worker that has a connection; false if none. */
static bool post_to_conn_workers(void (*fn)(void *))
{
	bool any = false;

	pthread_mutex_lock(&srv.lock);
	for (struct nbd_conn *c = srv.conns; c; c = c->reg_next) {
		worker_post(c->w, fn, NULL);
		any = true;
	}
	pthread_mutex_unlock(&srv.lock);
	return any;
}

static bool wait_empty(unsigned seconds)
{
	struct timespec until;
	bool empty;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&srv.lock);
	while (srv.nr_conns && pthread_cond_timedwait(&srv.empty, &srv.lock, &until) != ETIMEDOUT)
		;
	empty = srv.nr_conns == 0;
	pthread_mutex_unlock(&srv.lock);
	return empty;
}

void nbd_server_stop(void)
{
	uint64_t one = 1;

	if (!srv.running)
		return;
	if (write(srv.stop_fd, &one, sizeof(one)) < 0)
		log_warn("nbd: cannot wake the listener: %s", strerror(errno));
	pthread_join(srv.thread, NULL);
	close_listeners();
	/* In-flight requests finish and their replies go out; a client that
	 * does not read them is hung up on after the grace period. */
	if (post_to_conn_workers(stop_soft) && !wait_empty(STOP_GRACE_SECONDS)) {
		post_to_conn_workers(stop_hard);
		wait_empty(3600);
	}
	srv.running = false;
}
