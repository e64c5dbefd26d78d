/* Unit tests for lib/client.c over a socketpair: a thread plays ulvmd,
 * answering each request with the next canned reply and keeping the
 * request for the test to check. */
#include "client.c"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>

struct fake {
	int fd;
	const char *const *replies; /* NULL-terminated; "" closes the socket */
	char *requests[16];
};

static void *fake_daemon(void *arg)
{
	struct fake *f = arg;
	char *text;
	size_t len;

	for (int i = 0; f->replies[i]; i++) {
		if (ulvm_frame_recv(f->fd, &text, &len))
			break;
		f->requests[i] = text;
		if (!*f->replies[i])
			break;
		ulvm_frame_send(f->fd, f->replies[i], strlen(f->replies[i]));
	}
	close(f->fd);
	return NULL;
}

static struct ulvm_client *start(struct fake *f, pthread_t *t, const char *const *replies)
{
	int sv[2];
	struct ulvm_client *c = malloc(sizeof(*c));

	assert(c && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	memset(f, 0, sizeof(*f));
	f->fd = sv[1];
	f->replies = replies;
	c->fd = sv[0];
	assert(pthread_create(t, NULL, fake_daemon, f) == 0);
	return c;
}

static void finish(struct fake *f, pthread_t t, struct ulvm_client *c)
{
	ulvm_client_close(c);
	pthread_join(t, NULL);
	for (int i = 0; i < 16; i++)
		free(f->requests[i]);
}

static void test_errors(void)
{
	static const char *const replies[] = {
	    "{\"ok\":false,\"errno\":6,\"error\":\"device 'x' not found\"}",
	    "[1,2]",
	    "",
	    NULL,
	};
	struct fake f;
	pthread_t t;
	struct ulvm_client *c = start(&f, &t, replies);
	struct ulvm_info info;

	assert(ulvm_info(c, ULVM_DEV_NAME("x"), &info) == -ENXIO);
	assert(!strcmp(err_msg(), "device 'x' not found"));
	assert(strstr(f.requests[0], "\"cmd\":\"info\"") &&
	       strstr(f.requests[0], "\"name\":\"x\""));
	assert(ulvm_remove(c, ULVM_DEV_UUID("U"), true) == -EPROTO);
	assert(strstr(f.requests[1], "\"uuid\":\"U\"") && strstr(f.requests[1], "\"force\":true"));
	assert(ulvm_resume(c, ULVM_DEV_NAME("x"), NULL) == -ECONNRESET);
	assert(!strcmp(err_msg(), "ulvmd closed the connection"));
	finish(&f, t, c);
}

static void test_lists(void)
{
	static const char *const replies[] = {
	    "{\"ok\":true,\"info\":{\"name\":\"s\",\"uuid\":\"U\",\"major\":7,\"minor\":3,"
	    "\"size\":4096,\"suspended\":true,\"live_table\":true,\"event_nr\":2},"
	    "\"targets\":[{\"start\":0,\"length\":100,\"type\":\"zero\",\"params\":\"\"},"
	    "{\"start\":100,\"length\":28,\"type\":\"linear\",\"params\":\"/a.img 0\"}]}",
	    "{\"ok\":true,\"info\":{\"name\":\"s\"},\"deps\":[{\"major\":0,\"minor\":0,"
	    "\"path\":\"/a.img\"},{\"major\":0,\"minor\":4,\"path\":\"\",\"name\":\"base\"}]}",
	    "{\"ok\":true,\"devices\":[{\"name\":\"a\"},{\"name\":\"b\",\"read_only\":true}]}",
	    "{\"ok\":true,\"targets\":[{\"name\":\"linear\",\"version\":[1,4,0]}]}",
	    "{\"ok\":true,\"info\":{\"name\":\"s\"}}",
	    "{\"ok\":true,\"response\":\"pong\"}",
	    NULL,
	};
	struct fake f;
	pthread_t t;
	struct ulvm_client *c = start(&f, &t, replies);
	struct ulvm_info info;
	struct ulvm_table *table;
	struct ulvm_deps *deps;
	struct ulvm_list *list;
	struct ulvm_targets *types;
	char *response;

	assert(ulvm_status(c, ULVM_DEV_NAME("s"), ULVM_Q_INACTIVE | ULVM_Q_NOFLUSH, &info,
			   &table) == 0);
	assert(strstr(f.requests[0], "\"inactive\":true") &&
	       strstr(f.requests[0], "\"noflush\":true"));
	assert(!strcmp(info.uuid, "U") && info.major == 7 && info.minor == 3 && info.size == 4096);
	assert(info.suspended && info.live_table && !info.inactive_table && info.event_nr == 2);
	assert(table->count == 2 && table->target[1].start == 100 && table->target[1].length == 28);
	assert(!strcmp(table->target[0].type, "zero") && !strcmp(table->target[0].params, ""));
	assert(!strcmp(table->target[1].params, "/a.img 0"));
	free(table);

	assert(ulvm_deps(c, ULVM_DEV_NAME("s"), 0, NULL, &deps) == 0 && deps->count == 2);
	assert(!strcmp(deps->dep[0].path, "/a.img") && !strcmp(deps->dep[0].name, ""));
	assert(!strcmp(deps->dep[1].name, "base") && deps->dep[1].minor == 4);
	free(deps);

	assert(ulvm_list(c, "striped", &list) == 0 && list->count == 2);
	assert(strstr(f.requests[2], "\"target\":\"striped\""));
	assert(!strcmp(list->dev[1].name, "b") && list->dev[1].read_only);
	free(list);

	assert(ulvm_targets(c, &types) == 0 && types->count == 1);
	assert(!strcmp(types->type[0].name, "linear") && types->type[0].version[1] == 4);
	free(types);

	assert(ulvm_load(c, ULVM_DEV_NAME("s"), "0 8 zero", true, NULL) == 0);
	assert(strstr(f.requests[4], "\"table\":\"0 8 zero\"") &&
	       strstr(f.requests[4], "\"cwd\":\""));
	assert(ulvm_message(c, ULVM_DEV_NAME("s"), 8, "ping", &response) == 0);
	assert(!strcmp(response, "pong") && strstr(f.requests[5], "\"sector\":8"));
	free(response);
	finish(&f, t, c);
}

/* No daemon and no autostart: ENOENT with the socket named. */
static void test_no_daemon(void)
{
	setenv("ULVM_RUN_DIR", "/nonexistent-ulvm-run-dir", 1);
	err_clear();
	assert(ulvm_client_open(0) == NULL && errno == ENOENT);
	assert(strstr(err_msg(), "'/nonexistent-ulvm-run-dir/control'"));
}

int main(void)
{
	test_errors();
	test_lists();
	test_no_daemon();
	printf("test_client: ok\n");
	return 0;
}
