/* Unit tests for lib/format_text: label and mda header encode/decode, the
 * circular buffer's placement and wrap, the commit protocol's crash
 * safety, text import/export, uuids and dm names. */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activate/activate.h"
#include "format_text/crc.h"
#include "format_text/export.h"
#include "format_text/import.h"
#include "format_text/pv_io.h"
#include "format_text/vg_io.h"
#include "metadata/alloc.h"
#include "metadata/uuid.h"
#include "util/error.h"
#include "util/le.h"

static void test_label(void)
{
	struct pv_label l = {.sector = 1,
			     .dev_size = 64u << 20,
			     .n_data = 1,
			     .n_mdas = 1,
			     .has_ext = true,
			     .ext_version = 2,
			     .ext_flags = 1};
	unsigned char s[512];
	struct pv_label back;

	memcpy(l.pv_uuid, "abcdefghijklmnopqrstuvwxyz012345", 33);
	l.data[0] = (struct disk_locn){1048576, 0};
	l.mdas[0] = (struct disk_locn){4096, 1044480};
	assert(label_encode(&l, s) == 0);
	/* The byte map of formats.md §1.5. */
	assert(!memcmp(s, "LABELONE", 8) && get_le64(s + 8) == 1 && get_le32(s + 20) == 32);
	assert(!memcmp(s + 24, "LVM2 001", 8) && !memcmp(s + 32, l.pv_uuid, 32));
	assert(get_le64(s + 72) == 1048576 && get_le64(s + 80) == 0 && get_le64(s + 88) == 0);
	assert(get_le64(s + 104) == 4096 && get_le64(s + 112) == 1044480);
	assert(get_le32(s + 136) == 2 && get_le32(s + 140) == 1 && get_le64(s + 144) == 0);
	assert(get_le32(s + 16) == lvm_crc(LVM_INITIAL_CRC, s + 20, 492));
	assert(label_decode(s, 1, &back) == 0);
	assert(!strcmp(back.pv_uuid, l.pv_uuid) && back.n_mdas == 1 &&
	       back.mdas[0].size == 1044480);
	assert(back.has_ext && back.ext_flags == 1);
	assert(label_decode(s, 2, &back) == -ENOENT); /* sector_xl must match */
	s[300] ^= 1;
	assert(label_decode(s, 1, &back) == -EINVAL); /* bad CRC */
}

static void test_mda_header(void)
{
	struct mda_header h = {.start = 4096, .size = 1044480}, back;
	unsigned char b[512];

	h.slot[0] = (struct raw_locn){1536, 1165, 0x1234, 0};
	mda_header_encode(&h, b);
	assert(!memcmp(b + 4, MDA_MAGIC, 16) && get_le32(b + 20) == 1);
	assert(mda_header_decode(b, 4096, &back) == 0);
	assert(back.slot[0].offset == 1536 && back.slot[0].size == 1165 && !back.slot[1].offset);
	assert(mda_header_decode(b, 8192, &back) == -EINVAL); /* wrong start */
	b[100] ^= 1;
	assert(mda_header_decode(b, 4096, &back) == -EINVAL);
}

static void test_placement(void)
{
	struct mda_header h = {.start = 4096, .size = 8192};

	assert(mda_max_text(&h) == (8192 - 512) / 2 - 512);
	assert(mda_place(&h, 600) == 512); /* first copy */
	h.slot[0] = (struct raw_locn){512, 600, 0, 0};
	assert(mda_place(&h, 600) == 1536);		/* after the old one, rounded up */
	h.slot[0] = (struct raw_locn){7680, 900, 0, 0}; /* wraps: last byte 899 */
	assert(mda_place(&h, 600) == 1024);
	h.slot[0] = (struct raw_locn){7168, 600, 0, 0}; /* ends at 7767: < 512 left */
	assert(mda_place(&h, 600) == 512);
	assert(mda_place(&h, 4000) == 0); /* too big */
}

static char tmpl[] = "/tmp/ulvm-ft-XXXXXX";

static int make_image(uint64_t size)
{
	int fd = mkstemp(tmpl);
	assert(fd >= 0 && ftruncate(fd, (off_t)size) == 0);
	return fd;
}

/* A VG on one small-mda PV: commits wrap the circular buffer many times
 * and every read gives the last committed seqno. */
static void test_wrap_and_commit(void)
{
	int fd = make_image(16u << 20);
	struct pv_format_opts o = {.mda_size = 32768, .pe_start = 2048};
	struct pv_label l;
	const char *devs[] = {tmpl};

	assert(pv_format(fd, tmpl, &o, &l) == 0);
	struct vg *vg = vg_create("vgw", 2048, devs, 1);
	assert(vg);
	assert(vg_write(vg, "t") == 0 && vg_precommit(vg) == 0 && vg_commit(vg) == 0);
	vg_close(vg);
	bool wrapped = false, crashed_write = false, crashed_precommit = false;
	for (int i = 0; i < 60; i++) {
		vg = vg_read(devs, 1, "vgw", true);
		assert(vg && vg->seqno == (uint32_t)i + 1 && vg->stale_mdas == 0);
		char name[32];
		snprintf(name, sizeof(name), "lv%d", i % 7);
		struct lv *lv = vg_find_lv(vg, name);
		if (lv)
			vg_remove_lv(vg, lv);
		else {
			lv = vg_new_lv(vg, name);
			struct alloc_request req = {
			    .extents = 1, .stripes = 1, .policy = ALLOC_NORMAL};
			assert(lv && lv_extend(lv, &req) == 0);
		}
		assert(vg_write(vg, "t") == 0);
		const struct mda_header *h = &vg->pvs->mdas[0];
		wrapped |= vg->pvs->pending[0].offset + vg->pvs->pending[0].size > h->size;
		if (i == 30 && !crashed_write) { /* crash after the text write: old VG stays */
			crashed_write = true;
			vg_close(vg);
			vg = vg_read(devs, 1, "vgw", true);
			assert(vg->seqno == (uint32_t)i + 1);
			vg_close(vg);
			i--;
			continue;
		}
		if (i == 40 && !crashed_precommit) { /* crash after precommit: still the old VG */
			crashed_precommit = true;
			assert(vg_precommit(vg) == 0);
			vg_close(vg);
			vg = vg_read(devs, 1, "vgw", true);
			assert(vg->seqno == (uint32_t)i + 1);
			vg_close(vg);
			i--;
			continue;
		}
		assert(vg_precommit(vg) == 0 && vg_commit(vg) == 0);
		vg_close(vg);
	}
	assert(wrapped);
	close(fd);
	unlink(tmpl);
}

static const char sample[] =
    "vg0 {\nid = \"aBcDeF-1234-5678-9abc-DEFG-hijk-lmnopq\"\nseqno = 2\n"
    "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = [\"FUTURE\"]\nextent_size = 8192\n"
    "max_lv = 0\nmax_pv = 0\nphysical_volumes {\npv0 {\nid = "
    "\"Q1w2E3-r4T5-y6U7-i8O9-p0As-dFgH-jKlZxC\"\nstatus = [\"ALLOCATABLE\"]\n"
    "pe_start = 2048\npe_count = 100\n}\n}\nlogical_volumes {\nr {\nid = "
    "\"mNbVcX-zLkJ-hGfD-sApO-iUyT-rEwQ-987654\"\nstatus = [\"READ\", \"VISIBLE\"]\n"
    "segment_count = 2\nsegment1 {\nstart_extent = 0\nextent_count = 10\ntype = "
    "\"striped\"\nstripe_count = 2\nstripe_size = 128\nstripes = [\"pv0\", 0, \"pv0\", 50]\n}\n"
    "segment2 {\nstart_extent = 10\nextent_count = 4\ntype = \"raid1+CROP_METADATA\"\n"
    "device_count = 2\nraids = [\"a\", \"b\"]\n}\n}\n}\n}\n"
    "contents = \"Text Format Volume Group\"\nversion = 1\n";

static const char *pv_name(const struct pv *pv, void *baton)
{
	return "7:0";
}

static void test_import_export(void)
{
	struct vg *vg = vg_import(sample, sizeof(sample));
	assert(vg && vg->seqno == 2 && vg->pvs->pe_count == 100);
	struct lv *lv = vg_find_lv(vg, "r");
	assert(lv && lv->le_count == 14 && lv->segs->area_len == 5);
	assert(lv->segs->next->type == &segtype_raw);
	/* Re-export and re-import: the raw segment survives. */
	struct strbuf sb = STRBUF_INIT;
	struct export_opts o = {.form = TEXT_FILE, .description = "d", .when = 1};
	assert(vg_export(vg, &o, &sb) == 0);
	assert(strstr(sb.buf, "type = \"raid1+CROP_METADATA\""));
	assert(strstr(sb.buf, "\n\t\t\t\tstripe_size = 128\t# 64 Kilobytes\n"));
	struct vg *again = vg_import(sb.buf, sb.len);
	assert(again && vg_find_lv(again, "r")->le_count == 14);
	struct strbuf t = STRBUF_INIT;
	int r = lv_table(vg_find_lv(again, "r"), pv_name, NULL, &t);
	assert(r == -ENOTSUP); /* raid1 is kept, not activated */
	vg_free(again);
	sb_release(&sb);
	sb_reset(&t);
	vg_find_lv(vg, "r")->segs->next = NULL;
	vg_find_lv(vg, "r")->le_count = 10;
	assert(lv_table(vg_find_lv(vg, "r"), pv_name, NULL, &t) == 0);
	assert(!strcmp(sb_str(&t), "0 81920 striped 2 128 7:0 2048 7:0 411648\n"));
	sb_release(&t);
	vg_free(vg);
	/* Unknown status words are fatal. */
	char bad[sizeof(sample)];
	memcpy(bad, sample, sizeof(sample));
	memcpy(strstr(bad, "\"ALLOCATABLE\""), "\"ALLOCATABLX\"", 13);
	assert(!vg_import(bad, sizeof(bad)));
}

static void test_uuid_names(void)
{
	char id[33], dashed[39], back[33];
	assert(uuid_generate(id) == 0 && strlen(id) == 32);
	uuid_format(id, dashed);
	assert(strlen(dashed) == 38 && dashed[6] == '-' && dashed[31] == '-');
	assert(uuid_parse(dashed, back) == 0 && !strcmp(back, id));
	assert(uuid_parse("abc", back) == -EINVAL);
	assert(uuid_parse("aBcDeF-1234-5678-9abc-DEFG-hijk-lmnop_", back) == -EINVAL);
	struct strbuf sb = STRBUF_INIT;
	dm_name_build(&sb, "my-vg", "lv-1", NULL);
	assert(!strcmp(sb_str(&sb), "my--vg-lv--1"));
	sb_reset(&sb);
	dm_name_build(&sb, "vg", "lv", "real");
	assert(!strcmp(sb_str(&sb), "vg-lv-real"));
	sb_reset(&sb);
	dm_name_build(&sb, "vg", "lv", "_mlog");
	assert(!strcmp(sb_str(&sb), "vg-lv_mlog"));
	sb_reset(&sb);
	dm_uuid_build(&sb, "A", "B", "cow");
	assert(!strcmp(sb_str(&sb), "LVM-AB-cow"));
	sb_release(&sb);
}

int main(void)
{
	format_text_warn = NULL;
	test_label();
	test_mda_header();
	test_placement();
	test_wrap_and_commit();
	test_import_export();
	test_uuid_names();
	return 0;
}
