/* Tables: parsing `<start> <length> <type> <args...>` lines into targets
 * and checking that they cover the device from sector 0 without gaps or
 * overlaps. Every error names the line and, where known, the argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "util/error.h"
#include "util/parse.h"

#define TABLE_MAX_ARGS	  4096
#define TABLE_MAX_TARGETS (1u << 20)

bool table_depends_on(const struct table *t, const struct mapped_device *md)
{
	for (const struct target_dev *d = t->devs; d; d = d->next) {
		if (!d->md)
			continue;
		if (d->md == md)
			return true;
		if (d->md->live && table_depends_on(d->md->live, md))
			return true;
	}
	return false;
}

struct target *table_find(const struct table *t, uint64_t sector)
{
	unsigned lo = 0, hi = t->count - 1;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (t->ends[mid] > sector)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &t->targets[lo];
}

static bool line_is_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '#')
			return true;
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	}
	return true;
}

static unsigned count_lines(const char *text)
{
	unsigned n = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');
		if (!line_is_blank(p, (size_t)(nl - p)))
			n++;
		p = *nl ? nl + 1 : nl;
	}
	return n;
}

struct size_check {
	int lineno;
	int error;
};

static int check_dev_size(struct target *ti, struct target_dev *dev, uint64_t start, uint64_t len,
			  void *data)
{
	struct size_check *c = data;
	uint64_t size = target_dev_size(dev);

	if (start + len > size) {
		c->error = err_set(EINVAL,
				   "table line %d: device '%s' is too small for the target "
				   "(%llu sectors, needs %llu)",
				   c->lineno, target_dev_name(dev), (unsigned long long)size,
				   (unsigned long long)(start + len));
		return c->error;
	}
	return 0;
}

static int ctr_error(int lineno, struct target *ti, char **argv, int argc, int r)
{
	if (!ti->error) { /* target_dev_get set a precise message already */
		err_prefix("table line %d: %s", lineno, ti->type->name);
		return r;
	}
	if (ti->error_arg > 0 && ti->error_arg <= argc)
		return err_set(-r, "table line %d: %s: argument %d '%s': %s", lineno,
			       ti->type->name, ti->error_arg, argv[ti->error_arg - 1], ti->error);
	return err_set(-r, "table line %d: %s: %s", lineno, ti->type->name, ti->error);
}

/* Parses one line into t->targets[t->count]; `line` is modified. */
static int parse_line(struct table *t, char *line, int lineno, char **words)
{
	struct target *ti = &t->targets[t->count];
	int n = split_words(line, words, TABLE_MAX_ARGS);
	uint64_t start, len;

	if (n == -E2BIG)
		return err_set(E2BIG, "table line %d: more than %d arguments", lineno,
			       TABLE_MAX_ARGS);
	if (n < 3)
		return err_set(EINVAL, "table line %d: expected <start> <length> <target> [args]",
			       lineno);
	if (parse_u64(words[0], &start))
		return err_set(EINVAL, "table line %d: invalid start sector '%s'", lineno,
			       words[0]);
	if (parse_u64(words[1], &len) || len == 0)
		return err_set(EINVAL, "table line %d: invalid length '%s'", lineno, words[1]);
	if (start != t->size) {
		if (t->count == 0)
			return err_set(EINVAL, "table line %d: first target must start at sector 0",
				       lineno);
		return err_set(EINVAL,
			       "table line %d: target at sector %llu %s the previous one "
			       "ending at sector %llu",
			       lineno, (unsigned long long)start,
			       start > t->size ? "leaves a gap after" : "overlaps",
			       (unsigned long long)t->size);
	}
	if (start + len < start)
		return err_set(EINVAL, "table line %d: length '%s' overflows", lineno, words[1]);
	ti->type = target_type_find(words[2]);
	if (!ti->type)
		return err_set(EINVAL, "table line %d: unknown target type '%s'", lineno, words[2]);
	ti->table = t;
	ti->begin = start;
	ti->len = len;
	ti->num_flush_ios = 1;
	ti->num_discard_ios = 1;
	int r = ti->type->ctr(ti, n - 3, words + 3);
	if (r) {
		r = ctr_error(lineno, ti, words + 3, n - 3, r);
		ti->type = NULL; /* not constructed: no dtr at destroy */
		return r;
	}
	t->count++;
	t->size = start + len;
	if (ti->type->iterate_devices) {
		struct size_check c = {lineno, 0};
		ti->type->iterate_devices(ti, check_dev_size, &c);
		if (c.error)
			return c.error;
	}
	return 0;
}

int table_create(struct mapped_device *md, const char *text, bool read_only, const char *cwd,
		 struct table **out)
{
	unsigned lines = count_lines(text);
	struct table *t;
	char **words = NULL;
	int r = 0, lineno = 0;

	if (lines == 0)
		return err_set(EINVAL, "table is empty");
	if (lines > TABLE_MAX_TARGETS)
		return err_set(E2BIG, "table has more than %u targets", TABLE_MAX_TARGETS);
	t = calloc(1, sizeof(*t));
	words = malloc(sizeof(*words) * TABLE_MAX_ARGS);
	if (!t || !words)
		goto nomem;
	t->md = md;
	t->read_only = read_only;
	t->targets = calloc(lines, sizeof(*t->targets));
	t->ends = calloc(lines, sizeof(*t->ends));
	t->cwd = cwd ? strdup(cwd) : NULL;
	if (!t->targets || !t->ends || (cwd && !t->cwd))
		goto nomem;
	for (const char *p = text; *p && !r;) {
		const char *nl = strchrnul(p, '\n');
		size_t len = (size_t)(nl - p);
		lineno++;
		if (!line_is_blank(p, len)) {
			char *line = strndup(p, len);
			if (!line)
				goto nomem;
			r = parse_line(t, line, lineno, words);
			free(line);
		}
		p = *nl ? nl + 1 : nl;
	}
	free(words);
	if (r) {
		table_destroy(t);
		return r;
	}
	t->block_size = SECTOR_SIZE;
	for (unsigned i = 0; i < t->count; i++) {
		t->ends[i] = t->targets[i].begin + t->targets[i].len;
		if (t->targets[i].block_size > t->block_size)
			t->block_size = t->targets[i].block_size;
	}
	*out = t;
	return 0;
nomem:
	free(words);
	if (t)
		table_destroy(t);
	return err_set(ENOMEM, "out of memory");
}

void table_destroy(struct table *t)
{
	for (unsigned i = t->count; i-- > 0;) {
		struct target *ti = &t->targets[i];
		if (ti->type && ti->type->dtr)
			ti->type->dtr(ti);
	}
	/* Devices a failed ctr left behind (it must not, but be safe). */
	while (t->devs) {
		struct target fake = {.table = t};
		t->devs->refs = 1;
		target_dev_put(&fake, t->devs);
	}
	free(t->targets);
	free(t->ends);
	free(t->cwd);
	free(t);
}
