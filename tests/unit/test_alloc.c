/* Unit tests for lib/metadata/alloc.c on an in-memory VG of two 15-extent
 * PVs; the expected layouts are those LVM2 2.03 chose for the same steps
 * (see tests/func/0502-lvm-format-write.sh for the live comparison). */
#include "metadata/alloc.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "metadata/segtype.h"
#include "util/error.h"
#include "util/strbuf.h"

static struct vg *two_pvs(void)
{
	struct vg *vg = vg_new("vg", 8192);
	const char *names[] = {"/dev/a", "/dev/b"};
	for (int i = 0; i < 2; i++) {
		char id[33];
		snprintf(id, sizeof(id), "%032d", i);
		struct pv *pv = vg_add_pv(vg, id, names[i]);
		pv->pe_count = 15;
		pv->pe_start = 2048;
		pv->status = PV_ALLOCATABLE;
	}
	return vg;
}

/* "seg1 | seg2" with seg = "dev:a-b dev:c-d". */
static const char *layout(const struct lv *lv)
{
	static struct strbuf sb;
	sb_reset(&sb);
	for (const struct lv_seg *s = lv->segs; s; s = s->next) {
		if (s != lv->segs)
			sb_puts(&sb, " | ");
		for (uint32_t a = 0; a < s->area_count; a++)
			sb_printf(&sb, "%s%s:%u-%u", a ? " " : "", s->areas[a].pv->device,
				  s->areas[a].start, s->areas[a].start + s->area_len - 1);
	}
	return sb_str(&sb);
}

static struct lv *make(struct vg *vg, const char *name, uint32_t extents, uint32_t stripes,
		       enum alloc_policy p, int expect)
{
	struct lv *lv = vg_find_lv(vg, name);
	if (!lv)
		lv = vg_new_lv(vg, name);
	struct alloc_request req = {
	    .extents = extents, .stripes = stripes, .stripe_size = 128, .policy = p};
	int r = lv_extend(lv, &req);
	if (r != expect) {
		fprintf(stderr, "%s: got %d (%s), expected %d\n", name, r, err_msg(), expect);
		assert(0);
	}
	assert(vg_validate(vg) == 0);
	return lv;
}

static void expect_layout(const struct lv *lv, const char *want)
{
	if (strcmp(layout(lv), want)) {
		fprintf(stderr, "%s: got '%s', expected '%s'\n", lv->name, layout(lv), want);
		assert(0);
	}
}

static void test_normal(void)
{
	struct vg *vg = two_pvs();
	expect_layout(make(vg, "lin", 10, 1, ALLOC_NORMAL, 0), "/dev/a:0-9");
	expect_layout(make(vg, "str", 8, 2, ALLOC_NORMAL, 0), "/dev/a:10-13 /dev/b:0-3");
	expect_layout(make(vg, "l2", 3, 1, ALLOC_NORMAL, 0), "/dev/b:4-6");
	/* Extending continues the last segment when the next PE is free. */
	expect_layout(make(vg, "l2", 2, 1, ALLOC_NORMAL, 0), "/dev/b:4-8");
	/* Otherwise cling to the LV's PV (a:14), then the largest area. */
	expect_layout(make(vg, "lin", 2, 1, ALLOC_NORMAL, 0),
		      "/dev/a:0-9 | /dev/a:14-14 | /dev/b:9-9");
	assert(vg_free_extents(vg) == 30 - 10 - 8 - 5 - 2);
	/* Not enough: the message is LVM's, the LV is unchanged. */
	make(vg, "big", 40, 1, ALLOC_NORMAL, -ENOSPC);
	assert(strstr(err_msg(), "Insufficient suitable allocatable extents for logical volume "
				 "big: 35 more required"));
	assert(vg_find_lv(vg, "big")->le_count == 0);
	vg_free(vg);
}

static void test_policies(void)
{
	struct vg *vg = two_pvs();
	expect_layout(make(vg, "a", 5, 1, ALLOC_NORMAL, 0), "/dev/a:0-4");
	expect_layout(make(vg, "a", 1, 1, ALLOC_CONTIGUOUS, 0), "/dev/a:0-5");
	/* Equal usable space (1 extent) on both PVs: PV order decides. */
	expect_layout(make(vg, "blocker", 1, 1, ALLOC_NORMAL, 0), "/dev/a:6-6");
	make(vg, "a", 1, 1, ALLOC_CONTIGUOUS, -ENOSPC); /* a:6 is taken */
	expect_layout(make(vg, "c", 8, 1, ALLOC_NORMAL, 0), "/dev/a:7-14");
	/* cling: only on the PVs the LV already uses; none free on /dev/a. */
	make(vg, "c", 1, 1, ALLOC_CLING, -ENOSPC);
	expect_layout(make(vg, "d", 2, 1, ALLOC_CLING, 0), "/dev/b:0-1");
	expect_layout(make(vg, "d", 2, 1, ALLOC_CLING, 0), "/dev/b:0-3");
	expect_layout(make(vg, "e", 2, 1, ALLOC_NORMAL, 0), "/dev/b:4-5");
	vg_remove_lv(vg, vg_find_lv(vg, "d"));
	/* Two stripes on one PV only with anywhere (on distinct areas). */
	make(vg, "s", 4, 2, ALLOC_NORMAL, -ENOSPC);
	expect_layout(make(vg, "s", 4, 2, ALLOC_ANYWHERE, 0), "/dev/b:0-1 /dev/b:6-7");
	vg_free(vg);
}

static void test_pv_ranges(void)
{
	struct vg *vg = two_pvs();
	struct alloc_pv pvs[2];
	assert(alloc_pv_parse(vg, "/dev/b:12-13", &pvs[0]) == 0);
	assert(alloc_pv_parse(vg, "/dev/a:3:7-", &pvs[1]) == 0);
	assert(pvs[1].n_ranges == 2 && pvs[1].ranges[1].end == 14);
	assert(alloc_pv_parse(vg, "/dev/c", &pvs[0]) == -ENOENT);
	assert(alloc_pv_parse(vg, "/dev/a:5-2", &pvs[0]) == -EINVAL);
	assert(alloc_pv_parse(vg, "/dev/b:12-13", &pvs[0]) == 0);
	struct lv *lv = vg_new_lv(vg, "r");
	struct alloc_request req = {
	    .extents = 2, .stripes = 1, .policy = ALLOC_NORMAL, .pvs = pvs, .n_pvs = 1};
	assert(lv_extend(lv, &req) == 0);
	expect_layout(lv, "/dev/b:12-13");
	req.extents = 1;
	assert(lv_extend(lv, &req) == -ENOSPC);
	vg_free(vg);
}

int main(void)
{
	test_normal();
	test_policies();
	test_pv_ranges();
	return 0;
}
