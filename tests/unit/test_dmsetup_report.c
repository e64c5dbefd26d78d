/* Unit tests for tools/dmsetup/report.c: the `info -c` layout. */
#include "../../tools/dmsetup/report.c"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ulvm_info dev(const char *name, unsigned minor, bool suspended)
{
	struct ulvm_info i = {
	    .minor = minor, .live_table = true, .target_count = 1, .suspended = suspended};

	snprintf(i.name, sizeof(i.name), "%s", name);
	return i;
}

/* Runs a report over two devices and returns its output (caller frees). */
static char *run(struct dmsetup_opts *o)
{
	struct ulvm_info a = dev("strip", 0, false), b = dev("a-much-longer-device-name", 12, true);
	struct dm_report *r;
	char *text;
	size_t len;

	snprintf(b.uuid, sizeof(b.uuid), "LVM-xyz");
	b.inactive_table = true;
	assert(dm_report_new(o, &r) == 0);
	dm_report_add(r, &a, NULL);
	dm_report_add(r, &b, NULL);
	FILE *f = open_memstream(&text, &len);
	dm_report_print(r, f);
	fclose(f);
	dm_report_free(r);
	return text;
}

int main(void)
{
	struct dmsetup_opts o = {0};
	char *text = run(&o);
	const char *want = "Name                      Maj Min Stat Open Targ Event  UUID           "
			   "                 \n"
			   "strip                       0   0 L--w    0    1      0                "
			   "                 \n"
			   "a-much-longer-device-name   0  12 LIsw    0    1      0 LVM-xyz        "
			   "                 \n";
	if (strcmp(text, want))
		fprintf(stderr, "got:\n%s", text);
	assert(!strcmp(text, want));
	free(text);

	o.noheadings = true;
	o.fields = "name,attr,tables_loaded,suspended,readonly,devno";
	text = run(&o);
	assert(!strcmp(text, "strip:L--w:Live:Active:Writeable:0:0\n"
			     "a-much-longer-device-name:LIsw:Both:Suspended:Writeable:0:12\n"));
	free(text);

	o = (struct dmsetup_opts){.separator = ",", .fields = "+events"};
	text = run(&o);
	const char *head =
	    "Name,Maj,Min,Stat,Open,Targ,Event,UUID,Event\nstrip,0,0,L--w,0,1,0,,0\n";
	assert(!strncmp(text, head, strlen(head)));
	free(text);

	struct dm_report *r;
	o = (struct dmsetup_opts){.fields = "name,bogus"};
	assert(dm_report_new(&o, &r) == -EINVAL);
	assert(!strcmp(err_msg(), "unrecognised field 'bogus' (see 'dmsetup help -c')"));
	o.fields = "name,devs_used";
	assert(dm_report_new(&o, &r) == 0 && dm_report_needs_deps(r));
	dm_report_free(r);
	printf("test_dmsetup_report: ok\n");
	return 0;
}
