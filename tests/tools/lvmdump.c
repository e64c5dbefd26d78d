/* lvmdump: a small driver of the LVM2-format library for the oracle tests
 * (tests/func/05NN-lvm-format-*.sh). It reads what real LVM2 wrote and
 * prints it in the shape of `pvs/vgs/lvs --units b --nosuffix`, and it
 * writes PVs, VGs and LVs for real LVM2 to check.
 *
 *   lvmdump read DEV...                    vg/pv/lv lines (see print_vg)
 *   lvmdump roundtrip DEV...               re-export every mda copy and
 *                                          compare it byte for byte
 *   lvmdump backup DESC TIME DEV...        file form of the VG on stdout
 *   lvmdump label DEV                      the decoded label
 *   lvmdump pvcreate [--uuid U] DEV...
 *   lvmdump vgcreate VG DEV...
 *   lvmdump lvcreate VG LV EXTENTS STRIPES STRIPE_SIZE POLICY [PV[:A-B]...] DEV...
 *   lvmdump lvremove VG LV DEV...
 *   lvmdump table VG LV DEV...             dm table with PV paths
 *
 * Where a command takes both a PV list and DEV..., the PV arguments come
 * first and the word "--" separates them from the devices to scan. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activate/activate.h"
#include "config/config.h"
#include "format_text/export.h"
#include "format_text/import.h"
#include "format_text/pv_io.h"
#include "format_text/vg_io.h"
#include "metadata/alloc.h"
#include "metadata/uuid.h"
#include "util/error.h"

static char cmdline[4096];

static int die(const char *what)
{
	fprintf(stderr, "lvmdump: %s: %s\n", what, err_msg());
	return 1;
}

static void print_seg_ranges(const struct lv_seg *s)
{
	for (uint32_t a = 0; a < s->area_count; a++) {
		const struct seg_area *ar = &s->areas[a];
		if (ar->type == AREA_PV)
			printf("%s%s:%u-%u", a ? " " : "", ar->pv->device, ar->start,
			       ar->start + s->area_len - 1);
		else
			printf("%s%s:%u-%u", a ? " " : "", ar->lv->name, ar->start,
			       ar->start + s->area_len - 1);
	}
}

/* vg NAME SEQNO EXTENT_BYTES #PV #LV SIZE FREE
 * pv DEVICE VG PV_SIZE PV_FREE PE_START PE_COUNT UUID
 * lv NAME SIZE SEG_PE_RANGES          (one line per segment) */
static void print_vg(const struct vg *vg)
{
	uint64_t es = (uint64_t)vg->extent_size * 512, total = 0;
	unsigned npv = 0, nlv = 0;
	char id[UUID_DASHED_LEN + 1];

	for (const struct pv *pv = vg->pvs; pv; pv = pv->next, npv++)
		total += pv->pe_count;
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		nlv += !!(lv->status & LV_VISIBLE);
	uuid_format(vg->id, id);
	printf("vg %s %u %" PRIu64 " %u %u %" PRIu64 " %" PRIu64 " %s\n", vg->name, vg->seqno, es,
	       npv, nlv, total * es, (uint64_t)vg_free_extents(vg) * es, id);
	for (const struct pv *pv = vg->pvs; pv; pv = pv->next) {
		uuid_format(pv->id, id);
		printf("pv %s %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %u %s\n", pv->device, vg->name,
		       (uint64_t)pv->pe_count * es, (uint64_t)pv_free_extents(vg, pv) * es,
		       pv->pe_start * 512, pv->pe_count, id);
	}
	for (const struct lv *lv = vg->lvs; lv; lv = lv->next)
		for (const struct lv_seg *s = lv->segs; s; s = s->next) {
			printf("lv %s %" PRIu64 " ", lv->name, (uint64_t)lv->le_count * es);
			print_seg_ranges(s);
			printf("\n");
		}
}

static int cmd_read(int argc, char **argv)
{
	struct vg *vg = vg_read((const char *const *)argv, (unsigned)argc, NULL, false);
	if (!vg)
		return die("read");
	print_vg(vg);
	vg_close(vg);
	return 0;
}

/* Header items of a copy, to reproduce it: description and time. */
static int header_of(const char *text, size_t len, const char **desc, int64_t *when,
		     struct cfg_tree **t)
{
	if (!(*t = cfg_parse(text, len)))
		return -1;
	if (cfg_get_str(&(*t)->root, "description", desc) < 0 ||
	    cfg_get_int(&(*t)->root, "creation_time", when) < 0)
		return -1;
	return 0;
}

static int roundtrip_one(const char *dev, int fd, const struct pv_label *l, unsigned m)
{
	struct mda_copy c;
	struct cfg_tree *t = NULL;
	const char *desc;
	int64_t when;
	int bad = 1;

	mda_copy_read(fd, dev, l, m, &c);
	if (!c.has_text) {
		printf("%s mda%u: no text\n", dev, m);
		return 1;
	}
	size_t len = c.hdr.slot[0].size;
	struct vg *vg = vg_import(c.text, len);
	if (!vg || header_of(c.text, len, &desc, &when, &t) < 0) {
		printf("%s mda%u: import failed: %s\n", dev, m, err_msg());
		goto out;
	}
	struct strbuf sb = STRBUF_INIT;
	struct export_opts o = {.form = TEXT_RAW, .description = desc, .when = (time_t)when};
	vg_export(vg, &o, &sb);
	bad = sb.len + 1 != len || memcmp(sb.buf, c.text, len);
	printf("%s mda%u: seqno %u %s\n", dev, m, vg->seqno, bad ? "DIFFERS" : "identical");
	if (bad) {
		FILE *f = fopen("/tmp/lvmdump-ours.txt", "w");
		if (f) {
			fputs(sb_str(&sb), f);
			fclose(f);
		}
	}
	sb_release(&sb);
out:
	vg_free(vg);
	cfg_free(t);
	free(c.text);
	return bad;
}

static int cmd_roundtrip(int argc, char **argv)
{
	int bad = 0;
	for (int i = 0; i < argc; i++) {
		struct pv_label l;
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0 || label_read(fd, argv[i], &l) < 0) {
			bad |= die(argv[i]);
			if (fd >= 0)
				close(fd);
			continue;
		}
		for (unsigned m = 0; m < l.n_mdas; m++)
			bad |= roundtrip_one(argv[i], fd, &l, m);
		close(fd);
	}
	return bad;
}

static int cmd_backup(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct vg *vg = vg_read((const char *const *)argv + 2, (unsigned)argc - 2, NULL, false);
	if (!vg)
		return die("read");
	struct strbuf sb = STRBUF_INIT;
	struct export_opts o = {
	    .form = TEXT_FILE, .description = argv[0], .when = (time_t)strtoll(argv[1], NULL, 10)};
	vg_export(vg, &o, &sb);
	fputs(sb_str(&sb), stdout);
	sb_release(&sb);
	vg_close(vg);
	return 0;
}

static int cmd_label(int argc, char **argv)
{
	struct pv_label l;
	int fd = argc == 1 ? open(argv[0], O_RDONLY) : -1;
	if (fd < 0 || label_read(fd, argv[0], &l) < 0)
		return die("label");
	printf("sector %" PRIu64 "\nuuid %s\ndev_size %" PRIu64 "\n", l.sector, l.pv_uuid,
	       l.dev_size);
	for (unsigned i = 0; i < l.n_data; i++)
		printf("data %" PRIu64 " %" PRIu64 "\n", l.data[i].offset, l.data[i].size);
	for (unsigned i = 0; i < l.n_mdas; i++)
		printf("mda %" PRIu64 " %" PRIu64 "\n", l.mdas[i].offset, l.mdas[i].size);
	if (l.has_ext)
		printf("ext %u %u\n", l.ext_version, l.ext_flags);
	close(fd);
	return 0;
}

static int cmd_pvcreate(int argc, char **argv)
{
	struct pv_format_opts o = {0};
	if (argc > 1 && !strcmp(argv[0], "--uuid")) {
		o.uuid = argv[1];
		argc -= 2;
		argv += 2;
	}
	for (int i = 0; i < argc; i++) {
		struct pv_label l;
		int fd = open(argv[i], O_RDWR);
		if (fd < 0 || pv_format(fd, argv[i], &o, &l) < 0)
			return die(argv[i]);
		close(fd);
	}
	return 0;
}

static int commit(struct vg *vg)
{
	if (vg_write(vg, cmdline) < 0 || vg_precommit(vg) < 0 || vg_commit(vg) < 0)
		return die("commit");
	return 0;
}

static int cmd_vgcreate(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	struct vg *vg = vg_create(argv[0], 8192, (const char *const *)argv + 1, (unsigned)argc - 1);
	if (!vg)
		return die("vgcreate");
	int r = commit(vg);
	vg_close(vg);
	return r;
}

/* Splits "A... -- B..." at the "--"; returns the index of B or -1. */
static int split_args(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return i;
	return -1;
}

static int cmd_lvcreate(int argc, char **argv)
{
	int dd = split_args(argc, argv);
	if (argc < 7 || dd < 6)
		return 2;
	struct vg *vg =
	    vg_read((const char *const *)argv + dd + 1, (unsigned)(argc - dd - 1), argv[0], true);
	if (!vg)
		return die("read");
	struct alloc_pv pvs[16];
	struct alloc_request req = {
	    .extents = (uint32_t)strtoul(argv[2], NULL, 10),
	    .stripes = (uint32_t)strtoul(argv[3], NULL, 10),
	    .stripe_size = (uint32_t)strtoul(argv[4], NULL, 10),
	};
	int r = 1;
	if (alloc_policy_parse(argv[5], &req.policy) < 0) {
		fprintf(stderr, "lvmdump: bad policy '%s'\n", argv[5]);
		goto out;
	}
	for (int i = 6; i < dd && req.n_pvs < 16; i++)
		if (alloc_pv_parse(vg, argv[i], &pvs[req.n_pvs++]) < 0) {
			r = die(argv[i]);
			goto out;
		}
	req.pvs = req.n_pvs ? pvs : NULL;
	struct lv *lv = vg_find_lv(vg, argv[1]);
	if (!lv && !(lv = vg_new_lv(vg, argv[1]))) {
		r = die("lvcreate");
		goto out;
	}
	if (lv_extend(lv, &req) < 0) {
		r = die("lvcreate");
		goto out;
	}
	r = commit(vg);
out:
	vg_close(vg);
	return r;
}

static int cmd_lvremove(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct vg *vg = vg_read((const char *const *)argv + 2, (unsigned)argc - 2, argv[0], true);
	if (!vg)
		return die("read");
	struct lv *lv = vg_find_lv(vg, argv[1]);
	int r = 1;
	if (!lv)
		fprintf(stderr, "lvmdump: no LV '%s'\n", argv[1]);
	else {
		vg_remove_lv(vg, lv);
		r = commit(vg);
	}
	vg_close(vg);
	return r;
}

static const char *pv_path(const struct pv *pv, void *baton)
{
	return pv->device;
}

static int cmd_table(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct vg *vg = vg_read((const char *const *)argv + 2, (unsigned)argc - 2, argv[0], false);
	if (!vg)
		return die("read");
	struct lv *lv = vg_find_lv(vg, argv[1]);
	struct strbuf sb = STRBUF_INIT;
	int r = 1;
	if (lv && lv_table(lv, pv_path, NULL, &sb) == 0) {
		struct strbuf name = STRBUF_INIT, uuid = STRBUF_INIT;
		dm_name_build(&name, vg->name, lv->name, NULL);
		dm_uuid_build(&uuid, vg->id, lv->id, NULL);
		printf("name %s\nuuid %s\n%s", sb_str(&name), sb_str(&uuid), sb_str(&sb));
		sb_release(&name);
		sb_release(&uuid);
		r = 0;
	} else {
		die("table");
	}
	sb_release(&sb);
	vg_close(vg);
	return r;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
	    {"read", cmd_read},		{"roundtrip", cmd_roundtrip}, {"backup", cmd_backup},
	    {"label", cmd_label},	{"pvcreate", cmd_pvcreate},   {"vgcreate", cmd_vgcreate},
	    {"lvcreate", cmd_lvcreate}, {"lvremove", cmd_lvremove},   {"table", cmd_table},
	};
	size_t used = 0;

	for (int i = 0; i < argc && used + 2 < sizeof(cmdline); i++)
		used += (size_t)snprintf(cmdline + used, sizeof(cmdline) - used, "%s%s",
					 i ? " " : "", argv[i]);
	if (argc < 2) {
		fprintf(stderr, "usage: lvmdump COMMAND ARGS (see the source)\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "lvmdump: unknown command '%s'\n", argv[1]);
	return 2;
}
