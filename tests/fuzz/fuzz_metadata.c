/* libFuzzer target for the LVM2 metadata parsers: label sector, mda header
 * and the text (config syntax + VG import). An imported VG must export and
 * import again, and the second export must equal the first.
 *
 * Run it through tests/fuzz/run (short) or `tests/fuzz/run --long`; by
 * hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Iinclude -Ilib tests/fuzz/fuzz_metadata.c <the .c files of lib/util,
 *     lib/config, lib/format_text, lib/metadata, lib/activate> -ljson-c \
 *     -o /tmp/fuzz_metadata
 *   /tmp/fuzz_metadata -max_total_time=60 /tmp/corpus tests/fuzz/corpus/fuzz_metadata
 * The seeds in corpus/fuzz_metadata/ come from real LVM2 2.03.16 PVs: a
 * label sector, an mda header, the on-disk text and a vgcfgbackup file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "format_text/export.h"
#include "format_text/import.h"
#include "format_text/label.h"
#include "format_text/mda.h"
#include "format_text/pv_io.h"

static void check_vg(const char *text, size_t len)
{
	struct vg *vg = vg_import(text, len);
	if (!vg)
		return;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct export_opts o = {.form = TEXT_FILE, .description = "fuzz", .when = 1};
	vg_export(vg, &o, &a);
	struct vg *again = vg_import(a.buf, a.len);
	if (!again)
		abort(); /* what we write must read back */
	vg_export(again, &o, &b);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
		abort();
	vg_free(again);
	vg_free(vg);
	sb_release(&a);
	sb_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char sector[512] = {0};
	struct pv_label l;
	struct mda_header h;

	format_text_warn = NULL;
	memcpy(sector, data, size < 512 ? size : 512);
	label_decode(sector, 1, &l);
	mda_header_decode(sector, 4096, &h);
	if (h.size >= MDA_HEADER_SIZE && mda_max_text(&h))
		mda_place(&h, size);
	struct cfg_tree *t = cfg_parse((const char *)data, size);
	if (t) {
		struct strbuf sb = STRBUF_INIT;
		cfg_write(t->root.child, &sb);
		struct cfg_tree *t2 = cfg_parse(sb.buf ? sb.buf : "", sb.len);
		if (!t2)
			abort(); /* the writer's output must parse */
		cfg_free(t2);
		sb_release(&sb);
		cfg_free(t);
	}
	check_vg((const char *)data, size);
	return 0;
}
