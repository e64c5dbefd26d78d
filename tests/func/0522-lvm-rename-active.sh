#!/usr/bin/env bash
# lvrename and vgrename (by name and by uuid) on active LVs, one of them
# mounted: ulvmd's device names follow (VG-LV, hyphens doubled), the
# $ULVM_DEV_DIR/VG/LV and mapper links move, data stays readable; LVM2
# reads each result as ulvm reports it. Clashing names are refused with
# the metadata untouched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/resize.sh"
requires_blockdev
requires mkfs.ext4
make_loops 128M A B C
expect_ok pvcreate "$A" "$B" "$C"
expect_ok vgcreate vg "$A" "$B"
expect_ok vgcreate other "$C"
expect_ok lvcreate -L 40M -n my-lv vg
expect_ok lvcreate -L 40M -n fs vg
head -c 8M /dev/urandom >"$T/pattern"
dd if="$T/pattern" of="$ULVM_DEV_DIR/vg/my-lv" bs=1M conv=fsync status=none || fail "write"
expect_ok mkfs.ext4 -q -F "$ULVM_DEV_DIR/vg/fs"
mount_dev "$ULVM_DEV_DIR/vg/fs" "$T/mnt"
cp "$T/pattern" "$T/mnt/data" || fail "write file"
sync

# check_lv VG LV: links and device name follow, data readable.
check_lv() {
	local dm=${1//-/--}-${2//-/--}
	[ -b "$(readlink -f "$ULVM_DEV_DIR/$1/$2")" ] || fail "$ULVM_DEV_DIR/$1/$2 is no block device"
	[ -b "$(readlink -f "$ULVM_DEV_DIR/mapper/$dm")" ] || fail "no mapper/$dm"
	expect_ok dmsetup info "$dm"
	cmp -n 8388608 "$T/pattern" "$ULVM_DEV_DIR/$1/$2" || fail "data of $1/$2"
}
gone() { [ -e "$1" ] && fail "$1 still there"; return 0; }

out=$(lvrename vg my-lv new-lv 2>&1) || fail "lvrename: $out"
expect_eq "$out" '  Renamed "my-lv" to "new-lv" in volume group "vg"' "lvrename message"
check_lv vg new-lv
gone "$ULVM_DEV_DIR/vg/my-lv"
gone "$ULVM_DEV_DIR/mapper/vg-my--lv"
dmsetup info vg-my--lv >/dev/null 2>&1 && fail "old device name still in ulvmd"
expect_ok lvrename vg/new-lv vg/lv2
check_lv vg lv2
same_as_lvm2 "after lvrename"

# The mounted one.
expect_ok lvrename vg fs fs2
expect_eq "$(md5sum <"$T/mnt/data")" "$(md5sum <"$T/pattern")" "file on the renamed mounted LV"
[ -b "$(readlink -f "$ULVM_DEV_DIR/vg/fs2")" ] || fail "no link for the mounted LV"

# Refusals leave the metadata alone.
s=$(seqno vg)
expect_fail lvrename vg lv2 fs2
expect_match "$ERR" 'Logical Volume "fs2" already exists in volume group "vg"'
expect_fail lvrename vg nolv x
expect_match "$ERR" 'Existing logical volume "nolv" not found in volume group "vg"'
expect_fail lvrename vg/lv2 other/lv3
expect_match "$ERR" "Logical volume names must have the same volume group"
expect_fail vgrename vg other
expect_match "$ERR" 'New VG name "other" already exists'
expect_fail vgrename vg vg
expect_match "$ERR" "Old and new volume group names must differ"
expect_fail lvrename vg lv2 lv2
expect_match "$ERR" "Old and new logical volume names must differ"
expect_eq "$(seqno vg)" "$s" "seqno after refused renames"

out=$(vgrename vg vg-2 2>&1) || fail "vgrename: $out"
expect_match "$out" 'Volume group "vg" successfully renamed to "vg-2"'
check_lv vg-2 lv2
gone "$ULVM_DEV_DIR/vg"
gone "$ULVM_DEV_DIR/mapper/vg-lv2"
[ -b "$(readlink -f "$ULVM_DEV_DIR/vg-2/fs2")" ] || fail "no link for the mounted LV after vgrename"
expect_eq "$(md5sum <"$T/mnt/data")" "$(md5sum <"$T/pattern")" "file after vgrename"
[ -f "$ULVM_SYSTEM_DIR/backup/vg-2" ] || fail "no backup under the new name"
grep -l "Created \*before\* executing 'vgrename vg vg-2'" "$ULVM_SYSTEM_DIR"/archive/vg_*.vg >/dev/null ||
	fail "no archive of the VG under its old name"
gone "$ULVM_SYSTEM_DIR/backup/vg"
same_as_lvm2 "after vgrename"

uuid=$(lvm2 vgs --noheadings -o vg_uuid vg-2 | tr -d ' ')
out=$(vgrename "$uuid" vg3 2>&1) || fail "vgrename by uuid: $out"
expect_match "$out" 'Volume group "vg-2" successfully renamed to "vg3"'
check_lv vg3 lv2
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$ULVM_DEV_DIR/vg3/fs2"
same_as_lvm2 "after vgrename by uuid"

# An active snapshot set is renamed only inactive (its -real/-cow layers).
expect_ok lvcreate -s -L 8M -n snap vg3/lv2
s=$(seqno vg3)
expect_fail lvrename vg3 lv2 lv4
expect_match "$ERR" "Cannot rename vg3/lv2 while it is active with snapshots: deactivate it first."
expect_fail vgrename vg3 vg4
expect_eq "$(seqno vg3)" "$s" "seqno after refusing to rename an active snapshot set"
expect_ok lvchange -an vg3/lv2
expect_ok lvrename vg3 lv2 lv4
expect_ok lvm2 vgck vg3
expect_eq "$(lvm2 lvs --noheadings -o lv_name,origin vg3/snap | xargs)" "snap lv4" "snapshot's origin after the rename"
expect_ok vgchange -an vg3
pass
