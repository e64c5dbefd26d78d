#include "disk_io.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "util/error.h"

int disk_read(int fd, const char *dev, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(errno, "cannot read '%s' at %llu: %s", dev,
				       (unsigned long long)off, strerror(errno));
		if (n == 0)
			return err_set(EIO, "cannot read '%s' at %llu: short read", dev,
				       (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int disk_write(int fd, const char *dev, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(n < 0 ? errno : EIO, "cannot write '%s' at %llu: %s", dev,
				       (unsigned long long)off,
				       n < 0 ? strerror(errno) : "no space");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int disk_sync(int fd, const char *dev)
{
	if (fdatasync(fd) < 0)
		return err_set(errno, "cannot sync '%s': %s", dev, strerror(errno));
	return 0;
}

int disk_size(int fd, const char *dev, uint64_t *bytes)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return err_set(errno, "cannot stat '%s': %s", dev, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, bytes) < 0)
			return err_set(errno, "cannot get size of '%s': %s", dev, strerror(errno));
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return err_set(EINVAL, "'%s' is not a block device or a regular file", dev);
	*bytes = (uint64_t)st.st_size;
	return 0;
}
