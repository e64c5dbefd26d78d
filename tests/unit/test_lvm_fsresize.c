/* Unit tests for tools/lvm/fsresize.c: the superblock probes on synthetic
 * ext2/3/4 and xfs superblocks, fs_probe reading through an LV's first PV
 * area of an image file, and (when the tools are installed) probes of
 * filesystems made by mkfs.ext4 and mkfs.xfs. */
#include "../../tools/lvm/fsresize.c"

#include <assert.h>
#include <stdarg.h>

#include "metadata/segtype.h"

/* fsresize.c prints through lvm_error (tools/lvm/lvm.c). */
void lvm_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* An ext superblock in a 4 KiB buffer: blocks, 1024 << log, flags. */
static void make_ext(unsigned char *b, uint64_t blocks, uint32_t log, uint32_t compat,
		     uint32_t incompat)
{
	unsigned char *sb = b + 1024;
	memset(b, 0, 4096);
	put_le32(sb + 4, (uint32_t)blocks);
	put_le32(sb + 24, log);
	sb[56] = 0x53;
	sb[57] = 0xEF;
	put_le32(sb + 0x5c, compat);
	put_le32(sb + 0x60, incompat);
	put_le32(sb + 0x150, (uint32_t)(blocks >> 32));
}

static void test_probes(void)
{
	unsigned char b[4096];
	struct fs_info fs = {0};

	make_ext(b, 51200, 0, 0, 0);
	probe_ext(b, &fs);
	assert(fs.kind == FS_EXT && fs.size == 51200ull * 1024 && !strcmp(fs.name, "ext2"));
	memset(&fs, 0, sizeof(fs));
	make_ext(b, 25600, 2, 0x4, 0);
	probe_ext(b, &fs);
	assert(fs.size == 25600ull * 4096 && !strcmp(fs.name, "ext3"));
	/* 64bit: the high word counts; without the flag it does not. */
	memset(&fs, 0, sizeof(fs));
	make_ext(b, (1ull << 32) + 10, 2, 0x4, 0x80 | 0x40);
	probe_ext(b, &fs);
	assert(fs.size == ((1ull << 32) + 10) * 4096 && !strcmp(fs.name, "ext4"));
	memset(&fs, 0, sizeof(fs));
	make_ext(b, (1ull << 32) + 10, 2, 0, 0x40);
	probe_ext(b, &fs);
	assert(fs.size == 10ull * 4096);
	/* No magic: nothing. */
	memset(&fs, 0, sizeof(fs));
	b[1024 + 56] = 0;
	probe_ext(b, &fs);
	assert(fs.kind == FS_NONE);

	memset(b, 0, sizeof(b));
	memcpy(b, "XFSB", 4);
	put_be(b + 4, 4096, 4);
	put_be(b + 8, 81920, 8);
	probe_xfs(b, &fs);
	assert(fs.kind == FS_XFS && fs.size == 81920ull * 4096 && !strcmp(fs.name, "xfs"));
}

/* A VG whose one PV is the image `path` (pe_start 8 sectors, extents of
 * 8 sectors) and an LV starting at PE 1: the superblock is read from
 * byte 8192 of the image. */
static struct lv *lv_on(struct vg **vgp, const char *path)
{
	struct vg *vg = vg_new("vg", 8);
	struct pv *pv = vg_add_pv(vg, "00000000000000000000000000000000", path);
	pv->pe_start = 8;
	pv->pe_count = 1000000;
	struct lv *lv = vg_add_lv(vg, "lv", "11111111111111111111111111111111");
	struct lv_seg *s = lv_add_seg(lv, &segtype_striped, 4, 1);
	s->areas[0] = (struct seg_area){.type = AREA_PV, .pv = pv, .start = 1};
	*vgp = vg;
	return lv;
}

static void test_fs_probe_image(void)
{
	char path[] = "/tmp/test_lvm_fsresize.XXXXXX";
	unsigned char b[4096];
	struct fs_info fs;
	struct vg *vg;
	int fd = mkstemp(path);
	assert(fd >= 0);
	make_ext(b, 3000, 2, 0x4, 0x40);
	assert(pwrite(fd, b, sizeof(b), 8192) == (ssize_t)sizeof(b));
	struct lv *lv = lv_on(&vg, path);
	assert(fs_probe(lv, &fs) == 0 && fs.kind == FS_EXT && fs.size == 3000ull * 4096);
	/* Zeroes at the LV's start: no filesystem. */
	memset(b, 0, sizeof(b));
	assert(pwrite(fd, b, sizeof(b), 8192) == (ssize_t)sizeof(b));
	assert(fs_probe(lv, &fs) == 0 && fs.kind == FS_NONE);
	/* A file is never "mounted" as a block device. */
	char mnt[64];
	assert(!fs_mount_point(path, mnt, sizeof(mnt)));
	assert(!fs_mount_point("/nonexistent/device", mnt, sizeof(mnt)));
	vg_free(vg);
	close(fd);
	unlink(path);
}

/* mkfs.TYPE on an image of `mib` MiB shifted by 8 KiB, then fs_probe. */
static void test_mkfs(const char *mkfs, const char *opts, unsigned mib, enum fs_kind kind)
{
	char cmd[512], path[] = "/tmp/test_lvm_fsresize.XXXXXX", fspath[64];
	struct fs_info fs;
	struct vg *vg;

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", mkfs);
	if (system(cmd) != 0) {
		printf("skip: %s not installed\n", mkfs);
		return;
	}
	int fd = mkstemp(path);
	assert(fd >= 0);
	snprintf(fspath, sizeof(fspath), "%s.fs", path);
	snprintf(cmd, sizeof(cmd), "truncate -s %uM %s && %s %s %s >/dev/null 2>&1", mib, fspath,
		 mkfs, opts, fspath);
	assert(system(cmd) == 0);
	/* The filesystem image goes to byte 8192 of the PV image. */
	snprintf(cmd, sizeof(cmd), "dd if=%s of=%s bs=8192 seek=1 conv=sparse status=none", fspath,
		 path);
	assert(system(cmd) == 0);
	struct lv *lv = lv_on(&vg, path);
	assert(fs_probe(lv, &fs) == 0);
	assert(fs.kind == kind);
	assert(fs.size > 0 && fs.size <= (uint64_t)mib << 20);
	assert(fs.size > (uint64_t)mib << 19);
	vg_free(vg);
	close(fd);
	unlink(path);
	unlink(fspath);
}

int main(void)
{
	test_probes();
	test_fs_probe_image();
	test_mkfs("mkfs.ext4", "-q -F", 64, FS_EXT);
	test_mkfs("mkfs.xfs", "-q -f", 320, FS_XFS);
	printf("test_lvm_fsresize: ok\n");
	return 0;
}
