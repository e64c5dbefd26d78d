/* `ulvm cryptsetup`: passphrases, devices and headers. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cryptsetup.h"
#include "crypto/sector_cipher.h"
#include "util/error.h"

#define CS_PASS_MAX (8u << 20) /* cryptsetup's default key file limit */

void cs_pass_free(struct cs_pass *p)
{
	if (p->buf)
		secure_free(p->buf, p->cap);
	memset(p, 0, sizeof(*p));
}

static int pass_add(struct cs_pass *p, char c)
{
	if (p->len + 1 >= p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4096;
		char *buf;

		if (cap > CS_PASS_MAX)
			return err_set(E2BIG, "passphrase too long");
		buf = secure_alloc(cap);
		if (!buf)
			return err_set(ENOMEM, "out of memory");
		if (p->buf) {
			memcpy(buf, p->buf, p->len);
			secure_free(p->buf, p->cap);
		}
		p->buf = buf;
		p->cap = cap;
	}
	p->buf[p->len++] = c;
	p->buf[p->len] = '\0';
	return 0;
}

/* Binary key file contents (no newline handling), at most `limit` bytes. */
static int read_key_file(const char *file, uint64_t limit, struct cs_pass *p)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	int c, r = 0;

	if (!f)
		return err_set(errno, "cannot open keyfile '%s': %s", file, strerror(errno));
	while (!r && (!limit || p->len < limit) && (c = getc(f)) != EOF)
		r = pass_add(p, (char)c);
	if (f != stdin)
		fclose(f);
	if (!r && !p->len)
		r = pass_add(p, 0), p->len = 0;
	return r;
}

/* One line of stdin (without its newline); on a terminal, without echo. */
static int read_line(const char *prompt, struct cs_pass *p)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	int c, r = 0;

	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while (!r && (c = getchar()) != EOF && c != '\n')
		r = pass_add(p, (char)c);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!r && !p->len && !p->buf)
		r = pass_add(p, 0), p->len = 0;
	return r;
}

int cs_read_pass(const struct cs_opts *o, const char *file, const char *prompt, bool verify,
		 struct cs_pass *out)
{
	struct cs_pass again = {0};
	int r;

	memset(out, 0, sizeof(*out));
	if (file)
		return read_key_file(file, o->keyfile_size, out);
	r = read_line(prompt, out);
	if (!r && verify && isatty(STDIN_FILENO)) {
		r = read_line("Verify passphrase: ", &again);
		if (!r && (again.len != out->len || memcmp(again.buf, out->buf, out->len)))
			r = err_set(EPERM, "passphrases do not match");
		cs_pass_free(&again);
	}
	if (r)
		cs_pass_free(out);
	return r;
}

int cs_open_device(const char *path, bool read_only, int *fd, uint64_t *size)
{
	struct stat st;

	*fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (*fd < 0)
		return err_set(errno, "device '%s' %s", path,
			       errno == ENOENT ? "does not exist or access denied"
					       : strerror(errno));
	if (fstat(*fd, &st) < 0)
		goto fail;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(*fd, BLKGETSIZE64, size) < 0)
			goto fail;
	} else if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
	} else {
		close(*fd);
		return err_set(ENOTBLK, "device '%s' is not a block device or image file", path);
	}
	return 0;
fail:
	close(*fd);
	return err_set(errno, "device '%s': %s", path, strerror(errno));
}

int cs_load(int fd, const char *path, struct luks_hdr *hdr)
{
	int r = luks_load(fd, path, hdr);

	if (!r && hdr->primary_bad)
		fprintf(stderr,
			"cryptsetup: warning: primary luks2 header of '%s' is damaged, "
			"using the secondary copy\n",
			path);
	return r;
}

void cs_pbkdf(const struct cs_opts *o, struct luks_pbkdf *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->type, sizeof(p->type), "%s", o->pbkdf ? o->pbkdf : "");
	snprintf(p->hash, sizeof(p->hash), "%s", o->hash ? o->hash : "sha256");
	p->iter_time_ms = o->iter_time ? o->iter_time : 2000;
	p->iterations = o->pbkdf_iterations;
	p->memory = o->pbkdf_memory;
	p->cpus = o->pbkdf_parallel;
}
