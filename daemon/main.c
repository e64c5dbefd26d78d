/* ulvmd: owns the mapped devices of one $ULVM_RUN_DIR, serves the control
 * socket and the exports.
 *
 *   ulvmd                  start in the background; returns once it answers
 *   ulvmd --foreground     stay in the foreground (service managers)
 *   ulvmd --stop [--force] ask the running daemon to exit
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "monitor.h"
#include "engine/device.h"
#include "engine/worker.h"
#include "exports/fuse.h"
#include "exports/loop.h"
#include "exports/nbd.h"
#include "ulvm/protocol.h"
#include "util/error.h"
#include "util/log.h"

struct options {
	bool foreground, stop, force, debug;
	const char *nbd_listen;
	unsigned workers;
	const char *attach;
	const char *fuse_uring;
};

static pthread_t main_thread;
/* The `ulvm` binary beside ulvmd, which the monitor runs (lvextend). */
static char tool_path[PATH_MAX + 16];

static void find_tool(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(tool_path, sizeof(tool_path), "%s/ulvm", n > 0 ? self : ".");
}

/* A crash leaves its signal and a backtrace in ulvmd.log (stderr is the
 * log in the background) before the default action ends the process. The
 * sanitizer builds keep their own, better reports. */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
static void on_fatal_signal(int sig)
{
	void *frames[64];
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "ulvmd: fatal signal %d, backtrace:\n", sig);

	if (write(STDERR_FILENO, msg, (size_t)n) < 0) {
		/* nothing more to say */
	}
	backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_fatal_signals(void)
{
	void *frames[1];
	struct sigaction sa = {.sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND};
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};

	backtrace(frames, 1); /* loads libgcc now, not inside the handler */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}
#else
static void catch_fatal_signals(void)
{
}
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ulvmd [--foreground] [--nbd-listen ADDR:PORT] [--workers N]\n"
		"             [--attach auto|never] [--fuse-uring auto|never] [--debug]\n"
		"       ulvmd --stop [--force]\n"
		"\n"
		"The ulvm daemon: owns the mapped devices of $ULVM_RUN_DIR (now '%s')\n"
		"and serves them over NBD ($ULVM_RUN_DIR/nbd.sock).\n",
		ulvm_run_dir());
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"foreground", no_argument, NULL, 'f'},
	    {"stop", no_argument, NULL, 's'},
	    {"force", no_argument, NULL, 'F'},
	    {"nbd-listen", required_argument, NULL, 'n'},
	    {"workers", required_argument, NULL, 'w'},
	    {"attach", required_argument, NULL, 'a'},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"fuse-uring", required_argument, NULL, 'u'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->attach = "auto";
	o->fuse_uring = "auto";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 's':
			o->stop = true;
			break;
		case 'F':
			o->force = true;
			break;
		case 'n':
			o->nbd_listen = optarg;
			break;
		case 'w':
			o->workers = (unsigned)atoi(optarg);
			break;
		case 'a':
			o->attach = optarg;
			break;
		case 'u':
			o->fuse_uring = optarg;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("ulvmd %s\n", ULVM_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ulvmd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (strcmp(o->attach, "auto") && strcmp(o->attach, "never")) {
		fprintf(stderr, "ulvmd: invalid --attach '%s' (auto or never)\n", o->attach);
		return -1;
	}
	if (strcmp(o->fuse_uring, "auto") && strcmp(o->fuse_uring, "never")) {
		fprintf(stderr, "ulvmd: invalid --fuse-uring '%s' (auto or never)\n",
			o->fuse_uring);
		return -1;
	}
	return 0;
}

static void run_path(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", ulvm_run_dir(), name);
}

/* ---- --stop ---- */

static int request(const char *json_req, char **reply)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", ulvm_run_dir(),
		 ULVM_CONTROL_SOCKET);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return -e;
	}
	int r = ulvm_frame_send(fd, json_req, strlen(json_req));
	if (!r)
		r = ulvm_frame_recv(fd, reply, &len);
	close(fd);
	return r;
}

static int stop_daemon(bool force)
{
	char pidfile[PATH_MAX], *reply = NULL;
	pid_t pid = 0;

	run_path(pidfile, ULVM_PID_FILE);
	FILE *f = fopen(pidfile, "re");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	int r = request(force ? "{\"cmd\":\"shutdown\",\"force\":true}" : "{\"cmd\":\"shutdown\"}",
			&reply);
	if (r) {
		fprintf(stderr, "ulvmd: no daemon running for '%s'\n", ulvm_run_dir());
		return 1;
	}
	json_object *o = json_tokener_parse(reply);
	json_object *ok, *msg;
	free(reply);
	if (!o || !json_object_object_get_ex(o, "ok", &ok) || !json_object_get_boolean(ok)) {
		json_object_object_get_ex(o, "error", &msg);
		fprintf(stderr, "ulvmd: %s\n", msg ? json_object_get_string(msg) : "stop refused");
		json_object_put(o);
		return 1;
	}
	json_object_put(o);
	/* Return once it is gone, so a following start finds the place free. */
	for (int i = 0; pid > 0 && i < 600 && kill(pid, 0) == 0; i++)
		usleep(50000);
	return 0;
}

/* ---- startup ---- */

/* Takes the pid file lock: one daemon per run dir. Returns the locked fd. */
static int lock_pidfile(void)
{
	char path[PATH_MAX];
	int fd;

	run_path(path, ULVM_PID_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		char buf[32] = "";
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		close(fd);
		return err_set(EEXIST, "already running for '%s' (pid %s)", ulvm_run_dir(),
			       buf[0] ? buf : "?");
	}
	return fd;
}

static void write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("cannot write the pid file: %s", strerror(errno));
}

static void request_shutdown(void)
{
	pthread_kill(main_thread, SIGTERM);
}

/* The exports first, the control socket last: a client that can connect
 * finds every export ready for the devices it creates. */
static int start_services(const struct options *o)
{
	char path[PATH_MAX];
	int mode = loop_attach_mode_parse(o->attach);
	int r = mode < 0 ? mode : workers_start(o->workers);

	if (r)
		return r;
	run_path(path, "dev");
	int cleaned = loop_export_cleanup_stale(path, ulvm_dev_dir());
	if (cleaned > 0)
		log_info("cleaned %d leftovers of a daemon that died", cleaned);
	/* auto: FUSE over io_uring when the kernel offers it (the fuse
	 * module's enable_uring, which ulvmd never changes). */
	fuse_export_allow_uring(strcmp(o->fuse_uring, "never") != 0);
	if (fuse_export_start(path) < 0)
		log_warn("no FUSE files (%s); NBD still serves every device", err_msg());
	else if (loop_export_start(path, ulvm_dev_dir(), mode) < 0)
		return -ENOMEM;
	run_path(path, ULVM_NBD_SOCKET);
	r = nbd_server_start(path, o->nbd_listen);
	if (r)
		return r;
	r = monitor_start(tool_path);
	if (r)
		return r;
	run_path(path, ULVM_CONTROL_SOCKET);
	return control_start(path, request_shutdown);
}

/* Orderly exit: no new requests, no new connections, every device
 * removed topmost first (in-flight I/O completes, backing files are
 * flushed), then the workers. */
static void stop_services(void)
{
	char path[PATH_MAX];

	control_stop();
	monitor_stop();
	nbd_server_stop();
	control_remove_all(true);
	loop_export_stop();
	fuse_export_stop();
	workers_stop();
	run_path(path, ULVM_CONTROL_SOCKET);
	unlink(path);
	run_path(path, ULVM_NBD_SOCKET);
	unlink(path);
}

/* Forks; the parent waits for the child to report readiness on a pipe and
 * exits with its verdict, so `ulvmd` returns only once the daemon answers. */
static int daemonize(int *ready_fd)
{
	int pipefd[2];

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(errno, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		return err_set(errno, "fork: %s", strerror(errno));
	if (pid > 0) {
		char msg[ERR_MSG_MAX] = "";
		close(pipefd[1]);
		ssize_t n = read(pipefd[0], msg, sizeof(msg) - 1);
		if (n == 1 && msg[0] == '\0')
			exit(0);
		msg[n > 0 ? n : 0] = '\0';
		fprintf(stderr, "ulvmd: %s\n", msg[0] ? msg : "daemon died during startup");
		exit(1);
	}
	close(pipefd[0]);
	setsid();
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	*ready_fd = pipefd[1];
	return 0;
}

static void report_ready(int fd, int r)
{
	if (fd < 0) {
		if (r)
			fprintf(stderr, "ulvmd: %s\n", err_msg());
		return;
	}
	if (r) {
		const char *m = err_msg();
		if (write(fd, m, strlen(m)) < 0)
			log_error("%s", m);
	} else if (write(fd, "", 1) < 0) {
		log_error("cannot report readiness");
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct options o;
	int ready_fd = -1, sig;
	sigset_t set;
	char logpath[PATH_MAX];

	log_set_prefix("ulvmd");
	if (parse_options(argc, argv, &o))
		return 2;
	log_set_debug(o.debug);
	find_tool();
	if (o.stop)
		return stop_daemon(o.force);
	if (mkdir(ulvm_run_dir(), 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "ulvmd: cannot create '%s': %s\n", ulvm_run_dir(), strerror(errno));
		return 1;
	}
	int lock_fd = lock_pidfile();
	if (lock_fd < 0) {
		fprintf(stderr, "ulvmd: %s\n", err_msg());
		return 1;
	}
	if (!o.foreground) {
		if (daemonize(&ready_fd)) {
			fprintf(stderr, "ulvmd: %s\n", err_msg());
			return 1;
		}
		run_path(logpath, "ulvmd.log");
		log_to_file(logpath);
		/* What the libraries and the C runtime print lands there too. */
		if (log_file_fd() >= 0)
			dup2(log_file_fd(), STDERR_FILENO);
	}
	catch_fatal_signals();
	write_pid(lock_fd);

	/* Signals are taken by sigwait below; every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	main_thread = pthread_self();

	int r = start_services(&o);
	report_ready(ready_fd, r);
	if (r) {
		log_error("%s", err_msg());
		return 1;
	}
	log_info("started (pid %d) for '%s'", (int)getpid(), ulvm_run_dir());
	do {
		sigwait(&set, &sig);
	} while (sig == SIGHUP);
	log_info("stopping (signal %d)", sig);
	stop_services();
	char pidfile[PATH_MAX];
	run_path(pidfile, ULVM_PID_FILE);
	unlink(pidfile);
	close(lock_fd);
	log_info("stopped");
	return 0;
}
