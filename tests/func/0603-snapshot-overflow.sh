#!/usr/bin/env bash
# A store filled to exactly 100 % stays valid; one chunk more invalidates
# the snapshot: its I/O fails, status says Invalid, the header's valid
# flag is 0 on disk, its event counter moves, and the origin loses
# nothing. With PO a snapshot write that does not fit is refused and the
# status says Overflow, the snapshot staying readable. Neither target
# takes a dmsetup message (the kernel's have none).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/snapshot.sh"
start_daemon

make_stack 8
# 12 chunks of 4 KiB: header, area 0 and 10 data chunks.
cow=$(make_image cow.img $((12 * 4096)))
expect_ok dmsetup create snap --table "0 $sectors snapshot base $cow P 8"
expect_eq "$(status_of snap)" "16/96 16" "empty store"
# The kernel's snapshot targets take no messages.
for d in snap origin; do
	expect_fail dmsetup message $d 0 anything
	expect_match "$ERR" "does not take messages" "dmsetup message to $d"
done
cp "$T/t0" "$T/origin.want"
head -c 4096 /dev/urandom >"$T/block"
for i in $(seq 0 9); do
	write_at "$(dev_file origin)" $((i * 3 * 4096)) "$T/block"
	write_at "$T/origin.want" $((i * 3 * 4096)) "$T/block"
done
expect_eq "$(status_of snap)" "96/96 16" "store full to the last chunk"
expect_same "$(dev_file snap)" "$T/t0" "snapshot at 100 %"
events=$(event_nr snap)

write_at "$(dev_file origin)" $((40 * 4096)) "$T/block"
write_at "$T/origin.want" $((40 * 4096)) "$T/block"
expect_eq "$(status_of snap)" "Invalid" "status one chunk past full"
expect_same "$(dev_file origin)" "$T/origin.want" "origin after the overflow"
expect_same "$base_img" "$T/origin.want" "base image after the overflow"
dd if="$(dev_file snap)" of=/dev/null bs=4k count=1 status=none 2>/dev/null &&
	fail "a read of an invalid snapshot succeeded"
[ "$(event_nr snap)" -gt "$events" ] || fail "no event on invalidation"
for _ in $(seq 50); do
	[ "$(od -An -tx4 -j4 -N4 "$cow" | tr -d ' ')" = 00000000 ] && break
	sleep 0.1
done
expect_eq "$(od -An -tx4 -j4 -N4 "$cow" | tr -d ' ')" 00000000 "valid flag on disk"
# Later origin writes go on without it.
write_at "$(dev_file origin)" 0 "$T/block"
write_at "$T/origin.want" 0 "$T/block"
expect_same "$(dev_file origin)" "$T/origin.want" "origin after more writes"
# Reloaded from disk, it stays invalid.
expect_ok dmsetup remove snap
expect_ok dmsetup create snap --table "0 $sectors snapshot base $cow P 8"
expect_eq "$(status_of snap)" "Invalid" "status of the reloaded invalid store"
expect_ok dmsetup remove snap

# PO: snapshot writes that do not fit are refused, the store stays valid.
cow_o=$(make_image cow_o.img $((12 * 4096)))
expect_ok dmsetup create snap_o --table "0 $sectors snapshot base $cow_o PO 8"
cp "$T/origin.want" "$T/snap_o.want"
for i in $(seq 0 9); do
	write_at "$(dev_file snap_o)" $((i * 4096)) "$T/block"
	write_at "$T/snap_o.want" $((i * 4096)) "$T/block"
done
expect_eq "$(status_of snap_o)" "96/96 16" "PO store full"
dd if="$T/block" of="$(dev_file snap_o)" bs=4k seek=20 conv=notrunc,fsync status=none \
	2>/dev/null && fail "a write past a full PO store succeeded"
expect_eq "$(status_of snap_o)" "Overflow" "PO status"
expect_same "$(dev_file snap_o)" "$T/snap_o.want" "PO snapshot still readable"
expect_eq "$(od -An -tx4 -j4 -N4 "$cow_o" | tr -d ' ')" 00000001 "PO valid flag"
expect_ok dmsetup remove snap_o
expect_same "$(dev_file origin)" "$T/origin.want" "origin at the end"
pass
