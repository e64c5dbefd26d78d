#!/usr/bin/env bash
# ulvm's lvdisplay prints what LVM2's prints (LV Status masked, see
# display.sh): full blocks, -m segments (linear in two segments, striped
# 2x64k), -c, VG and VG/LV operands, --units; a read-only LV, a
# contiguous one, one with a fixed read ahead and a persistent minor.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/display.sh"
report_vg

same_display lvdisplay
same_display lvdisplay -m
same_display lvdisplay -c
same_display lvdisplay vg
same_display lvdisplay vg/str vg/lin
same_display lvdisplay -m --units s vg/str
same_display lvdisplay --units H -m
same_display lvdisplay -C --separator ,

expect_ok lvm2 lvcreate -an -Zn -l 2 --alloc contiguous -n cont vg
expect_ok lvm2 lvchange -p r vg/l2
expect_ok lvm2 lvchange -r 512 vg/lin
expect_ok lvm2 lvchange -ay -My --major 253 --minor 77 -y vg/str
expect_ok lvm2 lvchange -r none vg/cont
same_display lvdisplay
same_display lvdisplay -c
same_display lvdisplay -m vg/cont
pass
