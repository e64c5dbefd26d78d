/* The ulvmd control protocol: framing and constants shared by the daemon
 * and libulvm. The requests and their fields are documented in
 * docs/control-protocol.md, which is the contract. */
#ifndef ULVM_PROTOCOL_H
#define ULVM_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

/* Protocol version: major changes break clients, minor ones add fields. */
#define ULVM_PROTO_MAJOR 1
#define ULVM_PROTO_MINOR 0
#define ULVM_PROTO_PATCH 0

/* A frame is a u32 little-endian byte count followed by that many bytes of
 * UTF-8 JSON (one object, no terminator). */
#define ULVM_FRAME_MAX (64u << 20)

#define ULVM_NAME_MAX 127 /* bytes, as DM_NAME_LEN - 1 */
#define ULVM_UUID_MAX 128 /* bytes, as DM_UUID_LEN - 1 */

#define ULVM_CONTROL_SOCKET	"control"
#define ULVM_NBD_SOCKET		"nbd.sock"
#define ULVM_PID_FILE		"ulvmd.pid"
#define ULVM_DEFAULT_RUN_DIR	"/run/ulvm"
#define ULVM_DEFAULT_SYSTEM_DIR "/etc/ulvm"
#define ULVM_DEFAULT_DEV_DIR	"/dev"

/* Sends one frame; returns 0 or a negative errno. */
int ulvm_frame_send(int fd, const char *json, size_t len);

/* Receives one frame into a malloc'ed NUL-terminated buffer owned by the
 * caller. Returns 0, -ECONNRESET at a clean end of stream, or another
 * negative errno (-EMSGSIZE when the frame exceeds ULVM_FRAME_MAX). */
int ulvm_frame_recv(int fd, char **json, size_t *len);

/* $ULVM_RUN_DIR etc. with their defaults; never NULL. */
const char *ulvm_run_dir(void);
const char *ulvm_system_dir(void);
const char *ulvm_dev_dir(void);

#endif
