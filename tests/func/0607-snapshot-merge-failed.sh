#!/usr/bin/env bash
# A merge whose COW cannot be read stops with the kernel's status "Merge
# failed" (the COW device is switched to the error target between the
# load of snapshot-merge and its resume); chunks the store does not hold
# still read from the origin. With the COW back, the same table loaded
# again merges to the end: the origin holds the snapshot's data.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
. "$(dirname "$0")/snapshot.sh"
start_daemon

make_stack 16
cow_img=$(make_image cow.img 8M)
cow_sectors=16384
expect_ok dmsetup create cow --table "0 $cow_sectors linear $cow_img 0"
expect_ok dmsetup create snap --table "0 $sectors snapshot base cow P 8"
head -c 2000000 /dev/urandom >"$T/w1"
write_at "$(dev_file origin)" 0 "$T/w1"
expect_same "$(dev_file snap)" "$T/t0" "snapshot before the merge"

expect_ok dmsetup remove snap
expect_ok dmsetup suspend origin
expect_ok dmsetup load origin --table "0 $sectors snapshot-merge base cow P 8"
expect_ok dmsetup load cow --table "0 $cow_sectors error"
expect_ok dmsetup suspend cow
expect_ok dmsetup resume cow
expect_ok dmsetup resume origin
for _ in $(seq 100); do
	[ "$(status_of origin)" = "Merge failed" ] && break
	sleep 0.1
done
expect_eq "$(status_of origin)" "Merge failed" "status after a COW read error"
# Past the written 2 MB nothing was copied: those chunks read the origin.
cmp -s <(bytes_at "$(dev_file origin)" 4194304 4194304) <(bytes_at "$T/t0" 4194304 4194304) ||
	fail "chunks outside the store after the failed merge"

# The COW comes back; the merge table loaded again runs to the end.
expect_ok dmsetup load cow --table "0 $cow_sectors linear $cow_img 0"
expect_ok dmsetup suspend cow
expect_ok dmsetup resume cow
table_reloads origin
wait_merged origin
expect_same "$(dev_file origin)" "$T/t0" "origin after the restarted merge"
expect_same "$base_img" "$T/t0" "base image after the restarted merge"
pass
