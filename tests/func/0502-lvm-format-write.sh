#!/usr/bin/env bash
# ulvm's LVM2-format library (through tests/tools/lvmdump) writes PVs, a VG
# and linear/striped LVs; real LVM2 must accept them (vgs/lvs/pvs, vgck,
# pvck) with the same sizes and PE ranges. The same steps done by LVM2 on
# a twin pair of devices give the same allocation, and the label and mda
# header sectors are byte-identical to LVM2's for the same PV uuid.
. "$(dirname "$0")/lib.sh"
requires losetup /usr/sbin/lvm python3
LVMDUMP="$ULVM_BIN/../tests/tools/lvmdump"
[ -x "$LVMDUMP" ] || skip "lvmdump not built"

loop() { losetup -f --show "$(make_image "$1" 64M)" || skip "no loop devices"; }
A=$(loop a.img) B=$(loop b.img) # written by LVM2
X=$(loop x.img) Y=$(loop y.img) # written by ulvm
lvm_on() { local d=$1; shift; "/usr/sbin/$1" --config 'global{activation=0}' --devices "$d" "${@:2}" 2>/dev/null; }
lvmA() { lvm_on "$A,$B" "$@"; }
lvmX() { lvm_on "$X,$Y" "$@"; }
sector() { dd if="$1" bs=512 skip="$2" count="${3:-1}" status=none | od -An -tx1; }

expect_ok lvmA pvcreate "$A" "$B"
ua=$(lvmA pvs --noheadings -o pv_uuid "$A" | tr -d ' -')
ub=$(lvmA pvs --noheadings -o pv_uuid "$B" | tr -d ' -')
expect_ok "$LVMDUMP" pvcreate --uuid "$ua" "$X"
expect_ok "$LVMDUMP" pvcreate --uuid "$ub" "$Y"
expect_eq "$(sector "$X" 1)" "$(sector "$A" 1)" "orphan label sector"
expect_eq "$(sector "$X" 8 8)" "$(sector "$A" 8 8)" "new mda header and first 4 KiB"
expect_ok lvmX pvck "$X"

# The same steps on both pairs.
expect_ok lvmA vgcreate vg "$A" "$B"
expect_ok "$LVMDUMP" vgcreate vg "$X" "$Y"
expect_eq "$(sector "$X" 1)" "$(sector "$A" 1)" "label sector of a PV in a VG"
expect_ok lvmA lvcreate -an -Zn -l 10 -n lin vg
expect_ok "$LVMDUMP" lvcreate vg lin 10 1 0 normal -- "$X" "$Y"
expect_ok lvmA lvcreate -an -Zn -l 8 -i 2 -I 64 -n str vg
expect_ok "$LVMDUMP" lvcreate vg str 8 2 128 normal -- "$X" "$Y"
expect_ok lvmA lvcreate -an -Zn -l 3 -n l2 vg
expect_ok "$LVMDUMP" lvcreate vg l2 3 1 0 normal -- "$X" "$Y"
expect_ok lvmA lvextend -l +2 vg/lin
expect_ok "$LVMDUMP" lvcreate vg lin 2 1 0 normal -- "$X" "$Y"
expect_ok lvmA lvcreate -an -Zn -l 2 -n ranged vg "$B:12-13"
expect_ok "$LVMDUMP" lvcreate vg ranged 2 1 0 normal "$Y:12-13" -- "$X" "$Y"

# LVM2 accepts ulvm's VG and sees what it sees on its own twin.
expect_ok lvmX vgck vg
expect_ok lvmX pvck "$X" "$Y"
cols=lv_name,lv_size,seg_pe_ranges,stripes,stripe_size,seg_start_pe
ours=$(lvmX lvs --noheadings --units b --nosuffix -o $cols vg | sed "s|$X:|A:|g; s|$Y:|B:|g" | awk '{$1=$1};1')
theirs=$(lvmA lvs --noheadings --units b --nosuffix -o $cols vg | sed "s|$A:|A:|g; s|$B:|B:|g" | awk '{$1=$1};1')
expect_eq "$ours" "$theirs" "lvs of the twin VGs"
vgcols=vg_name,seqno,vg_extent_size,pv_count,lv_count,vg_size,vg_free,vg_attr
expect_eq "$(lvmX vgs --noheadings --units b --nosuffix -o $vgcols)" \
	"$(lvmA vgs --noheadings --units b --nosuffix -o $vgcols)" "vgs of the twin VGs"
pvcols=pv_size,pv_free,pe_start,pv_pe_count,pv_pe_alloc_count,pv_attr,pv_uuid
expect_eq "$(lvmX pvs --noheadings --units b --nosuffix -o $pvcols | sort)" \
	"$(lvmA pvs --noheadings --units b --nosuffix -o $pvcols | sort)" "pvs of the twin VGs"
expect_eq "$(sector "$X" 1)" "$(sector "$A" 1)" "label sector after the commits"

# LVM2 changes ulvm's VG, ulvm reads the change.
expect_ok lvmX lvremove -f vg/l2
out=$("$LVMDUMP" read "$X" "$Y") || fail "read after LVM2's change"
expect_match "$out" "^vg vg 7 " "seqno after LVM2's commit"
echo "$out" | grep -q '^lv l2 ' && fail "l2 still listed after lvremove"
expect_ok "$LVMDUMP" roundtrip "$X" "$Y"
pass
