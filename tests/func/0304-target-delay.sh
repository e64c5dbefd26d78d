#!/usr/bin/env bash
# delay holds ios back for at least the given time (only lower bounds are
# checked: machines are slow sometimes, never fast), sends each class to
# its device, counts queued ios in status and releases them on suspend.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
requires python3
start_daemon

img=$(make_image img 4M)
head -c 4M /dev/urandom >"$img"
w=$(make_image w.img 4M)

# elapsed NAME PYTHON_OP: seconds one op on export NAME takes.
elapsed() {
	nbdpy "$1" "
import time
t = time.monotonic()
$2
print(f'{time.monotonic() - t:.3f}')"
}
at_least() { # at_least SECONDS MIN WHAT
	python3 -c "import sys; sys.exit(0 if $1 >= $2 else 1)" || fail "$3 took ${1}s, less than ${2}s"
}

expect_ok dmsetup create d --table "0 8192 delay $img 0 300"
expect_eq "$(dmsetup table d)" "0 8192 delay $img 0 300" "3-argument table"
expect_eq "$(dmsetup status d)" "0 8192 delay 0 0 0" "idle status"
at_least "$(elapsed d 'h.pread(4096, 0)')" 0.3 "a read delayed 300 ms"
at_least "$(elapsed d 'h.pwrite(bytes(4096), 0)')" 0.3 "a write delayed 300 ms"
at_least "$(elapsed d 'h.flush()')" 0.3 "a flush delayed 300 ms"
table_reloads d
expect_ok dmsetup remove d

# Reads from img undelayed, writes and flushes to w.img at sector 16
# after 250 ms.
expect_ok dmsetup create d6 --table "0 8000 delay $img 0 0 $w 16 250"
nbdpy d6 "assert h.pread(4096, 4096) == open('$img', 'rb').read()[4096:8192]" ||
	fail "reads go to the read device"
head -c 4096 /dev/urandom >"$T/block"
at_least "$(elapsed d6 "h.pwrite(open('$T/block', 'rb').read(), 0)")" 0.25 "a delayed write"
expect_same_bytes "$T/block" 0 "$w" $((16 * 512)) 4096 "write sent to the write device"
table_reloads d6

# 9 arguments: only flushes are delayed.
expect_ok dmsetup create d9 --table "0 8000 delay $img 0 0 $w 0 0 $img 0 400"
at_least "$(elapsed d9 'h.flush()')" 0.4 "a flush delayed 400 ms"
table_reloads d9

# Status counts an io while it waits; suspend releases it at once and the
# io still completes with the right data.
# The delay is long and the poll patient: under load (ASan, a busy
# machine) the python client may take seconds to connect and send.
expect_ok dmsetup create slow --table "0 8192 delay $img 0 60000"
nbdpy slow "assert h.pread(4096, 0) == open('$img', 'rb').read()[:4096]" &
reader=$!
for _ in $(seq 300); do
	[ "$(dmsetup status slow)" = "0 8192 delay 1 0 0" ] && break
	sleep 0.1
done
expect_eq "$(dmsetup status slow)" "0 8192 delay 1 0 0" "status with one read queued"
expect_ok dmsetup suspend slow
expect_eq "$(dmsetup status slow)" "0 8192 delay 0 0 0" "status after suspend"
expect_ok dmsetup resume slow
wait "$reader" || fail "the read released by suspend failed"

expect_fail dmsetup create bad --table "0 100 delay $img 0"
expect_match "$ERR" "3, 6 or 9 arguments" "error for 2 arguments"
expect_fail dmsetup create bad --table "0 100 delay $img 0 10ms"
expect_match "$ERR" "invalid delay" "error for delay 10ms"
pass
