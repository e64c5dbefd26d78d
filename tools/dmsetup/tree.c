/* `dmsetup ls --tree`: each device not used by another is a root; below a
 * device come the devices its live table uses (deps), mapped devices with
 * their own subtree. Drawn as the real dmsetup draws it:
 *
 *   top (0:2)
 *    `-mid (0:1)
 *       |-/tmp/pv.img
 *       `- (7:1)
 *
 * Image files, which have no device number, show as their path. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dmsetup.h"
#include "util/error.h"
#include "util/strbuf.h"

#define MAX_DEPTH 100

struct symbols {
	const char *empty, *branch, *vert, *last;
};

static const struct symbols ascii = {"  ", "|-", "| ", "`-"};
static const struct symbols utf = {"  ", "\u251c\u2500", "\u2502 ", "\u2514\u2500"};

struct tree_opts {
	const struct symbols *sym;
	bool device, blkdevname, active, open, rw, uuid, truncate;
	int width; /* display columns before truncation */
};

struct node {
	const struct ulvm_info *info;
	struct ulvm_deps *deps;
	bool used; /* some other device stacks on it */
};

struct tree {
	struct tree_opts o;
	struct node *nodes;
	size_t count;
	bool more[MAX_DEPTH + 1]; /* the node at that depth has later siblings */
};

static int parse_tree_options(const char *list, struct tree_opts *o)
{
	*o = (struct tree_opts){.device = true, .truncate = true, .width = 80};
	setlocale(LC_CTYPE, "");
	o->sym = !strcmp(nl_langinfo(CODESET), "UTF-8") ? &utf : &ascii;
	for (const char *p = list ? list : ""; *p;) {
		size_t len = strcspn(p, ",");
#define IS(word) (len == strlen(word) && !strncmp(p, word, len))
		if (IS("ascii"))
			o->sym = &ascii;
		else if (IS("utf"))
			o->sym = &utf;
		else if (IS("device") || IS("nodevice"))
			o->device = IS("device");
		else if (IS("blkdevname") || IS("active") || IS("open") || IS("rw") || IS("uuid"))
			*(IS("blkdevname") ? &o->blkdevname
			  : IS("active")   ? &o->active
			  : IS("open")	   ? &o->open
			  : IS("rw")	   ? &o->rw
					   : &o->uuid) = true;
		else if (IS("notrunc"))
			o->truncate = false;
		else
			return err_set(EINVAL, "tree option '%.*s' is not recognised", (int)len, p);
#undef IS
		p += len + (p[len] == ',');
	}
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 3)
		o->width = ws.ws_col - 3;
	return 0;
}

/* Prints one line, cut as the real tool cuts it: past `width` columns,
 * the first width - 1 characters and "...". */
static void emit(const struct tree *t, const char *line)
{
	size_t cols = 0, cut = 0;

	for (const char *p = line; *p; p++)
		if ((*p & 0xc0) != 0x80 && ++cols == (size_t)t->o.width)
			cut = (size_t)(p - line);
	if (!t->o.truncate || cols <= (size_t)t->o.width)
		printf("%s\n", line);
	else
		printf("%.*s...\n", (int)cut, line);
}

static void add_prefix(const struct tree *t, unsigned depth, struct strbuf *sb)
{
	for (unsigned d = 0; d < depth; d++) {
		sb_puts(sb, " ");
		if (d == depth - 1)
			sb_puts(sb, t->more[depth] ? t->o.sym->branch : t->o.sym->last);
		else
			sb_puts(sb, t->more[d + 1] ? t->o.sym->vert : t->o.sym->empty);
	}
}

static void add_attributes(const struct tree_opts *o, const struct ulvm_info *info,
			   struct strbuf *sb)
{
	int n = 0;

	if (o->active)
		sb_printf(sb, "%s%s", n++ ? ", " : " [", info->suspended ? "SUSPENDED" : "ACTIVE");
	if (o->rw)
		sb_printf(sb, "%s%s", n++ ? ", " : " [", info->read_only ? "RO" : "RW");
	if (o->open)
		sb_printf(sb, "%s%u", n++ ? ", " : " [", info->open_count);
	if (o->uuid)
		sb_printf(sb, "%s%s", n++ ? ", " : " [", info->uuid);
	if (n)
		sb_puts(sb, "]");
}

static struct node *find_node(struct tree *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (!strcmp(t->nodes[i].info->name, name))
			return &t->nodes[i];
	return NULL;
}

/* A dependency that is not a mapped device: a block device or a file. */
static void show_leaf(struct tree *t, const struct ulvm_dep *d, unsigned depth)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash = strrchr(d->path, '/');

	add_prefix(t, depth, &sb);
	if (d->major == 0 && d->path[0])
		sb_puts(&sb, d->path);
	else {
		/* The real tool draws these as nameless nodes: " (8:1)". */
		if (t->o.blkdevname && d->path[0])
			sb_printf(&sb, " <%s>", slash ? slash + 1 : d->path);
		if (t->o.device)
			sb_printf(&sb, " (%u:%u)", d->major, d->minor);
	}
	emit(t, sb_str(&sb));
	sb_release(&sb);
}

static void show_node(struct tree *t, const struct node *n, unsigned depth)
{
	struct strbuf sb = STRBUF_INIT;
	const struct ulvm_info *info = n->info;
	const char *slash = strrchr(info->blockdev, '/');

	if (depth > MAX_DEPTH)
		return;
	add_prefix(t, depth, &sb);
	sb_puts(&sb, info->name);
	if (t->o.blkdevname && info->blockdev[0])
		sb_printf(&sb, " <%s>", slash ? slash + 1 : info->blockdev);
	if (t->o.device)
		sb_printf(&sb, " (%u:%u)", info->major, info->minor);
	add_attributes(&t->o, info, &sb);
	emit(t, sb_str(&sb));
	sb_release(&sb);
	for (size_t i = 0; n->deps && i < n->deps->count; i++) {
		const struct ulvm_dep *d = &n->deps->dep[i];
		const struct node *child = d->name[0] ? find_node(t, d->name) : NULL;
		t->more[depth + 1] = i + 1 < n->deps->count;
		if (child)
			show_node(t, child, depth + 1);
		else
			show_leaf(t, d, depth + 1);
	}
}

/* Fetches every device's deps and marks the stacked-on ones. */
static int load_tree(struct dmsetup_ctx *ctx, struct tree *t)
{
	for (size_t i = 0; i < t->count; i++) {
		struct ulvm_devid id = ULVM_DEV_NAME(t->nodes[i].info->name);
		int r = ulvm_deps(ctx->client, id, 0, NULL, &t->nodes[i].deps);
		if (r == -ENXIO)
			continue; /* removed meanwhile */
		if (r)
			return r;
	}
	for (size_t i = 0; i < t->count; i++)
		for (size_t k = 0; t->nodes[i].deps && k < t->nodes[i].deps->count; k++) {
			const char *name = t->nodes[i].deps->dep[k].name;
			struct node *used = name[0] ? find_node(t, name) : NULL;
			if (used)
				used->used = true;
		}
	return 0;
}

int dm_tree_show(struct dmsetup_ctx *ctx)
{
	struct tree t = {0};
	struct ulvm_list *list;
	int status = 0;

	if (parse_tree_options(ctx->opts->fields, &t.o))
		return dm_fail();
	if (ulvm_list(ctx->client, NULL, &list))
		return dm_fail();
	if (list->count == 0)
		printf("No devices found\n");
	t.count = list->count;
	t.nodes = calloc(t.count ? t.count : 1, sizeof(*t.nodes));
	if (!t.nodes)
		abort();
	for (size_t i = 0; i < t.count; i++)
		t.nodes[i].info = &list->dev[i];
	if (load_tree(ctx, &t))
		status = dm_fail();
	for (size_t i = 0; !status && i < t.count; i++)
		if (!t.nodes[i].used)
			show_node(&t, &t.nodes[i], 0);
	for (size_t i = 0; i < t.count; i++)
		free(t.nodes[i].deps);
	free(t.nodes);
	free(list);
	return status;
}
