#!/usr/bin/env bash
# Output forms and units of ulvm's reports against LVM2's: --units (every
# letter, and multiples as "4m", "1.5m", "0.5m": LVM2's 'U' suffix),
# invalid units (LVM2's message, exit 3), --nosuffix, --separator, --aligned, --noheadings,
# --nameprefixes, --unquoted, --binary, -O sorting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
report_vg

for u in h H b B s S k K m M g G t T p P e E r R; do
	same_as_lvm2 lvs --units $u -o lv_name,lv_size,seg_start
	same_as_lvm2 pvs --units $u -o pv_name,pv_size,pv_used,pv_mda_free,dev_size
done
for u in 4m 1.5m 0.5m 3k 2s 512b 1.5g; do
	same_as_lvm2 lvs --units $u -o lv_name,lv_size,seg_start
	same_as_lvm2 pvs --units $u -o pv_name,pv_size,pv_used
	same_as_lvm2 vgdisplay --units $u vg
done
same_as_lvm2 pvs --units 3k --nosuffix -o pv_name,pv_size
for u in x 4 4mm 0m; do
	want=$("/usr/sbin/vgs" --config 'global{activation=0}' --devices "$DEVS" --units $u 2>&1 |
		grep -v WARNING)
	expect_eq "$?" 3 "exit status of LVM2 vgs --units $u"
	got=$(ulvm_cmd vgs --units $u 2>&1)
	expect_eq "$?" 3 "exit status of vgs --units $u"
	expect_eq "$got" "$want" "message of vgs --units $u"
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
