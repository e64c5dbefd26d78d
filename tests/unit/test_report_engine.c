/* lib/report: units and rounding against outputs of LVM2 2.03.16,
 * attribute strings, the selection parser, and JSON that json-c parses
 * into LVM2's shape. The VG is built in memory. */
#include <assert.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/segtype.h"
#include "report/report.h"
#include "util/error.h"

static const char *fmt(const char *unit, bool suffix, uint64_t sectors)
{
	static char buf[64];
	struct units u;

	assert(units_parse(unit, &u) == 0);
	u.suffix = suffix;
	units_format(&u, sectors, buf, sizeof(buf));
	return buf;
}

/* Expected strings are what LVM2 printed for these sizes. */
static void test_units(void)
{
	static const struct {
		const char *unit;
		uint64_t sectors;
		const char *want;
	} cases[] = {
	    {"r", 24576, "12.00m"},
	    {"h", 24576, "12.00m"},
	    {"H", 24576, "12.58M"},
	    {"b", 24576, "12582912B"},
	    {"B", 24576, "12582912B"},
	    {"s", 24576, "24576S"},
	    {"k", 24576, "12288.00k"},
	    {"K", 24576, "12582.91K"},
	    {"g", 24576, "0.01g"},
	    {"t", 24576, "0.00t"},
	    {"E", 24576, "0.00E"},
	    {"r", 0, "0 "},
	    {"m", 0, "0m"},
	    {"b", 0, "0B"},
	    {"s", 0, "0S"},
	    {"4m", 98304, "12.00U"},
	    {"4m", 0, "0U"},
	    {"r", 4087808, "<1.95g"},
	    {"h", 4087808, "1.95g"},
	    {"r", 819200, "400.00m"},
	    {"r", 2040, "1020.00k"},
	    {"r", 1, "512b"},
	    {"H", 1, "512B"},
	    {"r", 8388607, "<4.00g"},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = fmt(cases[i].unit, true, cases[i].sectors);
		if (strcmp(got, cases[i].want)) {
			fprintf(stderr, "units %s %llu: got '%s' want '%s'\n", cases[i].unit,
				(unsigned long long)cases[i].sectors, got, cases[i].want);
			abort();
		}
	}
	assert(!strcmp(fmt("m", false, 24576), "12.00"));
	assert(!strcmp(fmt("r", false, 0), "0"));
	assert(!strcmp(fmt("h", false, 24576), "12.00m")); /* human keeps its suffix */
	struct units u;
	assert(units_parse("x", &u) < 0);
	assert(units_parse("mm", &u) < 0);
}

/* vg: pv0 (25 extents), pv1 (16); lin linear 10+2, str striped 2x4,
 * hidden "h" linear 1; extents of 4 MiB. */
static struct vg *make_vg(void)
{
	struct vg *vg = vg_new("vg", 8192);
	struct pv *p0 = vg_add_pv(vg, "FyttvDFfNaC1JykGZfdiN8Hg6RVRJSpP", "/dev/loop2");
	struct pv *p1 = vg_add_pv(vg, "AzHhJLttoC6hgYtA9SbGtoWYV0B2FlZy", "/dev/loop3");
	struct lv *lin = vg_add_lv(vg, "lin", "f4pXpsj19GSbAlhDtp5JY3fVwWGGjtzX");
	struct lv *str = vg_add_lv(vg, "str", "24n65EWXp7qHWogNMu8SgEs0a12D1X2S");
	struct lv *h = vg_add_lv(vg, "h", "CjLt6jsoaQzHCwN0YS125wKY6g8xWRh5");
	struct lv_seg *s;

	p0->pe_count = 25;
	p1->pe_count = 16;
	p0->status = p1->status = PV_ALLOCATABLE;
	p0->pe_start = p1->pe_start = 2048;
	lin->status = str->status = LV_READ | LV_WRITE | LV_VISIBLE;
	h->status = LV_READ | LV_WRITE;
	s = lv_add_seg(lin, &segtype_striped, 10, 1);
	s->areas[0] = (struct seg_area){AREA_PV, p0, NULL, 0};
	s = lv_add_seg(lin, &segtype_striped, 2, 1);
	s->areas[0] = (struct seg_area){AREA_PV, p0, NULL, 17};
	s = lv_add_seg(str, &segtype_striped, 8, 2);
	s->stripe_size = 128;
	s->areas[0] = (struct seg_area){AREA_PV, p0, NULL, 10};
	s->areas[1] = (struct seg_area){AREA_PV, p1, NULL, 0};
	s = lv_add_seg(h, &segtype_striped, 1, 1);
	s->areas[0] = (struct seg_area){AREA_PV, p1, NULL, 4};
	return vg;
}

static void active_lin(const struct lv *lv, struct report_lv_info *i, void *baton)
{
	i->known = true;
	i->exists = i->live_table = !strcmp(lv->name, "lin");
	i->open_count = i->exists;
}

/* Runs a report over make_vg() into a string the caller frees. */
static char *run(struct report_opts *o, int *rc)
{
	struct vg *vg = make_vg();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool help;
	struct report *r = report_new(o, f, &help);

	*rc = r ? 0 : -1;
	if (r) {
		for (const struct lv *lv = vg->lvs; lv; lv = lv->next) {
			if (o->kind == REPORT_VGS) {
				report_add(r, &(struct report_obj){.vg = vg});
				break;
			}
			if (!report_wants_segs(r)) {
				report_add(r, &(struct report_obj){.vg = vg, .lv = lv});
				continue;
			}
			for (const struct lv_seg *s = lv->segs; s; s = s->next)
				report_add(r, &(struct report_obj){.vg = vg, .lv = lv, .seg = s});
		}
		report_output(r, f);
		report_free(r);
	}
	fclose(f);
	vg_free(vg);
	return buf;
}

static char *lvs(const char *cols, const char *sel, int *rc)
{
	const char *c[1] = {cols};
	struct report_opts o = {.kind = REPORT_LVS,
				.columns = c,
				.n_columns = cols ? 1 : 0,
				.select = sel,
				.aligned = true,
				.no_headings = true,
				.units = UNITS_DEFAULT,
				.lv_info = active_lin};
	return run(&o, rc);
}

static void expect(const char *cols, const char *sel, const char *want)
{
	int rc;
	char *got = lvs(cols, sel, &rc);

	if (rc || strcmp(got, want)) {
		fprintf(stderr, "-o %s -S %s: got\n%s\nwant\n%s\n", cols, sel ? sel : "", got,
			want);
		abort();
	}
	free(got);
}

static void test_attrs_and_fields(void)
{
	expect("lv_name,lv_attr", NULL, "  lin  -wi-ao----\n  str  -wi-------\n");
	expect("vg_attr,vg_size,vg_free", NULL,
	       "  wz--n- 164.00m 80.00m\n  wz--n- 164.00m 80.00m\n");
	expect("name,devices", NULL,
	       "  lin  /dev/loop2(0)               \n"
	       "  lin  /dev/loop2(17)              \n"
	       "  str  /dev/loop2(10),/dev/loop3(0)\n");
	expect("name,seg_pe_ranges,stripe_size", "name=str",
	       "  str  /dev/loop2:10-13 /dev/loop3:0-3 64.00k\n");
	expect("lv_active,lv_kernel_major", "name=str", "           -1\n");
}

static void test_select(void)
{
	expect("name", "lv_size>40m", "  lin \n");
	expect("name", "lv_size>=32m && lv_size<=32m", "  str \n");
	expect("name", "name=~^s || seg_count=2", "  lin \n  str \n");
	expect("name", "!(name=lin)", "  str \n");
	expect("name", "name='str'", "  str \n");
	expect("name", "lv_size=48", "  lin \n"); /* bare size: MiB */
	expect("name", "seg_count=2,name=lin", "  lin \n");
	int rc;
	free(lvs("name", "nofield=1", &rc));
	assert(rc < 0 && strstr(err_msg(), "nofield"));
	free(lvs("name", "name=lin &&", &rc));
	assert(rc < 0);
	free(lvs("name", "(name=lin", &rc));
	assert(rc < 0);
	free(lvs("nosuchfield", NULL, &rc));
	assert(rc < 0 && strstr(err_msg(), "nosuchfield"));
}

static void test_json(void)
{
	const char *c[1] = {"lv_name,lv_size,devices,lv_tags"};
	struct report_opts o = {.kind = REPORT_LVS,
				.columns = c,
				.n_columns = 1,
				.json = true,
				.all = true,
				.units = UNITS_DEFAULT};
	int rc;
	char *out = run(&o, &rc);
	struct json_object *j = json_tokener_parse(out), *rep, *lv;

	assert(rc == 0 && j);
	assert(json_object_object_get_ex(j, "report", &rep));
	assert(json_object_array_length(rep) == 1);
	assert(json_object_object_get_ex(json_object_array_get_idx(rep, 0), "lv", &lv));
	/* Hidden LV shown with -a in brackets, sorted by its bare name. */
	assert(json_object_array_length(lv) == 4);
	struct json_object *first = json_object_array_get_idx(lv, 0), *v;
	assert(json_object_object_get_ex(first, "lv_name", &v));
	assert(!strcmp(json_object_get_string(v), "[h]"));
	assert(!strncmp(out, "  {\n      \"report\": [\n", 22));
	json_object_put(j);
	free(out);
}

int main(void)
{
	test_units();
	test_attrs_and_fields();
	test_select();
	test_json();
	printf("test_report_engine: ok\n");
	return 0;
}
