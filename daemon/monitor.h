/* ulvmd's event monitoring (what dmeventd does for LVM2): extends a
 * filling snapshot before it overflows. */
#ifndef ULVM_DAEMON_MONITOR_H
#define ULVM_DAEMON_MONITOR_H

/* Starts the monitor thread. `tool` is the `ulvm` binary it runs for
 * extensions. Returns 0 or a negative errno with the message set. */
int monitor_start(const char *tool);
void monitor_stop(void);

#endif
