#!/usr/bin/env bash
# Hostile and broken clients (raw sockets, see nbd-hostile.py): bad
# magic, unknown options and flags, oversized options and writes, commands
# before the handshake ends, disconnects mid-request. Meanwhile idle and
# half-sent connections stay open; afterwards normal clients still work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires nbdinfo nbdcopy python3
start_daemon

img=$(make_image a.img 16M)
expect_ok dmsetup create lin --table "0 $((16 * 2048)) linear $img 0"

# Idle and half-sent connections that must not hold anybody up.
python3 - "$NBD_SOCK" <<'PY' &
import socket, sys, time
socks = []
for i in range(20):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); socks.append(s)
socks[0].sendall(b"\0\0\0\3IHAVE")  # half an option header, then nothing
time.sleep(30)
PY
idle=$!
at_cleanup "kill $idle"

out=$(timeout 120 python3 "$(dirname "$0")/nbd-hostile.py" "$NBD_SOCK" lin 2>&1) ||
	fail "hostile clients: $out"
echo "$out"

kill -0 "$(cat "$ULVM_RUN_DIR/ulvmd.pid")" || fail "ulvmd died"
expect_eq "$(nbdinfo --size "$(nbd_uri lin)")" $((16 * 2048 * 512)) "size after hostile clients"
data=$(random_file data 16)
expect_ok nbdcopy "$data" "$(nbd_uri lin)"
cmp -s "$data" "$img" || fail "copy after hostile clients differs"
pass
