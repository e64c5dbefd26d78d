#!/usr/bin/env bash
# lvdisplay/vgdisplay of an LV that ulvm activated: the lines LVM2 prints
# only when device-mapper answers ("LV Status available", "# open", "-
# currently set to", "Block device MAJOR:MINOR") come from ulvmd and name
# the LV's block device; the rest is LVM2's block. LVM2 (activation off)
# sees the LV inactive, so those four lines are taken out of ulvm's
# output before comparing, after checking them. -c carries the same
# facts; vgdisplay -A lists the VG now.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/display.sh"
report_vg

expect_ok ulvm_cmd lvchange -ay vg/lin
dev=$(readlink -f "$ULVM_DEV_DIR/vg/lin")
[ -b "$dev" ] || fail "vg/lin is not a block device after lvchange -ay"
mm=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")

got=$(ulvm_cmd lvdisplay vg/lin) || fail "lvdisplay vg/lin failed"
expect_match "$got" $'\n  LV Status              available\n  # open                 0\n  LV Size' "active LV status"
expect_match "$got" $'\n  Read ahead sectors     auto\n  - currently set to     256\n' "read ahead"
expect_match "$got" $'\n  Block device           '"$mm"$'\n' "block device"
want=$(lvm2 lvdisplay vg/lin)
got=$(echo "$got" | sed -e "s#$ULVM_DEV_DIR/#/dev/#g" -e '/^  LV Status  /d' -e '/^  # open  /d' \
	-e '/^  - currently set to  /d' -e '/^  Block device  /d')
expect_eq "$got" "$want" "lvdisplay vg/lin without the device-mapper lines"

# The other LVs stay "NOT available" and compare as before.
same_display lvdisplay vg/str vg/l2
got=$(ulvm_cmd lvdisplay -c vg/lin | sed "s#$ULVM_DEV_DIR/#/dev/#")
expect_eq "$got" "  /dev/vg/lin:vg:3:1:-1:0:98304:12:-1:0:-1:${mm%:*}:${mm#*:}" "lvdisplay -c of the active LV"
got=$(ulvm_cmd vgdisplay -A -s)
expect_match "$got" '^  "vg" ' "vgdisplay -A lists the VG with an active LV"
got=$(ulvm_cmd vgdisplay -c vg)
want=$(lvm2 vgdisplay -c vg)
expect_eq "$got" "$want" "vgdisplay -c (no LV open)"

expect_ok ulvm_cmd lvchange -an vg/lin
same_display lvdisplay vg/lin
expect_eq "$(ulvm_cmd vgdisplay -A)" "" "vgdisplay -A with nothing active"
pass
