#!/usr/bin/env bash
# An NBD connection holds its device open (open count, plain remove is
# refused); `dmsetup remove -f` kicks the connection: an idle client and a
# client writing in a loop both get an error or a hang-up, promptly, and
# the daemon carries on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires nbdsh
start_daemon

img=$(make_image a.img 16M)
expect_ok dmsetup create lin --table "0 $((16 * 2048)) linear $img 0"

wait_for() { # wait_for FILE: up to 20 s
	for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.1; done
	fail "timed out waiting for $1"
}

cat >"$T/idle.py" <<PY
import os, time
h.pread(4096, 0)
open("$T/idle.up", "w").close()
while not os.path.exists("$T/removed"):
    time.sleep(0.05)
try:
    h.pread(4096, 0)
except nbd.Error as e:
    print("idle client error:", e)
else:
    raise SystemExit("read after forced removal succeeded")
PY
cat >"$T/busy.py" <<PY
import time
open("$T/busy.up", "w").close()
end = time.time() + 30
try:
    while time.time() < end:
        h.pwrite(bytes(65536), 0)
except nbd.Error as e:
    print("busy client error:", e)
else:
    raise SystemExit("writes went on after forced removal")
PY
nbd_py lin "exec(open('$T/idle.py').read())" >"$T/idle.out" 2>&1 &
idle=$!
nbd_py lin "exec(open('$T/busy.py').read())" >"$T/busy.out" 2>&1 &
busy=$!
wait_for "$T/idle.up"
wait_for "$T/busy.up"

out=$(dmsetup info lin) || fail "dmsetup info"
expect_match "$out" "Open count: *2" "open count with two NBD clients"
expect_fail dmsetup remove lin
expect_ok dmsetup remove -f lin
touch "$T/removed"
wait "$idle" || fail "idle client: $(cat "$T/idle.out")"
wait "$busy" || fail "busy client: $(cat "$T/busy.out")"
cat "$T/idle.out" "$T/busy.out"

kill -0 "$(cat "$ULVM_RUN_DIR/ulvmd.pid")" || fail "ulvmd died"
expect_fail nbdinfo "$(nbd_uri lin)"
expect_ok dmsetup create lin --table "0 2048 linear $img 0"
expect_eq "$(nbdinfo --size "$(nbd_uri lin)")" $((2048 * 512)) "size of the new lin"
pass
