#!/usr/bin/env bash
# A merge survives kill -9 of ulvmd: the store records its progress (the
# merged entries are cleared from the table on disk), so after a restart
# and the same tables the merge goes on from where it was and ends with the
# origin equal to the snapshot. The COW sits on a delay device during the
# merge so that it is slow enough to be killed in the middle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/snapshot.sh"
requires python3
start_daemon

make_stack 8
cow_img=$(make_image cow.img 8M)
cow_sectors=$((8 * 2048))
expect_ok dmsetup create cow --table "0 $cow_sectors linear $cow_img 0"
expect_ok dmsetup create snap --table "0 $sectors snapshot base cow P 8"
# Every other 4 KiB chunk changes on the origin: no two exceptions are
# consecutive, so the merge takes one chunk per step.
python3 - "$(dev_file origin)" <<'PY' || fail "origin writes"
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
for k in range(0, 2048, 2):
    os.pwrite(fd, os.urandom(4096), k * 4096)
os.fsync(fd)
os.close(fd)
PY
expect_same "$(dev_file snap)" "$T/t0" "snapshot before the merge"
expect_ok dmsetup remove snap

# Slow COW, then the merge.
expect_ok dmsetup suspend cow
expect_ok dmsetup load cow --table "0 $cow_sectors delay $cow_img 0 5"
expect_ok dmsetup resume cow
expect_ok dmsetup suspend origin
expect_ok dmsetup load origin --table "0 $sectors snapshot-merge base cow P 8"
expect_ok dmsetup resume origin
start=$(status_of origin)
allocated() { status_of origin | cut -d/ -f1; }
for _ in $(seq 100); do
	[ "$(allocated)" -lt $(("${start%%/*}" - 200)) ] && break
	sleep 0.1
done
mid=$(allocated)
[ "$mid" -lt "${start%%/*}" ] || fail "no merge progress before the kill ($start)"
kill -9 "$(cat "$ULVM_RUN_DIR/ulvmd.pid")"
sleep 0.5
echo "killed at $mid of ${start%%/*} sectors"

start_daemon
expect_ok dmsetup create base --table "0 $sectors linear $base_img 0"
expect_ok dmsetup create cow --table "0 $cow_sectors delay $cow_img 0 1"
expect_ok dmsetup create origin --table "0 $sectors snapshot-merge base cow P 8"
again=$(status_of origin | cut -d/ -f1)
echo "restarted at $again sectors"
[ "$again" -lt "${start%%/*}" ] || fail "the merge started over ($again of $start)"
expect_same "$(dev_file origin)" "$T/t0" "origin while the merge goes on"
wait_merged origin
expect_same "$(dev_file origin)" "$T/t0" "origin after the merge"
expect_same "$base_img" "$T/t0" "base image after the merge"
for d in origin cow base; do expect_ok dmsetup remove $d; done
pass
