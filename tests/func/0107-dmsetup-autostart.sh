#!/usr/bin/env bash
# The first tool that needs ulvmd starts it (the ulvmd next to the tool,
# or $ULVM_DAEMON); a second ulvmd refuses to start; tools started at the
# same time share one daemon; ulvmd --stop refuses while a device is open.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"

[ -S "$ULVM_RUN_DIR/control" ] && fail "a daemon before the test"
expect_eq "$(dmsetup ls)" "No devices found" "ls on first use"
[ -S "$ULVM_RUN_DIR/control" ] || fail "no control socket after the first use"
pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid") || fail "no pid file"
kill -0 "$pid" || fail "daemon $pid not running"

# A second daemon for the same run dir refuses, naming the first.
ERR=$(ulvmd 2>&1) && fail "a second ulvmd started"
expect_re "$ERR" "already running.*$pid" "second ulvmd"
expect_eq "$(cat "$ULVM_RUN_DIR/ulvmd.pid")" "$pid" "pid file after the refused start"
expect_ok dmsetup version
expect_re "$(dmsetup version)" $'^Library version:   [0-9.]+ \\(ulvm\\)\nDriver version:    1\\.[0-9]+\\.[0-9]+ ' "version"

# ulvmd --stop refuses while a device is open (a FUSE open), unless forced.
expect_ok dmsetup create held --table "0 8 zero"
if [ -e "$ULVM_RUN_DIR/dev/held" ]; then
	exec 3<"$ULVM_RUN_DIR/dev/held"
	expect_eq "$(info_field held open)" 1 "open count with the file open"
	ERR=$(ulvmd --stop 2>&1) && fail "ulvmd --stop succeeded with a device open"
	expect_re "$ERR" "held.*open" "stop refused"
	expect_error "'held' is busy" dmsetup remove held
	expect_ok dmsetup remove -f held
	expect_no_device held
	exec 3<&-
else
	expect_ok dmsetup remove held
fi
expect_ok ulvmd --stop
[ -S "$ULVM_RUN_DIR/control" ] && fail "control socket left after --stop"

# Several tools at once: all succeed, one daemon serves them.
for i in 1 2 3 4; do dmsetup create "d$i" --table "0 8 zero" >"$T/out$i" 2>&1 & done
wait
for i in 1 2 3 4; do [ -s "$T/out$i" ] && fail "concurrent start $i: $(cat "$T/out$i")"; done
expect_eq "$(dmsetup ls | wc -l)" 4 "devices made by concurrent first uses"
expect_ok ulvmd --stop --force

# Through the multi-call binary, and with $ULVM_DAEMON.
expect_eq "$(ulvm dmsetup ls)" "No devices found" "ulvm dmsetup on first use"
expect_ok ulvmd --stop
ULVM_DAEMON="$ULVM_BIN/ulvmd" expect_ok dmsetup targets
expect_ok ulvmd --stop
ERR=$(ULVM_DAEMON=/nonexistent/ulvmd dmsetup ls 2>&1) && fail "ls with a missing daemon binary"
expect_re "$ERR" "^dmsetup: cannot start ulvmd '/nonexistent/ulvmd'" "missing daemon binary"
pass
