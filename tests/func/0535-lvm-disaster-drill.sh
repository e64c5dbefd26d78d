#!/usr/bin/env bash
# The disaster drill: a VG on two image-file PVs holds an LV spanning both
# with random data; the label and metadata area of one PV are wiped (its
# first MiB zeroed). pvcreate --uuid <old uuid> --restorefile <backup>
# brings the PV back in the same geometry, vgcfgrestore writes the VG
# again, the LV activates with its data intact. Real LVM2 (activation off,
# --devices limited to loops over the test's images) reads the restored
# VG as ulvm does.
. "$(dirname "$0")/lib.sh"

a=$(make_image a.img 64M) b=$(make_image b.img 64M)
expect_ok pvcreate "$a" "$b"
expect_ok vgcreate -s 4m vg "$a" "$b"
expect_ok lvcreate -L 96M -n data vg
dev="$ULVM_RUN_DIR/dev/vg-data"
[ -e "$dev" ] || fail "no device file $dev"
data=$(random_file data.bin 96)
dd if="$data" of="$dev" bs=1M conv=notrunc,fsync status=none || fail "writing the LV"
sum=$(sha256sum <"$data")
expect_ok lvchange -an vg/data
before=$(lvs --noheadings -o lv_name,seg_pe_ranges vg)
backup="$ULVM_SYSTEM_DIR/backup/vg"
[ -f "$backup" ] || fail "no backup file $backup"
uuid_b=$(pvs --noheadings -o pv_uuid "$b" | tr -d ' ')

# Disaster: the label and metadata area of b are gone.
dd if=/dev/zero of="$b" bs=1M count=1 conv=notrunc,fsync status=none
out=$(vgs -o vg_name,vg_attr,pv_count vg 2>&1) || true
expect_match "$out" "Couldn't find device with uuid $uuid_b" "vgs with a lost PV"
expect_match "$out" "vg +wz-pn- +2" "vgs attr of a partial VG"
expect_fail lvchange -ay vg/data

# Wrong uuid or file: refused, nothing written.
expect_fail pvcreate --uuid "aaaaaa-bbbb-cccc-dddd-eeee-ffff-gggggg" --restorefile "$backup" "$b"
expect_match "$ERR" "Can't find uuid"
expect_fail pvcreate --uuid "$uuid_b" "$b"
expect_match "$ERR" "restorefile"
uuid_a=$(pvs --noheadings -o pv_uuid "$a" | tr -d ' ')
expect_fail pvcreate --uuid "$uuid_a" --restorefile "$backup" "$b"
expect_match "$ERR" "already in use on"

# Recovery.
out=$(pvcreate --uuid "$uuid_b" --restorefile "$backup" "$b" 2>&1) || fail "pvcreate --restorefile: $out"
expect_match "$out" "Physical volume \"$b\" successfully created"
out=$(vgcfgrestore vg 2>&1) || fail "vgcfgrestore: $out"
expect_match "$out" "Restored volume group vg\."
expect_eq "$(lvs --noheadings -o lv_name,seg_pe_ranges vg)" "$before" "LV layout after restore"
expect_ok vgck vg
expect_ok lvchange -ay vg/data
got=$(dd if="$dev" bs=1M count=96 status=none | sha256sum)
expect_eq "$got" "$sum" "data after the restore"
expect_ok lvchange -an vg/data

# Real LVM2 reads the restored VG identically.
if [ "$(id -u)" = 0 ] && command -v /usr/sbin/lvm >/dev/null; then
	A=$(losetup -f --show "$a") && B=$(losetup -f --show "$b") || skip "no loop devices"
	lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$A,$B" "${@:2}"; }
	out=$(lvm2 lvs --noheadings --units b -o lv_name,lv_size,seg_pe_ranges vg 2>&1) ||
		fail "LVM2 lvs: $out"
	expect_match "$out" "data +100663296B +$A:0-14.*data +100663296B +$B:0-8" "LVM2's view of the restored LV"
	expect_eq "$(lvm2 pvs --noheadings -o pv_uuid "$B" 2>/dev/null | tr -d ' ')" "$uuid_b" "LVM2 pv uuid"
	expect_ok lvm2 vgck vg
fi
pass
