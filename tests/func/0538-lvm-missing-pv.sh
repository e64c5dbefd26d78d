#!/usr/bin/env bash
# A VG with a lost PV (its first MiB zeroed): LVM2's warning "Couldn't
# find device with uuid ...", vg_attr 'p', pv_attr 'm' on "[unknown]";
# LVs on the remaining PV still activate (vgchange/lvchange -ay), the
# partial LV is refused unless --activationmode partial (its lost part
# reads as errors; degraded refuses it too, as LVM2 does for LVs without
# RAID images); metadata changes are refused; vgreduce --removemissing
# refuses while partial LVs remain, --force drops them and the PV.
. "$(dirname "$0")/lib.sh"

a=$(make_image a.img 64M) b=$(make_image b.img 64M)
expect_ok pvcreate "$a" "$b"
expect_ok vgcreate vg "$a" "$b"
expect_ok lvcreate -an -L 8M -n safe vg "$a"
expect_ok lvcreate -an -L 8M -n lost vg "$b"
uuid_b=$(pvs --noheadings -o pv_uuid "$b" | tr -d ' ')
dd if=/dev/zero of="$b" bs=1M count=1 conv=notrunc,fsync status=none

out=$(vgs --noheadings -o vg_name,vg_attr vg 2>&1)
expect_match "$out" "WARNING: Couldn't find device with uuid $uuid_b\." "vgs warning"
expect_match "$out" "vg +wz-pn-" "vg_attr partial"
out=$(pvs --noheadings -o pv_name,pv_attr,pv_uuid 2>/dev/null)
expect_match "$out" "\[unknown\] +a-m +$uuid_b" "pv_attr missing"

out=$(vgchange -ay vg 2>&1) && fail "vgchange -ay with a partial LV should fail"
expect_match "$out" "Refusing activation of partial LV vg/lost\.  Use '--activationmode partial' to override\."
expect_match "$out" "1 logical volume\(s\) in volume group \"vg\" now active"
expect_match "$(lvs --noheadings -o lv_name,lv_attr vg 2>/dev/null)" "safe +-wi-a-----" "safe LV active"
[ -e "$ULVM_RUN_DIR/dev/vg-safe" ] || fail "no device for vg/safe"
expect_fail lvchange -ay --activationmode complete vg/lost
# degraded only lets RAID LVs miss images: a linear LV stays refused.
expect_fail lvchange -ay --activationmode degraded vg/lost
expect_match "$ERR" "Refusing activation of partial LV vg/lost\." "degraded"
expect_fail lvchange -ay --activationmode bogus vg/lost
expect_match "$ERR" "Invalid activation mode given\."
expect_ok lvchange -ay --activationmode partial vg/lost
dd if="$ULVM_RUN_DIR/dev/vg-lost" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null &&
	fail "reading the lost part of a partial LV should fail"
expect_ok vgchange -an vg

# Changes are refused while the PV is missing; --removemissing cleans up.
expect_fail lvcreate -an -L 4M -n more vg
expect_fail vgreduce --removemissing vg
expect_match "$ERR" "There are still partial LVs in VG vg\."
out=$(vgreduce --removemissing --force vg 2>&1) || fail "vgreduce --removemissing --force: $out"
expect_match "$out" "Wrote out consistent volume group vg\."
out=$(vgs --noheadings -o vg_attr,pv_count,lv_count vg 2>&1)
expect_eq "$(echo $out)" "wz--n- 1 1" "VG after --removemissing"
expect_ok lvchange -ay vg/safe
expect_ok lvchange -an vg/safe
pass
