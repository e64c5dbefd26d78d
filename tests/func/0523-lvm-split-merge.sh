#!/usr/bin/env bash
# vgsplit (by PVs into a new VG, by -n LV into an existing one) and
# vgmerge back; data of the moved LVs stays where it was; LVM2 reads every
# result as ulvm reports it. Refused: splitting through an LV, merging
# VGs with clashing LV names, different extent sizes or an active source
# LV -- one clear line, nothing written (seqnos and backups unchanged).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/resize.sh"
requires_blockdev
make_loops 64M A B C D E
expect_ok pvcreate "$A" "$B" "$C" "$D" "$E"
expect_ok vgcreate -s 4m vg "$A" "$B" "$C" "$D"
expect_ok vgcreate -s 8m vgx "$E"
expect_ok lvcreate -L 40M -n l1 vg "$A"
expect_ok lvcreate -l 4 -i 2 -n str vg "$C" "$D"
expect_ok lvcreate -an -l 2 -n l2 vg "$B"
expect_ok lvcreate -an -l 16 -n big vg "$A" "$B"
head -c 16M /dev/urandom >"$T/p1"
head -c 16M /dev/urandom >"$T/p2"
dd if="$T/p1" of="$ULVM_DEV_DIR/vg/l1" bs=1M conv=fsync status=none || fail "write l1"
dd if="$T/p2" of="$ULVM_DEV_DIR/vg/str" bs=1M conv=fsync status=none || fail "write str"
expect_ok lvchange -an vg/l1 vg/str
same_as_lvm2 "before the split"

# unchanged VG...: seqnos and backup files as before.
snapshot() {
	local v
	for v in "$@"; do echo "$v $(seqno "$v") $(md5sum <"$ULVM_SYSTEM_DIR/backup/$v")"; done
}

out=$(vgsplit vg vg2 "$C" "$D" 2>&1) || fail "vgsplit: $out"
expect_match "$out" 'New volume group "vg2" successfully split from "vg"'
expect_eq "$(lvm2 lvs --noheadings -o lv_name vg2 | xargs)" str "LVs of vg2"
expect_eq "$(lvm2 vgs --noheadings -o pv_count vg2 | xargs)" 2 "PVs of vg2"
same_as_lvm2 "after vgsplit by PVs"

before=$(snapshot vg vg2)
expect_fail vgsplit vg vg2 "$B"
expect_match "$ERR" "Can't split Logical Volume big between two Volume Groups"
expect_eq "$(echo "$ERR" | wc -l)" 1 "lines of the straddle error"
expect_fail vgsplit -n l1 vg vg2
expect_match "$ERR" "Can't split Logical Volume big between two Volume Groups"
expect_eq "$(snapshot vg vg2)" "$before" "seqnos and backups after refused splits"

expect_ok lvremove -y vg/big
out=$(vgsplit -n l2 vg vg2 2>&1) || fail "vgsplit -n: $out"
expect_match "$out" 'Existing volume group "vg2" successfully split from "vg"'
expect_eq "$(lvm2 lvs --noheadings -o lv_name vg2 | sort | xargs)" "l2 str" "LVs of vg2"
same_as_lvm2 "after vgsplit -n into an existing VG"

# Merge refusals.
expect_ok lvcreate -an -l 1 -n l1 vg2
before=$(snapshot vg vg2 vgx)
expect_fail vgmerge vg vg2
expect_match "$ERR" 'Duplicate logical volume name "l1" in "vg" and "vg2"'
expect_eq "$(echo "$ERR" | wc -l)" 1 "lines of the clash error"
expect_fail vgmerge vg vgx
expect_match "$ERR" "Extent sizes differ: 8192 \(vg\) and 16384 \(vgx\)"
expect_eq "$(snapshot vg vg2 vgx)" "$before" "seqnos and backups after refused merges"
expect_ok lvrename vg2 l1 l9
expect_ok lvchange -ay vg2/str
expect_fail vgmerge vg vg2
expect_match "$ERR" "Logical volume vg2/str must be inactive."
expect_ok lvchange -an vg2/str

out=$(vgmerge vg vg2 2>&1) || fail "vgmerge: $out"
expect_match "$out" 'Volume group "vg2" successfully merged into "vg"'
lvm2 vgs vg2 >/dev/null 2>&1 && fail "LVM2 still sees vg2"
expect_eq "$(lvm2 lvs --noheadings -o lv_name vg | sort | xargs)" "l1 l2 l9 str" "LVs after the merge"
same_as_lvm2 "after vgmerge"

# A split dying inside its first commit leaves the source VG whole.
for step in write precommit; do
	ULVM_TEST_CRASH_AFTER=$step vgsplit vg vg3 "$B" >/dev/null 2>&1
	expect_eq "$?" 99 "status of a vgsplit crashed after $step"
	lvm2 vgs vg3 >/dev/null 2>&1 && fail "vg3 visible after a crash after $step"
	expect_eq "$(lvm2 vgs --noheadings -o pv_count vg | xargs)" 4 "PVs of vg after a crash after $step"
	same_as_lvm2 "after vgsplit crashed after $step"
done

expect_ok lvchange -ay vg/l1 vg/str
cmp -n 16777216 "$T/p1" "$ULVM_DEV_DIR/vg/l1" || fail "data of l1 after split and merge"
cmp -n 16777216 "$T/p2" "$ULVM_DEV_DIR/vg/str" || fail "data of str after split and merge"
expect_ok vgchange -an vg

# A snapshot is never split from its origin.
make_loops 64M F G
expect_ok pvcreate "$F" "$G"
expect_ok vgcreate -s 4m vs "$F" "$G"
expect_ok lvcreate -an -l 15 -n orig vs "$F" # F full: the snapshot store goes to G
expect_ok lvcreate -s -l 2 -n osnap vs/orig "$G"
expect_ok lvchange -an vs/orig
before=$(snapshot vs)
expect_fail vgsplit vs vs2 "$F"
expect_match "$ERR" "Can't split snapshot osnap between two Volume Groups"
expect_fail vgsplit vs vs2 "$G"
expect_match "$ERR" "Can't split snapshot osnap between two Volume Groups"
expect_eq "$(snapshot vs)" "$before" "seqno and backup after refusing to split a snapshot"
expect_ok vgsplit vs vs2 "$F" "$G"
expect_eq "$(lvm2 lvs --noheadings -o lv_name,origin vs2/osnap | xargs)" "osnap orig" "snapshot after the split"
expect_ok lvm2 vgck vs2
pass
