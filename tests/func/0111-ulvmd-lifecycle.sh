#!/usr/bin/env bash
# ulvmd's life: one daemon per run dir, SIGTERM shuts down cleanly (data
# flushed, sockets, pid file, FUSE mount and loops gone), --stop without a
# daemon fails clearly, --foreground runs until signalled.
. "$(dirname "$0")/lib.sh"
requires nbdcopy

start_daemon
expect_fail ulvmd
expect_match "$ERR" "already running for '$ULVM_RUN_DIR' \(pid [0-9]+\)" "second ulvmd"
pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid")

img=$(make_image a.img 64M)
data=$(random_file data 16)
expect_ok dmsetup create lin --table "0 131072 linear $img 0"
expect_ok nbdcopy "$data" "$(nbd_uri lin)"

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "ulvmd still running 10 s after SIGTERM"
for f in ulvmd.pid control nbd.sock; do
	[ -e "$ULVM_RUN_DIR/$f" ] && fail "'$f' left behind after SIGTERM"
done
grep -q " $ULVM_RUN_DIR/dev " /proc/mounts && fail "FUSE mount left behind after SIGTERM"
losetup -n -O BACK-FILE | grep -q "^$ULVM_RUN_DIR/" && fail "loop device left behind"
cmp -n $((16 << 20)) "$data" "$img" || fail "data written before SIGTERM is not in the image"

expect_fail ulvmd --stop
expect_match "$ERR" "no daemon running for '$ULVM_RUN_DIR'" "--stop without a daemon"

ulvmd --foreground >"$T/fg.log" 2>&1 &
fg=$!
at_cleanup "kill $fg"
for _ in $(seq 100); do [ -S "$ULVM_RUN_DIR/control" ] && break; sleep 0.1; done
expect_ok dmsetup ls
kill -TERM "$fg"
wait "$fg" || fail "ulvmd --foreground exited with $? after SIGTERM"
pass
