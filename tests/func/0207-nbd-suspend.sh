#!/usr/bin/env bash
# Suspend while clients write: their I/O waits (not failed) and completes
# after resume, with the data intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires nbdsh nbdcopy
start_daemon

img=$(make_image a.img 32M)
expect_ok dmsetup create lin --table "0 $((32 * 2048)) linear $img 0"

wait_for() { # wait_for FILE: up to 20 s
	for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.1; done
	fail "timed out waiting for $1"
}

head -c 1M /dev/urandom >"$T/chunk"
cat >"$T/writer.py" <<PY
import os, time
data = open("$T/chunk", "rb").read()
open("$T/up", "w").close()
while not os.path.exists("$T/suspended"):
    time.sleep(0.05)
c = h.aio_pwrite(nbd.Buffer.from_bytearray(bytearray(data)), 1 << 20, flags=nbd.CMD_FLAG_FUA)
end = time.time() + 1
while time.time() < end:
    h.poll(100)
assert h.aio_in_flight() == 1, "write completed while suspended"
open("$T/waited", "w").close()
while h.aio_in_flight():
    h.poll(1000)
h.aio_command_completed(c)
assert h.pread(len(data), 1 << 20) == data
print("write waited for resume and completed")
PY
nbd_py lin "exec(open('$T/writer.py').read())" >"$T/writer.out" 2>&1 &
writer=$!
wait_for "$T/up"
expect_ok dmsetup suspend lin
touch "$T/suspended"
wait_for "$T/waited"
expect_ok dmsetup resume lin
wait "$writer" || fail "writer: $(cat "$T/writer.out")"
cat "$T/writer.out"
cmp -s "$T/chunk" <(dd if="$img" bs=1M skip=1 count=1 status=none) ||
	fail "image does not hold the data written across the suspend"

# A whole copy with a suspend/resume in the middle.
data=$(random_file data 32)
nbdcopy --requests=16 "$data" "$(nbd_uri lin)" &
copy=$!
sleep 0.2
expect_ok dmsetup suspend lin
sleep 1
expect_ok dmsetup resume lin
wait "$copy" || fail "nbdcopy across suspend/resume failed"
cmp -s "$data" "$img" || fail "image differs after a copy across suspend/resume"
pass
