#!/usr/bin/env bash
# dmsetup wait blocks until the device's event counter moves past the
# number given, and returns at once when it already has. The event comes
# from striped: an io failing on a leg (an `error` device) raises one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon

a=$(make_image a.img 8M)
expect_ok dmsetup create bad --table "0 1024 error"
expect_ok dmsetup create s --table "0 2048 striped 2 8 $a 0 bad 0"
file="$ULVM_RUN_DIR/dev/s"
[ -e "$file" ] || skip "no FUSE file for the device ('$file'): cannot make an io"
expect_eq "$(info_field s events)" 0 "events before"

dmsetup wait s 0 >"$T/wait.out" 2>&1 &
waiter=$!
at_cleanup "kill $waiter"
sleep 0.5
kill -0 "$waiter" 2>/dev/null || fail "wait returned before any event: $(cat "$T/wait.out")"

# Sectors 8..15 are the first chunk of the second leg: 'bad'.
dd if="$file" of=/dev/null bs=4096 skip=1 count=1 iflag=direct 2>/dev/null &&
	fail "read from the error leg succeeded"
for _ in $(seq 50); do kill -0 "$waiter" 2>/dev/null || break; sleep 0.1; done
kill -0 "$waiter" 2>/dev/null && fail "wait did not return after the event"
wait "$waiter" || fail "wait failed: $(cat "$T/wait.out")"
events=$(info_field s events)
[ "$events" -ge 1 ] || fail "event counter did not move: $events"

# The counter already differs: no blocking; -v shows the info.
expect_ok timeout 5 dmsetup wait s 0
expect_re "$(timeout 5 dmsetup wait -v s 0)" "Event number:      $events" "wait -v"
expect_error "invalid event number 'x'" dmsetup wait s x
expect_error "device 'nosuch' not found" dmsetup wait nosuch

expect_ok dmsetup remove s
expect_ok dmsetup remove bad
pass
