/* Whole-buffer pread/pwrite for metadata I/O on image files and block
 * devices. The tools do metadata I/O themselves, never through ulvmd. */
#ifndef ULVM_FORMAT_TEXT_DISK_IO_H
#define ULVM_FORMAT_TEXT_DISK_IO_H

#include <stddef.h>
#include <stdint.h>

/* Reads/writes exactly `len` bytes at byte `off`, retrying short transfers.
 * Return 0, or a negative errno with a message naming `dev` (a read past
 * the end is -EIO "short read"). */
int disk_read(int fd, const char *dev, void *buf, size_t len, uint64_t off);
int disk_write(int fd, const char *dev, const void *buf, size_t len, uint64_t off);
/* fdatasync with a message. */
int disk_sync(int fd, const char *dev);
/* Size in bytes of an image file or block device. */
int disk_size(int fd, const char *dev, uint64_t *bytes);

#endif
