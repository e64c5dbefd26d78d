/* Small files under $ULVM_RUN_DIR that spare a command work another one
 * already did (archive_index.c, text_hint.c). A hint is never trusted:
 * its reader checks it or only reads ahead with it, so it is written in
 * place, without fsync or rename, and a missing one is no error. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvm_int.h"
#include "ulvm/protocol.h"

static void hint_path(const char *folder, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s/%s", ulvm_run_dir(), folder, name);
}

int lvm_run_hint_read(const char *folder, const char *name, char *buf, size_t size)
{
	char path[4400];

	hint_path(folder, name, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

void lvm_run_hint_write(const char *folder, const char *name, const char *text, size_t len)
{
	char path[4400];

	hint_path(folder, name, path, sizeof(path));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		char dir[4300];
		snprintf(dir, sizeof(dir), "%s/%s", ulvm_run_dir(), folder);
		mkdir(ulvm_run_dir(), 0755);
		mkdir(dir, 0700);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return;
	bool whole = write(fd, text, len) == (ssize_t)len;
	close(fd);
	if (!whole) /* half a hint would only be rejected or read ahead wrongly */
		unlink(path);
}
