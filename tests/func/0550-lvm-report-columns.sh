#!/usr/bin/env bash
# ulvm's pvs/vgs/lvs print exactly what LVM2's print for a VG LVM2 made:
# default and -v columns, -o lists (+/-, segment fields, ranges and
# devices), lvs and pvs --segments (a row per LV or PV segment, free
# ones too, LVM2's segment columns; pvseg fields),
# orphan PVs, hidden fields, sizes of the metadata areas; -o help lists
# LVM2's sections and descriptions, on stderr.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
report_vg

for cmd in pvs vgs lvs; do
	same_as_lvm2 $cmd
	same_as_lvm2 $cmd -v
	same_as_lvm2 $cmd --noheadings
done
same_as_lvm2 pvs -o pv_name,pe_start,pv_pe_count,pv_pe_alloc_count,dev_size,pv_used,pv_tags
same_as_lvm2 pvs -o pv_name,pv_mda_count,pv_mda_used_count,pv_mda_size,pv_mda_free,pv_ext_vsn
same_as_lvm2 pvs -o pv_name,pv_allocatable,pv_exported,pv_missing,pv_ba_start,pv_in_use,pv_uuid
same_as_lvm2 pvs -o pv_name,vg_name,vg_attr,vg_size,vg_free,vg_uuid,vg_extent_size,pv_count
same_as_lvm2 pvs -o pv_name,lv_count,vg_seqno,vg_mda_count,vg_fmt,vg_permissions,vg_mda_copies
same_as_lvm2 vgs -o vg_name,vg_fmt,vg_extent_size,vg_extent_count,vg_free_count,max_lv,max_pv
same_as_lvm2 vgs -o vg_name,vg_seqno,vg_mda_count,vg_mda_used_count,vg_mda_size,vg_mda_free
same_as_lvm2 vgs -o vg_name,vg_mda_copies,vg_permissions,vg_extendable,vg_allocation_policy
same_as_lvm2 vgs -o vg_name,vg_systemid,vg_lock_type,vg_tags,snap_count,vg_missing_pv_count
same_as_lvm2 lvs -o lv_name,lv_full_name,lv_layout,lv_role,lv_allocation_policy,lv_permissions
same_as_lvm2 lvs -o lv_name,lv_read_ahead,lv_time,lv_host,lv_health_status,lv_fixed_minor,lv_tags
same_as_lvm2 lvs -o lv_name,lv_uuid,lv_major,lv_minor,lv_kernel_major,seg_count
same_as_lvm2 lvs --separator : -o lv_name,lv_path,lv_dm_path
same_as_lvm2 lvs -o lv_name,devices,seg_pe_ranges,seg_le_ranges,stripes,stripe_size,segtype
same_as_lvm2 lvs -o lv_name,seg_start,seg_start_pe,seg_size,seg_size_pe,seg_tags,data_stripes
same_as_lvm2 lvs -o lv_name,lv_when_full,lv_check_needed,lv_merging,lv_converting,lv_ancestors
same_as_lvm2 lvs --binary -o lv_name,lv_check_needed,lv_merging,lv_image_synced
same_as_lvm2 lvs --segments
same_as_lvm2 lvs --segments -v
same_as_lvm2 lvs --segments -o lv_name,seg_size -O -seg_size
same_as_lvm2 lvs -o+seg_count,data_percent
same_as_lvm2 lvs -o-vg_name,pool_lv,origin
same_as_lvm2 lvs -o name,size vg/lin vg/str
same_as_lvm2 lvs -o name,size vg
same_as_lvm2 vgs vg
same_as_lvm2 pvs "$B"
same_as_lvm2 vgs -o vg_all
same_as_lvm2 pvs -o pv_all
same_as_lvm2 pvs -o all
same_as_lvm2 pvs --segments
same_as_lvm2 pvs -o pv_name,pvseg_start,pvseg_size,pv_pe_count -O -pvseg_size
same_as_lvm2 pvs -o pv_name,pvseg_all -S 'pvseg_size>2'

# -o help: on stderr as LVM2 logs it, exit 0; each field ulvm lists is one
# of LVM2's, under the same section, with LVM2's description.
for cmd in pvs vgs lvs; do
	out=$(ulvm_cmd $cmd -o help 2>"$T/help.u") || fail "$cmd -o help failed"
	expect_eq "$out" "" "stdout of $cmd -o help"
	"/usr/sbin/$cmd" --config 'global{activation=0}' --devices "$DEVS" -o help 2>&1 >/dev/null |
		grep -v WARNING >"$T/help.l"
	python3 - "$T/help.u" "$T/help.l" <<'PY' || fail "$cmd -o help differs from LVM2's"
import re, sys
def fields(path):
    out, sec = {}, None
    for line in open(path):
        if re.match(r"^  [A-Z]", line):
            sec = line.strip()
        m = re.match(r"^    (\S+) +- (.*)$", line.rstrip("\n"))
        if m and not m.group(1).endswith("_all"):
            out[(sec, m.group(1))] = m.group(2)
    return out
u, l = fields(sys.argv[1]), fields(sys.argv[2])
bad = [(k, v, l.get(k)) for k, v in u.items() if l.get(k) != v]
for b in bad:
    print("ulvm:", b[0], repr(b[1]), "LVM2:", repr(b[2]))
sys.exit(1 if bad or len(u) < 20 else 0)
PY
done
pass
