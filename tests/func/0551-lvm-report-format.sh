#!/usr/bin/env bash
# Output forms and units of ulvm's reports against LVM2's: --units (every
# letter), --nosuffix, --separator, --aligned, --noheadings,
# --nameprefixes, --unquoted, --binary, -O sorting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
report_vg

for u in h H b B s S k K m M g G t T p P e E r R; do
	same_as_lvm2 lvs --units $u -o lv_name,lv_size,seg_start
	same_as_lvm2 pvs --units $u -o pv_name,pv_size,pv_used,pv_mda_free,dev_size
done
same_as_lvm2 pvs --nosuffix -o pv_name,pv_size,pv_used
same_as_lvm2 pvs --units h --nosuffix
same_as_lvm2 lvs --units b --nosuffix
same_as_lvm2 pvs --separator ,
same_as_lvm2 pvs --separator , --aligned
same_as_lvm2 lvs --separator ';' --units g --nosuffix -o lv_name,lv_size
same_as_lvm2 pvs --nameprefixes --noheadings
same_as_lvm2 lvs --nameprefixes --unquoted --separator : -o lv_name,seg_count
same_as_lvm2 lvs --binary -o lv_name,lv_fixed_minor,lv_skip_activation,lv_historical
same_as_lvm2 pvs --binary -o pv_name,pv_allocatable,pv_in_use
same_as_lvm2 lvs -o lv_name,seg_count -O seg_count
same_as_lvm2 lvs -o lv_name -O -seg_count,lv_name
same_as_lvm2 lvs -o lv_name -O +seg_count
same_as_lvm2 lvs -o lv_name,devices -O -lv_name
same_as_lvm2 lvs -o name,size,segtype,seg_size -O -seg_size
same_as_lvm2 pvs -O -pv_free
same_as_lvm2 pvs -O vg_name,-pv_size
pass
