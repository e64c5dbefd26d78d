#!/usr/bin/env bash
# The display commands refuse what LVM2 refuses, with LVM2's message and
# exit status: report options without -C, -c with -m or -s, -A with VG
# names; unknown PVs, VGs and LVs. -C hands over to pvs/vgs/lvs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/display.sh"
report_vg

same_error pvdisplay -o pv_name
same_error pvdisplay --noheadings
same_error pvdisplay -c -m
same_error pvdisplay -c -s
same_error pvdisplay -C -m
same_error lvdisplay --separator ,
same_error lvdisplay -c -m
same_error lvdisplay -C -c
same_error vgdisplay -O vg_name
same_error vgdisplay -c -s
same_error vgdisplay -A vg
same_error vgdisplay -C -s
same_error vgdisplay nosuchvg
same_error lvdisplay vg/nosuchlv
same_error pvdisplay "$T/nosuchpv"
# What was found is still shown before the failure.
same_display lvdisplay vg/lin vg/nosuchlv
same_display pvdisplay -C -o pv_name,vg_name --separator ,
pass
