#!/usr/bin/env bash
# ulvm's lvmdiskscan lists the devices (here: --devices, the test's own
# loops) with sizes, "LVM physical volume" for PVs, and LVM2's counts
# (a loop device's name ends in a digit: a "partition"); -l lists PVs only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/display.sh"
report_vg
d=$(make_image d.img 20M)
D=$(losetup -f --show "$d") || skip "no loop devices"
DEVS="$A,$B,$C,$D"

same_display lvmdiskscan
same_display lvmdiskscan -l
same_display lvmdiskscan --units m
# Order follows the device numbers, not the --devices order.
DEVS="$D,$C,$B,$A"
same_display lvmdiskscan
# One PV only, one plain device only.
DEVS="$A"
same_display lvmdiskscan
DEVS="$D"
same_display lvmdiskscan
same_display lvmdiskscan -l
pass
