#!/usr/bin/env bash
# Persistent snapshots survive the daemon: after a clean stop, and after
# kill -9 with writes acknowledged just before, the same tables loaded
# again give back every snapshot as it was (origin writes copied before
# they were acknowledged, snapshot writes, usage in status).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/snapshot.sh"
requires python3
start_daemon

make_stack 16
cow1=$(make_image cow1.img 20M)
cow2=$(make_image cow2.img 20M)
expect_ok dmsetup create cow2 --table "0 40960 linear $cow2 0"
tables() {
	expect_ok dmsetup create base --table "0 $sectors linear $base_img 0"
	expect_ok dmsetup create cow2 --table "0 40960 linear $cow2 0"
	expect_ok dmsetup create origin --table "0 $sectors snapshot-origin base"
	expect_ok dmsetup create snap1 --table "0 $sectors snapshot base $cow1 P 8"
	expect_ok dmsetup create snap2 --table "0 $sectors snapshot base cow2 P 32"
}
expect_ok dmsetup create snap1 --table "0 $sectors snapshot base $cow1 P 8"
expect_ok dmsetup create snap2 --table "0 $sectors snapshot base cow2 P 32"

# random_writes NAME SEED COUNT: scattered writes of 512 B to 64 KiB.
random_writes() {
	python3 - "$(dev_file "$1")" "$2" "$3" <<'PY' || fail "writes to $1"
import os, random, sys
r = random.Random(int(sys.argv[2]))
fd = os.open(sys.argv[1], os.O_WRONLY)
size = os.lseek(fd, 0, os.SEEK_END)
for _ in range(int(sys.argv[3])):
    n = r.randrange(1, 129) * 512
    os.pwrite(fd, r.randbytes(n), r.randrange(0, (size - n) // 512) * 512)
os.fsync(fd)
PY
}
random_writes origin 1 200
cp "$T/t0" "$T/snap1.want"
random_writes snap1 2 50
cp "$(dev_file snap1)" "$T/snap1.want"
random_writes origin 3 200
cp "$(dev_file origin)" "$T/origin.want"
expect_same "$(dev_file snap2)" "$T/t0" "snap2 before the restart"
u1=$(status_of snap1)
u2=$(status_of snap2)

expect_ok ulvmd --stop
start_daemon
tables
expect_eq "$(status_of snap1)" "$u1" "snap1 usage after a clean restart"
expect_eq "$(status_of snap2)" "$u2" "snap2 usage after a clean restart"
expect_same "$(dev_file snap1)" "$T/snap1.want" "snap1 after a clean restart"
expect_same "$(dev_file snap2)" "$T/t0" "snap2 after a clean restart"
expect_same "$(dev_file origin)" "$T/origin.want" "origin after a clean restart"

# Acknowledged writes, then kill -9.
random_writes origin 4 300
random_writes snap2 5 40
cp "$(dev_file origin)" "$T/origin.want"
cp "$(dev_file snap2)" "$T/snap2.want"
kill -9 "$(cat "$ULVM_RUN_DIR/ulvmd.pid")"
sleep 0.5
start_daemon
tables
expect_same "$(dev_file snap1)" "$T/snap1.want" "snap1 after kill -9"
expect_same "$(dev_file snap2)" "$T/snap2.want" "snap2 after kill -9"
expect_same "$(dev_file origin)" "$T/origin.want" "origin after kill -9"
expect_match "$(status_of snap1)" "^[0-9]+/40960 [0-9]+$" "snap1 status after kill -9"
for d in snap1 snap2 origin cow2 base; do expect_ok dmsetup remove $d; done
pass
