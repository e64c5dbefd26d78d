#!/usr/bin/env bash
# lvextend of an active snapshot's store: the -cow layer is reloaded under
# the suspended snapshot, Data% drops, the snapshot takes more changes
# than its old size held and stays valid with the old bytes. An active
# origin with snapshots cannot be resized (LVM2's message). PVs named
# after the origin hold the store (`lvcreate -s ... vg/lv PV`, with -l
# N%PVS counted on them), as LVM2 allocates it. -l N%ORIGIN sizes a
# store by its origin, and a store grows no further than the origin can
# fill: LVM2 2.03.16's messages ("Reached maximum COW size", "unchanged").
# lvremove of the origin asks once while it is active, not when inactive.
# LVM2's refusals of a store under 3 chunks and of a merge into a
# read-only origin.
. "$(dirname "$0")/lib.sh"
requires losetup
[ "$(id -u)" = 0 ] || skip "needs root for the loop block device"

a=$(make_image a.img 200M)
expect_ok pvcreate "$a"
expect_ok vgcreate vg "$a"
expect_ok lvcreate -L 40M -n lv vg
dev="$ULVM_RUN_DIR/dev/vg-lv"
head -c 40M /dev/urandom >"$T/t0"
dd if="$T/t0" of="$dev" bs=1M conv=notrunc,fsync status=none || fail "fill origin"
expect_ok lvcreate -s -L 8M -n snap vg/lv
head -c 6M /dev/urandom | dd of="$dev" bs=1M seek=0 conv=notrunc,fsync status=none
p1=$(lvs --noheadings -o data_percent vg/snap | tr -d ' ')
out=$(lvextend -L +16M vg/snap 2>&1) || fail "lvextend: $out"
expect_match "$out" "Logical volume vg/snap successfully resized."
expect_match "$(dmsetup table vg-snap-cow)" "^0 49152 linear " "cow layer after lvextend"
expect_match "$(dmsetup table vg-snap)" "^0 81920 snapshot vg-lv-real vg-snap-cow P 8$" "snapshot table"
p2=$(lvs --noheadings -o data_percent vg/snap | tr -d ' ')
awk -v a="$p1" -v b="$p2" 'BEGIN { exit !(b < a / 2) }' || fail "Data% $p1 -> $p2"
head -c 10M /dev/urandom | dd of="$dev" bs=1M seek=20 conv=notrunc,fsync status=none
expect_match "$(lvs --noheadings -o lv_attr vg/snap | tr -d ' ')" "^swi-a-s---$" "still valid"
cmp -s "$ULVM_RUN_DIR/dev/vg-snap" "$T/t0" || fail "snapshot lost its bytes"
expect_fail lvextend -L +4M vg/lv
expect_match "$ERR" "Snapshot origin volumes can be resized only while inactive: try lvchange -an."
out=$(lvextend -l 100%ORIGIN vg/snap 2>&1) || fail "lvextend 100%ORIGIN: $out"
expect_match "$out" "changed from 24.00 MiB \(6 extents\) to 40.00 MiB \(10 extents\)\." "100%ORIGIN"
out=$(lvextend -L +100M vg/snap 2>&1) || fail "lvextend past the maximum: $out"
expect_eq "$out" "  Reached maximum COW size 44.00 MiB (11 extents).
  Size of logical volume vg/snap changed from 40.00 MiB (10 extents) to 44.00 MiB (11 extents).
  Logical volume vg/snap successfully resized." "lvextend past the maximum"
expect_match "$(dmsetup table vg-snap-cow)" "^0 90112 linear " "cow layer at the maximum"
out=$(lvextend -L +4M vg/snap 2>&1) || fail "lvextend at the maximum: $out"
expect_eq "$out" "  Reached maximum COW size 44.00 MiB (11 extents).
  Size of logical volume vg/snap unchanged from 44.00 MiB (11 extents).
  Logical volume vg/snap successfully resized." "lvextend at the maximum"
cmp -s "$ULVM_RUN_DIR/dev/vg-snap" "$T/t0" || fail "snapshot lost its bytes after the extends"
expect_ok lvcreate -L 4M -n plain vg
expect_fail lvextend -l +10%ORIGIN vg/plain
expect_eq "$ERR" "  Specified LV does not have an origin LV." "%ORIGIN of an LV without origin"
b=$(make_image b.img 64M)
expect_ok vgextend vg "$b"
expect_ok lvcreate -s -L 8M -n s2 vg/lv "$b"
expect_eq "$(lvs --noheadings -o devices vg/s2 | tr -d ' ')" "$b(0)" "store of s2 on the named PV"
free_b=$(pvs --noheadings -o pv_free --units m --nosuffix "$b" | tr -d ' ')
expect_ok lvcreate -s -l 50%PVS -n s3 vg/lv "$b"
expect_eq "$(lvs --noheadings -o devices vg/s3 | tr -d ' ')" "$b(2)" "store of s3 on the named PV"
expect_eq "$(lvs --noheadings -o lv_size --units m --nosuffix vg/s3 | tr -d ' ')" \
	"$(awk -v f="$free_b" 'BEGIN { printf "%.2f", int(f / 4 / 2) * 4 }')" "50%PVS of $b"
expect_fail lvcreate -s -L 8M -n s4 vg/lv "$b:0-0"
expect_match "$ERR" "Insufficient suitable allocatable extents for logical volume s4"
# lvremove of an origin, as LVM2: one question while it is active ('n'
# keeps everything), none once it is inactive; its snapshots go with it.
out=$(echo n | lvremove vg/lv 2>&1) && fail "lvremove answered 'n' succeeded"
expect_match "$out" "Do you really want to remove active origin logical volume vg/lv with 3 snapshots\(s\)\? \[y/n\]: " \
	"lvremove question"
expect_match "$out" "Logical volume vg/lv not removed\."
expect_eq "$(lvs --noheadings -o lv_name vg | tr -d ' ' | sort | tr '\n' ' ')" "lv plain s2 s3 snap " \
	"LVs after 'n'"
expect_ok lvchange -an vg/lv
out=$(lvremove vg/lv </dev/null 2>&1) || fail "lvremove of the inactive origin: $out"
expect_eq "$out" '  Logical volume "snap" successfully removed.
  Logical volume "s2" successfully removed.
  Logical volume "s3" successfully removed.
  Logical volume "lv" successfully removed.' "lvremove of the inactive origin"
expect_eq "$(lvs --noheadings -o lv_name vg | tr -d ' ')" "plain" "LVs left"

# LVM2 2.03.16's refusals: a store under 3 chunks, merging into a
# read-only origin.
c=$(make_image c.img 16M)
expect_ok vgcreate -s 256k vs "$c"
expect_ok lvcreate -an -L 4M -n o vs
expect_fail lvcreate -s -l 1 -c 128k -n x vs/o
expect_eq "$ERR" "  Snapshot volume cannot be smaller than 3 chunks (2 extents, 384.00 KiB)." \
	"store under 3 chunks"
expect_ok lvcreate -s -l 2 -c 128k -n x vs/o
expect_ok lvchange -an vs/o
expect_ok lvchange -pr vs/o
expect_fail lvconvert --merge vs/x
expect_eq "$ERR" "  Cannot merge snapshot vs/x into the read-only origin vs/o. (Use lvchange -p rw)." \
	"merge into a read-only origin"
pass
