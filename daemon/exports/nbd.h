/* The NBD export: every mapped device is served over the Network Block
 * Device protocol, export name = device name. See daemon/exports/nbd_int.h
 * for how the server is put together. */
#ifndef ULVM_EXPORTS_NBD_H
#define ULVM_EXPORTS_NBD_H

/* Starts serving every mapped device over NBD on the unix socket
 * `unix_path` (always) and on TCP `tcp_listen` ("ADDR:PORT", "[V6]:PORT";
 * NULL = no TCP). Workers must be running. Returns 0 or -errno with the
 * message set (err_set). */
int nbd_server_start(const char *unix_path, const char *tcp_listen);

/* Stops accepting, closes every connection after its in-flight I/O
 * completes, and returns when all are gone. Call before workers_stop(). */
void nbd_server_stop(void);

#endif
