/* The NNNNN of the next archive/VG_NNNNN-RANDOM.vg: one more than the
 * highest a file of that VG has (LVM2's numbering). Finding it means
 * reading the whole folder, which keeps a file per change of every VG:
 * 500 entries cost ~0.4 ms of kernel time, 5% of an lvcreate.
 *
 * So each archive we write leaves a hint in $ULVM_RUN_DIR/archive-index/VG:
 * its number and the folder's identity and mtime right after the rename.
 * While the folder's mtime is unchanged no entry was added, removed or
 * renamed since, so the number is still the highest and the next one is
 * one more. Any other change to the folder (a crash before the hint was
 * written, another tool, a hand-made copy) moves the mtime and the folder
 * is read again. The hint only saves work: wrong or missing, the scan
 * decides. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lvm_int.h"

/* What the hint holds besides the number: the folder as it was. */
static int folder_state(const char *dir, char *out, size_t size)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return -1;
	snprintf(out, size, "%llu %llu %lld.%09ld", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	return 0;
}

/* Next free NNNNN among the VG's files, from the folder itself. */
static unsigned scan_index(const char *dir, const char *vgname)
{
	DIR *d = opendir(dir);
	size_t nl = strlen(vgname);
	unsigned next = 0;
	struct dirent *e;

	/* By hand, not sscanf: the folder keeps an archive per change. */
	while (d && (e = readdir(d))) {
		const char *p = e->d_name + nl + 1;
		unsigned i = 0, digits = 0;
		if (strncmp(e->d_name, vgname, nl) || e->d_name[nl] != '_')
			continue;
		for (; digits < 5 && *p >= '0' && *p <= '9'; p++, digits++)
			i = i * 10 + (unsigned)(*p - '0');
		if (digits && i >= next)
			next = i + 1;
	}
	if (d)
		closedir(d);
	return next;
}

unsigned lvm_archive_next_index(const char *dir, const char *vgname)
{
	char state[128], hint[160];
	unsigned last;

	if (lvm_run_hint_read("archive-index", vgname, hint, sizeof(hint)) > 0 &&
	    folder_state(dir, state, sizeof(state)) == 0) {
		size_t sl = strlen(state);
		if (!strncmp(hint, state, sl) && hint[sl] == ' ' &&
		    sscanf(hint + sl, "%u", &last) == 1 && last < 99999)
			return last + 1;
	}
	return scan_index(dir, vgname);
}

void lvm_archive_note_index(const char *dir, const char *vgname, unsigned index)
{
	char state[128], line[160];

	if (folder_state(dir, state, sizeof(state)) < 0)
		return;
	int len = snprintf(line, sizeof(line), "%s %u\n", state, index);
	if (len > 0 && (size_t)len < sizeof(line))
		lvm_run_hint_write("archive-index", vgname, line, (size_t)len);
}
