#!/usr/bin/env bash
# ulvm's vgdisplay (full blocks and -s) prints what LVM2's prints, long
# size suffixes and labels included.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
report_vg

same_as_lvm2 vgdisplay
same_as_lvm2 vgdisplay vg
same_as_lvm2 vgdisplay -s
same_as_lvm2 vgdisplay --units m
same_as_lvm2 vgdisplay --units H vg
pass
