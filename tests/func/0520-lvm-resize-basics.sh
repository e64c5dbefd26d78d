#!/usr/bin/env bash
# lvextend, lvreduce, lvresize on inactive LVs: -L/-l with +/-, %FREE,
# %VG, %PVS, a PV list, striped LVs keeping their stripes, LVM2's
# rounding and refusals; after each step real LVM2 reads the VG as ulvm
# reports it (pvs/vgs/lvs --segments compared).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resize.sh"
make_loops 64M A B C

expect_ok pvcreate "$A" "$B" "$C"
expect_ok vgcreate -s 4m vg "$A" "$B" "$C"
expect_ok lvcreate -an -L 40M -n lin vg "$A"
expect_ok lvcreate -an -l 1 -n gap vg "$B"
expect_ok lvcreate -an -l 4 -i 2 -I 64k -n str vg "$B" "$C"
same_as_lvm2 "after lvcreate"

out=$(lvextend -L +20M vg/lin 2>&1) || fail "lvextend: $out"
expect_match "$out" "Size of logical volume vg/lin changed from 40.00 MiB \(10 extents\) to 60.00 MiB \(15 extents\)."
expect_match "$out" "Logical volume vg/lin successfully resized."
same_as_lvm2 "after lvextend -L +20M"

out=$(lvextend -L 70M vg/lin 2>&1) || fail "lvextend: $out"
expect_match "$out" "Rounding size to boundary between physical extents: 72.00 MiB."
expect_eq "$(lvs --noheadings -o lv_size --units m --nosuffix vg/lin | tr -d ' ')" 72.00 "lin size"

# Striped: new space keeps 2 stripes, rounded up to them.
out=$(lvextend -l +3 vg/str 2>&1) || fail "lvextend str: $out"
expect_match "$out" "Rounding size \(7 extents\) up to stripe boundary size for segment \(8 extents\)."
expect_eq "$(lvm2 lvs --noheadings -o lv_size --units m --nosuffix vg/str | xargs)" 32.00 "str size"
expect_eq "$(lvm2 lvs --noheadings --segments -o stripes vg/str | xargs)" "2 2" "stripes of each segment"
same_as_lvm2 "after striped lvextend"

# A PV list and percentages.
expect_ok lvextend -l +2 vg/lin "$B"
expect_match "$(lvm2 lvs --noheadings -o seg_pe_ranges --segments vg/lin | xargs)" "$B:"
expect_ok lvresize -l +50%FREE vg/lin
expect_ok lvreduce -f -l -25%VG vg/lin
same_as_lvm2 "after lvresize %FREE, lvreduce %VG"

# PVs and no size: all their free space, as LVM2 (+100%PVS).
expect_ok lvcreate -an -l 1 -n pvs vg "$C"
pv_free() { lvm2 pvs --noheadings -o pv_pe_count,pv_pe_alloc_count "$1" | awk '{print $1 - $2}'; }
free=$(pv_free "$C")
expect_ok lvextend vg/pvs "$C"
expect_eq "$(pv_free "$C")" 0 "free on C after lvextend LV PV"
expect_eq "$(lvm2 lvs --noheadings -o seg_size_pe --segments vg/pvs | xargs)" "$((free + 1))" "pvs size"
expect_ok lvremove -y vg/pvs

# Reduce (inactive, no filesystem: no question), lvresize both ways.
expect_ok lvreduce -L 20M vg/lin
expect_eq "$(lvm2 lvs --noheadings -o lv_size --units m --nosuffix vg/lin | xargs)" 20.00 "lin after reduce"
expect_ok lvresize -L 28M vg/lin
expect_ok lvresize -l -1 vg/lin
expect_ok lvreduce -l 2 vg/str
same_as_lvm2 "after lvreduce / lvresize"

# Refusals, each leaving the metadata alone.
s=$(seqno vg)
expect_fail lvextend -L -4M vg/lin
expect_match "$ERR" "Size may not be negative.
  Invalid argument for --size: -4M
  Error during parsing of command line."
expect_fail lvreduce -L +4M vg/lin
expect_match "$ERR" "Size may not be positive."
expect_fail lvreduce -l +1 vg/lin
expect_match "$ERR" "Extents may not be positive."
expect_fail lvextend -l 0 vg/lin
expect_match "$ERR" "--extents may not be zero."
expect_fail lvextend -L 8M vg/lin
expect_match "$ERR" "New size given \(2 extents\) not larger than existing size \(6 extents\)"
expect_fail lvreduce -L 80M vg/lin
expect_match "$ERR" "not less than existing size"
expect_fail lvresize -L 24M vg/lin
expect_match "$ERR" "New size \(6 extents\) matches existing size \(6 extents\)."
expect_fail lvextend -L +1G vg/lin
expect_match "$ERR" "Insufficient free space: 256 extents needed, but only [0-9]+ available"
expect_fail lvreduce -l -6 vg/lin
expect_match "$ERR" "Unable to reduce vg/lin below 1 extent."
expect_fail lvextend -L 10M -l 3 vg/lin
expect_match "$ERR" "either size or extents"
expect_fail lvextend -L +4M vg/nolv
expect_match "$ERR" "Logical volume nolv not found in volume group vg."
lvextend -L +4M vg/lin >/dev/null 2>&1
expect_eq "$?" 0 "status of a good lvextend"
lvextend -L -4M vg/lin >/dev/null 2>&1
expect_eq "$?" 3 "status of a bad command line"
# -t: everything checked, nothing written.
for cmd in "lvextend -t -L +8M vg/lin" "lvreduce -t -f -r -l -1 vg/lin" "lvrename -t vg lin x" \
	"vgrename -t vg vgt" "vgsplit -t vg vgt $A $B $C" "pvresize -t $A"; do
	out=$($cmd 2>&1) || fail "$cmd: $out"
done
expect_eq "$(lvm2 vgs --noheadings -o vg_name | xargs)" vg "VGs after -t"
expect_eq "$(seqno vg)" $((s + 1)) "seqno after refusals, -t runs and one change"
same_as_lvm2 "after refusals"

# ulvm reads what LVM2 resized.
expect_ok lvm2 lvextend -l +3 vg/lin
expect_ok lvextend -l +1 vg/lin
same_as_lvm2 "after LVM2 and ulvm both extended"
pass
