/* libulvm's control client: the libdevmapper of ulvm.
 *
 * A struct ulvm_client is one connection to ulvmd's control socket
 * ($ULVM_RUN_DIR/control, docs/control-protocol.md). ulvm_call() sends one
 * json-c request and returns the reply; the typed helpers below wrap every
 * command of the protocol.
 *
 * Errors: every int function returns 0 or a negative errno. On failure the
 * thread's error message (lib/util/error.h, err_msg()) holds the reason:
 * the daemon's `error` field for refused requests, or a message naming the
 * socket or the daemon binary when the connection itself failed.
 *
 * Ownership: out-structs (struct ulvm_info) are filled in place and own
 * nothing. Lists (ulvm_list, ulvm_table, ulvm_deps, ulvm_targets) come back
 * as ONE malloc'ed block holding the array and its strings: the caller
 * releases it with a single free(). Strings returned through char ** are
 * malloc'ed and freed by the caller. Nothing is returned on failure.
 *
 * A client is not thread-safe: use one per thread.
 */
#ifndef ULVM_CLIENT_H
#define ULVM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "ulvm/protocol.h"

struct ulvm_client;

/* ulvm_client_open() flags. */
enum {
	/* Start ulvmd when the socket is absent or refuses: run $ULVM_DAEMON,
	 * else `ulvmd` next to the running binary, with no arguments; it
	 * daemonises and exits 0 once it answers. */
	ULVM_CONNECT_AUTOSTART = 1u << 0,
};

/* Connects to $ULVM_RUN_DIR/control. Returns a client owned by the caller
 * (release with ulvm_client_close), or NULL with errno and the message set
 * (ENOENT/ECONNREFUSED: no daemon and none was started). */
struct ulvm_client *ulvm_client_open(unsigned flags);

/* Closes the connection and frees the client; NULL is a no-op. */
void ulvm_client_close(struct ulvm_client *c);

/* Path of the control socket, into buf (size >= PATH_MAX advised). */
void ulvm_control_path(char *buf, size_t size);

/* Sends `request` (borrowed: the caller keeps its reference) and reads the
 * reply. On {"ok": true} returns 0 and, if `reply` is not NULL, hands the
 * reply object to the caller (json_object_put it). On {"ok": false}
 * returns -errno with the message set from `error`. Transport failures
 * return -EPROTO, -ECONNRESET, ... with a message. */
int ulvm_call(struct ulvm_client *c, json_object *request, json_object **reply);

/* ---- device addressing ---- */

/* A device is addressed by name or by uuid: set exactly one. */
struct ulvm_devid {
	const char *name;
	const char *uuid;
};

#define ULVM_DEV_NAME(n) ((struct ulvm_devid){.name = (n)})
#define ULVM_DEV_UUID(u) ((struct ulvm_devid){.uuid = (u)})

/* The "info" object of the protocol, as struct dm_info. */
struct ulvm_info {
	char name[ULVM_NAME_MAX + 1];
	char uuid[ULVM_UUID_MAX + 1]; /* "" when unset */
	unsigned major, minor;	      /* 0 and ulvm's number without a block device */
	unsigned open_count;
	unsigned event_nr;
	bool suspended, read_only, live_table, inactive_table;
	unsigned target_count;
	uint64_t size;	    /* live table, in 512-byte sectors */
	char blockdev[256]; /* attached block device, "" when none */
};

/* ---- commands (one per protocol cmd); `info` out-params may be NULL ---- */

/* Flags for table/status/deps/info queries. */
enum {
	ULVM_Q_INACTIVE = 1u << 0, /* the inactive table rather than the live one */
	ULVM_Q_SHOWKEYS = 1u << 1, /* table: do not blank crypt keys */
	ULVM_Q_NOFLUSH = 1u << 2,  /* status: do not flush before reporting */
};

int ulvm_version(struct ulvm_client *c, unsigned version[3], char *daemon, size_t daemon_size);

/* Creates a device without a table (uuid may be NULL). */
int ulvm_create(struct ulvm_client *c, const char *name, const char *uuid, bool read_only,
		struct ulvm_info *info);
int ulvm_remove(struct ulvm_client *c, struct ulvm_devid id, bool force);
/* Removes every closed device (all with force); `removed` may be NULL. */
int ulvm_remove_all(struct ulvm_client *c, bool force, unsigned *removed);
int ulvm_rename(struct ulvm_client *c, struct ulvm_devid id, const char *new_name,
		struct ulvm_info *info);
/* Sets the uuid of a device that has none. */
int ulvm_set_uuid(struct ulvm_client *c, struct ulvm_devid id, const char *new_uuid,
		  struct ulvm_info *info);
/* Loads `table` (lines separated by '\n') into the inactive slot; relative
 * file paths in it are taken from the caller's working directory. */
int ulvm_load(struct ulvm_client *c, struct ulvm_devid id, const char *table, bool read_only,
	      struct ulvm_info *info);
int ulvm_clear(struct ulvm_client *c, struct ulvm_devid id, struct ulvm_info *info);
/* ulvm_suspend flags. */
#define ULVM_SUSPEND_NOFLUSH  0x1u /* don't flush target queues and backing files */
#define ULVM_SUSPEND_NOLOCKFS 0x2u /* don't freeze a filesystem mounted on it */
int ulvm_suspend(struct ulvm_client *c, struct ulvm_devid id, unsigned flags,
		 struct ulvm_info *info);
int ulvm_resume(struct ulvm_client *c, struct ulvm_devid id, struct ulvm_info *info);
int ulvm_info(struct ulvm_client *c, struct ulvm_devid id, struct ulvm_info *info);
/* Blocks until the device's event counter differs from event_nr. */
int ulvm_wait(struct ulvm_client *c, struct ulvm_devid id, unsigned event_nr,
	      struct ulvm_info *info);
/* Sends a target message; *response (may be "") is the caller's to free.
 * `response` may be NULL to ignore it. */
int ulvm_message(struct ulvm_client *c, struct ulvm_devid id, uint64_t sector, const char *msg,
		 char **response);
/* Stops the daemon (refused with -EBUSY while a device is open, unless force). */
int ulvm_shutdown(struct ulvm_client *c, bool force);

/* Every device (only those whose live table uses `target` when not NULL),
 * sorted by name. */
struct ulvm_list {
	size_t count;
	struct ulvm_info dev[];
};
int ulvm_list(struct ulvm_client *c, const char *target, struct ulvm_list **out);

/* A table in TABLE form (ulvm_table) or INFO form (ulvm_status). */
struct ulvm_target {
	uint64_t start, length;
	const char *type;
	const char *params;
};
struct ulvm_table {
	size_t count;
	struct ulvm_target target[];
};
int ulvm_table(struct ulvm_client *c, struct ulvm_devid id, unsigned flags, struct ulvm_info *info,
	       struct ulvm_table **out);
int ulvm_status(struct ulvm_client *c, struct ulvm_devid id, unsigned flags, struct ulvm_info *info,
		struct ulvm_table **out);

/* The devices a table uses. `name` is the mapped device's name for a
 * stacked device, "" otherwise; `path` is the file or block device. */
struct ulvm_dep {
	unsigned major, minor;
	const char *path;
	const char *name;
};
struct ulvm_deps {
	size_t count;
	struct ulvm_dep dep[];
};
int ulvm_deps(struct ulvm_client *c, struct ulvm_devid id, unsigned flags, struct ulvm_info *info,
	      struct ulvm_deps **out);

/* Registered target types. */
struct ulvm_target_type {
	const char *name;
	unsigned version[3];
};
struct ulvm_targets {
	size_t count;
	struct ulvm_target_type type[];
};
int ulvm_targets(struct ulvm_client *c, struct ulvm_targets **out);

/* Fills `info` from a protocol info object (for callers of ulvm_call). */
int ulvm_info_from_json(json_object *obj, struct ulvm_info *info);

#endif
