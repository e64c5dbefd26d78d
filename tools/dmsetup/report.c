/* `dmsetup info -c`: the column report, laid out as libdevmapper's report
 * does it. Aligned by default: each column as wide as the widest of its
 * default width and its values, numbers right-aligned, strings left, one
 * space between. --noheadings switches to the old ':'-separated unaligned
 * form, --separator to an unaligned form with that separator. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dmsetup.h"
#include "report.h"
#include "util/error.h"
#include "util/strbuf.h"

struct row_data {
	const struct ulvm_info *info;
	const struct ulvm_deps *deps; /* only when a field needs it */
};

typedef void (*field_fn)(const struct row_data *d, struct strbuf *out);

struct field {
	const char *id;
	const char *heading;
	int width;
	bool number;
	bool deps;
	field_fn fn;
	const char *group;
	const char *desc;
};

static void f_name(const struct row_data *d, struct strbuf *o)
{
	sb_puts(o, d->info->name);
}
static void f_uuid(const struct row_data *d, struct strbuf *o)
{
	sb_puts(o, d->info->uuid);
}
static void f_blkdevname(const struct row_data *d, struct strbuf *o)
{
	const char *slash = strrchr(d->info->blockdev, '/');

	sb_puts(o, slash ? slash + 1 : d->info->blockdev);
}
static void f_attr(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%c%c%c%c", d->info->live_table ? 'L' : '-',
		  d->info->inactive_table ? 'I' : '-', d->info->suspended ? 's' : '-',
		  d->info->read_only ? 'r' : 'w');
}
static void f_tables(const struct row_data *d, struct strbuf *o)
{
	bool live = d->info->live_table, inactive = d->info->inactive_table;

	sb_puts(o, live ? (inactive ? "Both" : "Live") : (inactive ? "Inactive" : "None"));
}
static void f_suspended(const struct row_data *d, struct strbuf *o)
{
	sb_puts(o, d->info->suspended ? "Suspended" : "Active");
}
static void f_readonly(const struct row_data *d, struct strbuf *o)
{
	sb_puts(o, d->info->read_only ? "Read-only" : "Writeable");
}
static void f_devno(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%u:%u", d->info->major, d->info->minor);
}
static void f_major(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%u", d->info->major);
}
static void f_minor(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%u", d->info->minor);
}
static void f_open(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%u", d->info->open_count);
}
static void f_segments(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%u", d->info->target_count);
}
static void f_events(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%u", d->info->event_nr);
}
static void f_device_count(const struct row_data *d, struct strbuf *o)
{
	sb_printf(o, "%zu", d->deps->count);
}
static void f_devs_used(const struct row_data *d, struct strbuf *o)
{
	const char *sep = "";

	for (size_t i = 0; i < d->deps->count; i++)
		if (d->deps->dep[i].name[0]) {
			sb_printf(o, "%s%s", sep, d->deps->dep[i].name);
			sep = ",";
		}
}
static void f_devnos_used(const struct row_data *d, struct strbuf *o)
{
	for (size_t i = 0; i < d->deps->count; i++)
		sb_printf(o, "%s%u:%u", i ? "," : "", d->deps->dep[i].major, d->deps->dep[i].minor);
}
static void f_blkdevs_used(const struct row_data *d, struct strbuf *o)
{
	for (size_t i = 0; i < d->deps->count; i++) {
		const struct ulvm_dep *dep = &d->deps->dep[i];
		const char *slash = strrchr(dep->path, '/');
		/* A stacked device without a block device has only its name. */
		sb_printf(o, "%s%s", i ? "," : "",
			  dep->path[0] ? (slash ? slash + 1 : dep->path) : dep->name);
	}
}

#define NAME_GROUP "Mapped Device Name"
#define INFO_GROUP "Mapped Device Information"
#define DEPS_GROUP "Mapped Device Relationship Information"

static const struct field fields[] = {
    {"name", "Name", 16, false, false, f_name, NAME_GROUP, "Name of mapped device."},
    {"uuid", "UUID", 32, false, false, f_uuid, NAME_GROUP,
     "Unique (optional) identifier for mapped device."},
    {"blkdevname", "BlkDevName", 16, false, false, f_blkdevname, INFO_GROUP,
     "Name of block device."},
    {"attr", "Stat", 4, false, false, f_attr, INFO_GROUP,
     "(L)ive, (I)nactive, (s)uspended, (r)ead-only, read-(w)rite."},
    {"tables_loaded", "Tables", 6, false, false, f_tables, INFO_GROUP,
     "Which of the live and inactive table slots are filled."},
    {"suspended", "Suspended", 9, false, false, f_suspended, INFO_GROUP,
     "Whether the device is suspended."},
    {"readonly", "Read-only", 9, false, false, f_readonly, INFO_GROUP,
     "Whether the device is read-only or writeable."},
    {"devno", "DevNo", 5, false, false, f_devno, INFO_GROUP, "Device major and minor numbers"},
    {"major", "Maj", 3, true, false, f_major, INFO_GROUP, "Block device major number."},
    {"minor", "Min", 3, true, false, f_minor, INFO_GROUP, "Block device minor number."},
    {"open", "Open", 4, true, false, f_open, INFO_GROUP,
     "Number of references to open device, if requested."},
    {"segments", "Targ", 4, true, false, f_segments, INFO_GROUP,
     "Number of segments in live table, if present."},
    {"events", "Event", 6, true, false, f_events, INFO_GROUP, "Number of most recent event."},
    {"device_count", "#Devs", 5, true, true, f_device_count, DEPS_GROUP,
     "Number of devices used by this one."},
    {"devs_used", "DevNamesUsed", 16, false, true, f_devs_used, DEPS_GROUP,
     "List of names of mapped devices used by this one."},
    {"devnos_used", "DevNosUsed", 16, false, true, f_devnos_used, DEPS_GROUP,
     "List of device numbers of devices used by this one."},
    {"blkdevs_used", "BlkDevNamesUsed", 16, false, true, f_blkdevs_used, DEPS_GROUP,
     "List of names of block devices used by this one."},
};

#define NUM_FIELDS     (sizeof(fields) / sizeof(fields[0]))
#define DEFAULT_FIELDS "name,major,minor,attr,open,segments,events,uuid"

void dm_report_help(FILE *out)
{
	const char *group = "";

	for (size_t i = 0; i < NUM_FIELDS; i++) {
		if (strcmp(group, fields[i].group)) {
			group = fields[i].group;
			fprintf(out, "%s%s Fields\n%.*s\n", i ? " \n" : "", group,
				(int)strlen(group) + 7,
				"-------------------------------------------------------------");
		}
		fprintf(out, "  %-13s - %s\n", fields[i].id, fields[i].desc);
	}
}

#define MAX_COLUMNS 64

struct dm_report {
	int column[MAX_COLUMNS]; /* indices into fields[] */
	int ncolumns;
	bool headings, aligned;
	const char *separator;
	char **cells; /* rows * ncolumns strings */
	size_t rows;
};

static int find_field(const char *id, size_t len)
{
	for (size_t i = 0; i < NUM_FIELDS; i++)
		if (strlen(fields[i].id) == len && !strncmp(fields[i].id, id, len))
			return (int)i;
	return -1;
}

/* Appends the comma-separated field names of `list` to the columns. */
static int add_columns(struct dm_report *r, const char *list)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		int f = find_field(p, len);
		if (f < 0)
			return err_set(EINVAL, "unrecognised field '%.*s' (see 'dmsetup help -c')",
				       (int)len, p);
		if (r->ncolumns == MAX_COLUMNS)
			return err_set(EINVAL, "too many fields");
		r->column[r->ncolumns++] = f;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int dm_report_new(const struct dmsetup_opts *o, struct dm_report **out)
{
	struct dm_report *r = calloc(1, sizeof(*r));
	const char *list = o->fields ? o->fields : DEFAULT_FIELDS;
	int err = 0;

	if (!r)
		abort();
	r->headings = !o->noheadings;
	r->aligned = !o->noheadings && !o->separator;
	r->separator = o->separator ? o->separator : o->noheadings ? ":" : " ";
	if (*list == '+') {
		err = add_columns(r, DEFAULT_FIELDS);
		list++;
	}
	if (!err)
		err = add_columns(r, list);
	if (err) {
		free(r);
		return err;
	}
	*out = r;
	return 0;
}

void dm_report_free(struct dm_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->rows * (size_t)r->ncolumns; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r);
}

bool dm_report_needs_deps(const struct dm_report *r)
{
	for (int c = 0; c < r->ncolumns; c++)
		if (fields[r->column[c]].deps)
			return true;
	return false;
}

void dm_report_add(struct dm_report *r, const struct ulvm_info *info, const struct ulvm_deps *deps)
{
	struct row_data d = {info, deps};
	size_t n = (size_t)r->ncolumns;
	char **cells = realloc(r->cells, (r->rows + 1) * n * sizeof(char *));

	if (!cells)
		abort();
	r->cells = cells;
	for (size_t c = 0; c < n; c++) {
		struct strbuf sb = STRBUF_INIT;
		const struct field *f = &fields[r->column[c]];
		if (f->deps && !deps)
			sb_puts(&sb, "");
		else
			f->fn(&d, &sb);
		cells[r->rows * n + c] = sb_detach(&sb);
	}
	r->rows++;
}

static void print_cell(const struct dm_report *r, FILE *out, int c, int width, const char *s)
{
	const struct field *f = &fields[r->column[c]];

	if (c)
		fputs(r->separator, out);
	if (!r->aligned)
		fputs(s, out);
	else
		fprintf(out, f->number ? "%*s" : "%-*s", width, s);
}

void dm_report_print(const struct dm_report *r, FILE *out)
{
	int width[MAX_COLUMNS];
	size_t n = (size_t)r->ncolumns;

	for (size_t c = 0; c < n; c++) {
		width[c] = fields[r->column[c]].width;
		for (size_t row = 0; row < r->rows; row++) {
			int len = (int)strlen(r->cells[row * n + c]);
			if (len > width[c])
				width[c] = len;
		}
	}
	/* Headings are cut to the column width, as libdevmapper does. */
	if (r->headings && r->rows) {
		for (size_t c = 0; c < n; c++) {
			if (c)
				fputs(r->separator, out);
			if (r->aligned)
				fprintf(out, "%-*.*s", width[c], width[c],
					fields[r->column[c]].heading);
			else
				fputs(fields[r->column[c]].heading, out);
		}
		fputc('\n', out);
	}
	for (size_t row = 0; row < r->rows; row++) {
		for (size_t c = 0; c < n; c++)
			print_cell(r, out, (int)c, width[c], r->cells[row * n + c]);
		fputc('\n', out);
	}
}
