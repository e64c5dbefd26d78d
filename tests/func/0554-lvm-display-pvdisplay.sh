#!/usr/bin/env bash
# ulvm's pvdisplay prints what LVM2's prints for PVs in a VG and an orphan:
# full blocks ("--- NEW Physical volume ---" and "is a new physical volume
# of" for the orphan), -m physical segment maps (a PV with a gap between
# LVs and a two-segment LV), -s, -c (LVM2's raw status bits), --units,
# named PVs, -C (the pvs report).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/display.sh"
report_vg

same_display pvdisplay
same_display pvdisplay -m
same_display pvdisplay -s
same_display pvdisplay -c
same_display pvdisplay --units k
same_display pvdisplay --units s -m "$B"
same_display pvdisplay --units H -s
same_display pvdisplay "$C"
same_display pvdisplay -c "$C" "$A"
same_display pvdisplay -C --separator ,
# A full PV says "(but full)"; a PV made unallocatable says "NO".
expect_ok lvm2 lvcreate -an -Zn -l 100%PVS -n fill vg "$B"
expect_ok lvm2 pvchange -x n "$A"
same_display pvdisplay
same_display pvdisplay -c
same_display pvdisplay -m "$B"
pass
