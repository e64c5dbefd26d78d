/* The control socket server: docs/control-protocol.md. */
#ifndef ULVM_DAEMON_CONTROL_H
#define ULVM_DAEMON_CONTROL_H

#include <stdbool.h>

/* Listens on `path` (mode 0600) and serves each connection on its own
 * thread. `on_shutdown` is called (from a control thread) when a client
 * asks the daemon to exit and the request was accepted. */
int control_start(const char *path, void (*on_shutdown)(void));
void control_stop(void);

/* Removes every device, topmost first. Without force, refuses (EBUSY,
 * message set) when a device is open, before removing anything. Returns
 * the number removed or a negative errno. */
int control_remove_all(bool force);

#endif
