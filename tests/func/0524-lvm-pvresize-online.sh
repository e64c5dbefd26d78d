#!/usr/bin/env bash
# pvresize: grows a PV to its grown device, shrinks it with
# --setphysicalvolumesize, refuses to drop allocated extents, updates an
# orphan's label; an active LV resized online (ulvmd reloads, the block
# device follows) keeps its data; reducing an active LV asks first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/resize.sh"
requires_blockdev
make_loops 64M A B C
expect_ok pvcreate "$A" "$B" "$C"
expect_ok vgcreate -s 4m vg "$A" "$B"
expect_ok lvcreate -an -l 10 -n l vg "$A"

truncate -s 128M "$T/A.img" && losetup -c "$A" || fail "grow A"
out=$(pvresize "$A" 2>&1) || fail "pvresize: $out"
expect_match "$out" "Physical volume \"$A\" changed"
expect_match "$out" "1 physical volume\(s\) resized or updated / 0 physical volume\(s\) not resized"
expect_eq "$(lvm2 pvs --noheadings -o pv_pe_count "$A" | xargs)" 31 "PEs after growing"
same_as_lvm2 "after pvresize grow"

expect_ok lvcreate -an -l 1 -n tail vg "$A:20-20"
expect_fail pvresize -y --setphysicalvolumesize 48M "$A"
expect_match "$ERR" "$A: cannot resize to 11 extents as later ones are allocated."
expect_ok lvremove -y vg/tail
expect_ok pvresize -y --setphysicalvolumesize 48M "$A"
expect_eq "$(lvm2 pvs --noheadings -o pv_pe_count "$A" | xargs)" 11 "PEs after shrinking"
s=$(seqno vg)
expect_fail pvresize -y --setphysicalvolumesize 20M "$A"
expect_match "$ERR" "$A: cannot resize to 4 extents as 10 are allocated."
expect_eq "$(seqno vg)" "$s" "seqno after a refused shrink"
same_as_lvm2 "after pvresize shrink"

truncate -s 96M "$T/C.img" && losetup -c "$C" || fail "grow C"
expect_ok pvresize "$C"
expect_eq "$(lvm2 pvs --noheadings --units b --nosuffix -o pv_size "$C" | xargs)" 100663296 "orphan size"
same_as_lvm2 "after pvresize of an orphan"

# Online: the active LV's block device follows; data kept.
expect_ok lvcreate -L 20M -n on vg "$B"
dev="$ULVM_DEV_DIR/vg/on"
head -c 4M /dev/urandom >"$T/p"
dd if="$T/p" of="$dev" bs=1M conv=fsync status=none || fail "write"
expect_ok lvextend -L +20M vg/on
expect_eq "$(blockdev --getsize64 "$dev")" $((40 * 1024 * 1024)) "size after online extend"
expect_eq "$(dmsetup table vg-on | awk '{s += $2} END {print s}')" 81920 "table length"
s=$(seqno vg)
expect_fail lvreduce -L 12M vg/on </dev/null
expect_match "$ERR" "Logical volume vg/on NOT reduced."
expect_eq "$(seqno vg)" "$s" "seqno after an unanswered reduce"
out=$(lvreduce -y -L 12M vg/on 2>&1) || fail "lvreduce -y: $out"
expect_match "$out" "WARNING: Reducing active logical volume to 12.00 MiB."
expect_eq "$(blockdev --getsize64 "$dev")" $((12 * 1024 * 1024)) "size after online reduce"
cmp -n 4194304 "$T/p" "$dev" || fail "data after online resizes"
expect_ok lvchange -an vg/on
same_as_lvm2 "after online resizes"
pass
