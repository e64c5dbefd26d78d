#include "ulvm/protocol.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len, int at_start)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return (at_start && got == 0) ? -ECONNRESET : -EPROTO;
		got += (size_t)n;
	}
	return 0;
}

/* Header and body leave in one sendmsg when the socket takes them whole
 * (it nearly always does), the rest by write_all. */
int ulvm_frame_send(int fd, const char *json, size_t len)
{
	unsigned char hdr[4];

	if (len > ULVM_FRAME_MAX)
		return -EMSGSIZE;
	hdr[0] = (unsigned char)len;
	hdr[1] = (unsigned char)(len >> 8);
	hdr[2] = (unsigned char)(len >> 16);
	hdr[3] = (unsigned char)(len >> 24);
	struct iovec iov[2] = {{hdr, 4}, {(void *)json, len}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t n;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n < 4) {
		int r = write_all(fd, hdr + n, 4 - (size_t)n);
		return r ? r : write_all(fd, json, len);
	}
	return write_all(fd, json + (n - 4), len - (size_t)(n - 4));
}

int ulvm_frame_recv(int fd, char **json, size_t *len)
{
	unsigned char hdr[4];
	int r = read_all(fd, hdr, 4, 1);

	if (r)
		return r;
	uint32_t n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
		     (uint32_t)hdr[3] << 24;
	if (n > ULVM_FRAME_MAX)
		return -EMSGSIZE;
	char *buf = malloc((size_t)n + 1);
	if (!buf)
		return -ENOMEM;
	r = read_all(fd, buf, n, 0);
	if (r) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*json = buf;
	*len = n;
	return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return (v && *v) ? v : fallback;
}

const char *ulvm_run_dir(void)
{
	return env_or("ULVM_RUN_DIR", ULVM_DEFAULT_RUN_DIR);
}

const char *ulvm_system_dir(void)
{
	return env_or("ULVM_SYSTEM_DIR", ULVM_DEFAULT_SYSTEM_DIR);
}

const char *ulvm_dev_dir(void)
{
	return env_or("ULVM_DEV_DIR", ULVM_DEFAULT_DEV_DIR);
}
