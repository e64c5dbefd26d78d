#!/usr/bin/env bash
# flakey: up then down from load time; while down, no features fails all
# io, drop_writes swallows writes, error_writes fails them, error_reads
# fails reads, corrupt_bio_byte changes one byte of reads or (a copy of)
# writes. Intervals of 0 up make the device down from the start, so the
# checks do not depend on timing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
requires python3
start_daemon

img=$(make_image img 4M)
head -c 4M /dev/urandom >"$img"
cp "$img" "$T/orig"
read0="assert h.pread(4096, 0) == open('$T/orig', 'rb').read()[:4096]"
new="open('$T/new', 'rb').read()"
head -c 4096 /dev/urandom >"$T/new"

# Up for an hour: plain linear.
expect_ok dmsetup create up --table "0 8192 flakey $img 0 3600 1"
nbdpy up "$read0" || fail "read while up"
expect_eq "$(dmsetup table up)" "0 8192 flakey $img 0 3600 1 2 error_reads error_writes" \
	"default features in the table"
expect_eq "$(dmsetup status up)" "0 8192 flakey " "status"
table_reloads up
expect_ok dmsetup remove up

# Down, no features: everything fails.
expect_ok dmsetup create f --table "0 8192 flakey $img 0 0 3600"
nbdpy f "h.pread(4096, 0)" >/dev/null 2>&1 && fail "read while down succeeded"
nbdpy f "h.pwrite($new, 0)" >/dev/null 2>&1 && fail "write while down succeeded"
cmp -s "$img" "$T/orig" || fail "a failed write changed the image"
expect_ok dmsetup remove f

# drop_writes: the write succeeds but the image keeps its old data.
expect_ok dmsetup create f --table "0 8192 flakey $img 0 0 3600 1 drop_writes"
nbdpy f "h.pwrite($new, 0); h.flush()" || fail "write while dropping"
nbdpy f "$read0" || fail "read while dropping writes"
cmp -s "$img" "$T/orig" || fail "drop_writes stored data"
table_reloads f
expect_ok dmsetup remove f

# error_writes: writes fail, reads work.
expect_ok dmsetup create f --table "0 8192 flakey $img 0 0 3600 1 error_writes"
nbdpy f "h.pwrite($new, 0)" >/dev/null 2>&1 && fail "write succeeded with error_writes"
nbdpy f "$read0" || fail "read with error_writes"
cmp -s "$img" "$T/orig" || fail "error_writes stored data"
expect_ok dmsetup remove f

# error_reads: reads fail, writes land.
expect_ok dmsetup create f --table "0 8192 flakey $img 0 0 3600 1 error_reads"
nbdpy f "h.pread(4096, 0)" >/dev/null 2>&1 && fail "read succeeded with error_reads"
nbdpy f "h.pwrite($new, 8192)" || fail "write with error_reads"
expect_same_bytes "$T/new" 0 "$img" 8192 4096 "write landed with error_reads"
expect_ok dmsetup remove f
cp "$T/orig" "$img"

# corrupt_bio_byte on reads: byte 1 of what is read becomes 0xff (only
# the first byte of each io, and the image stays intact).
expect_ok dmsetup create f --table "0 8192 flakey $img 0 0 3600 5 corrupt_bio_byte 1 r 255 0"
nbdpy f "
want = bytearray(open('$T/orig', 'rb').read()[:512])
want[0] = 255
assert h.pread(512, 0) == bytes(want)" || fail "read not corrupted at byte 1"
cmp -s "$img" "$T/orig" || fail "corrupting reads changed the image"
table_reloads f
expect_ok dmsetup remove f

# corrupt_bio_byte on writes: byte 3 stored as 0x00, the rest as sent.
expect_ok dmsetup create f --table "0 8000 flakey $img 8 0 3600 5 corrupt_bio_byte 3 w 0 0"
nbdpy f "h.pwrite($new[:512], 0)" || fail "corrupted write"
python3 - "$T/new" "$img" <<'PY' || fail "write not corrupted at byte 3 exactly"
import sys
sent = bytearray(open(sys.argv[1], "rb").read()[:512])
sent[2] = 0
with open(sys.argv[2], "rb") as f:
    f.seek(8 * 512)
    assert f.read(512) == bytes(sent)
PY
expect_ok dmsetup remove f

# The cycle: up 1 s, down 1 s from load. Within a few seconds reads must
# go ok -> failing -> ok (no upper bound on when exactly).
expect_ok dmsetup create cyc --table "0 8192 flakey $img 0 1 1"
nbdpy cyc "
import time
states = []
end = time.monotonic() + 8
while time.monotonic() < end and states[-3:] != ['ok', 'err', 'ok']:
    try:
        h.pread(512, 0)
        s = 'ok'
    except nbd.Error:
        s = 'err'
    if not states or states[-1] != s:
        states.append(s)
    time.sleep(0.05)
assert states[-3:] == ['ok', 'err', 'ok'], states" || fail "flakey 1 1 did not cycle up, down, up"
expect_ok dmsetup remove cyc

expect_fail dmsetup create bad --table "0 100 flakey $img 0 1 1 2 drop_writes error_writes"
expect_match "$ERR" "conflicts with feature drop_writes" "error for drop_writes + error_writes"
expect_fail dmsetup create bad --table "0 100 flakey $img 0 0 0"
expect_match "$ERR" "interval is zero" "error for 0 0"
pass
