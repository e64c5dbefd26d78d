#!/usr/bin/env bash
# ulvm's vgdisplay -v (the VG block, each visible LV's lvdisplay block and
# "--- Physical volumes ---" with LVM2's short PV blocks), -c (LVM2's raw
# status bits), -s (sizes padded to 9) and -C print what LVM2's print;
# with two VGs, and after the VG is made not resizable.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/display.sh"
report_vg
expect_ok lvm2 vgcreate vg2 "$C"

same_display vgdisplay -v
same_display vgdisplay -v vg2
same_display vgdisplay -c
same_display vgdisplay -s
same_display vgdisplay -c --units k vg
same_display vgdisplay -C --separator ,
expect_ok lvm2 lvcreate -an -Zn -l 7 -n only vg2
expect_ok lvm2 vgchange -x n vg2
expect_ok lvm2 pvchange -x n "$B"
same_display vgdisplay -v
same_display vgdisplay -c
same_display vgdisplay -s
# -A lists the VGs with an active LV: none as LVM2 sees them (activation
# off), none for ulvm without a daemon.
same_display vgdisplay -A
# pvdisplay and lvdisplay walk the VGs in the same (LVM2 cache) order.
same_display pvdisplay -c
same_display lvdisplay -c
pass
