#!/usr/bin/env bash
# vgexport/vgimport and tags:
#  - an exported VG shows 'x' in vg_attr and pv_attr, refuses activation
#    and changes ("Volume group vg is exported"), LVM2 agrees it is
#    exported; vgimport (and -a) brings it back; importing a VG that is not
#    exported fails;
#  - --addtag/--deltag on VGs, LVs and PVs, @tag selecting VGs (vgs,
#    vgchange), LVs (lvchange) and PVs (pvchange); LVM2 reads the tags;
#  - a tag with invalid characters: LVM2's two-line parse error, exit 3,
#    nothing written; a too small -l/-p limit is refused.
. "$(dirname "$0")/lib.sh"

seqno() { vgs --noheadings -o vg_seqno "$1" | tr -d ' '; }
a=$(make_image a.img 64M) b=$(make_image b.img 64M) c=$(make_image c.img 64M)
expect_ok pvcreate "$a" "$b" "$c"
expect_ok vgcreate vg "$a" "$b"
expect_ok vgcreate vg2 "$c"
expect_ok lvcreate -an -L 8M -n one vg
expect_ok lvcreate -an -L 8M -n two vg

# Tags.
out=$(vgchange --addtag t1 --addtag t2 vg 2>&1) || fail "vgchange --addtag: $out"
expect_match "$out" "Volume group \"vg\" successfully changed"
expect_eq "$(vgs --noheadings -o vg_tags vg | tr -d ' ')" "t1,t2" "vg tags"
expect_ok vgchange --deltag t1 @t2
expect_eq "$(vgs --noheadings -o vg_name @t2 | tr -d ' ')" "vg" "vgs @t2"
expect_eq "$(vgs --noheadings -o vg_tags vg | tr -d ' ')" "t2" "vg tags after --deltag"
out=$(lvchange --addtag lt vg/one 2>&1) || fail "lvchange --addtag: $out"
expect_match "$out" "Logical volume vg/one changed\."
expect_ok lvchange --addtag lt2 @lt
# lvs selects LVs by their own tag, or by their VG's tag (as LVM2).
expect_eq "$(lvs --noheadings -o lv_name @lt | tr -d ' ')" one "lvs @lt"
expect_eq "$(lvs --noheadings -o lv_name @t2 | tr -d ' ' | sort | tr '\n' ' ')" "one two " "lvs @t2 (VG tag)"
expect_eq "$(lvs --noheadings -o lv_name @nosuchtag)" "" "lvs of an unused tag"
expect_eq "$(lvs --noheadings -o lv_name,lv_tags vg | tr -s ' ' | sed 's/^ //; s/ $//')" "one lt,lt2
two" "lv tags"
out=$(pvchange --addtag pt "$a" 2>&1) || fail "pvchange --addtag: $out"
expect_match "$out" "1 physical volume changed / 0 physical volumes not changed"
expect_ok pvchange --addtag pt2 @pt
expect_eq "$(pvs --noheadings -o pv_tags "$a" | tr -d ' ')" "pt,pt2" "pv tags"

# Bad tags and limits: refused, nothing written.
s0=$(seqno vg)
expect_fail vgchange --addtag 'bad$tag' vg
expect_eq "$ERR" "  Invalid argument for --addtag: bad\$tag
  Error during parsing of command line." "bad tag message"
vgchange --addtag 'a b' vg >/dev/null 2>&1
expect_eq "$?" 3 "exit status of a bad tag"
expect_fail lvchange --deltag 'x%y' vg/one
expect_fail vgchange -l 1 vg
expect_match "$ERR" "MaxLogicalVolume is less than the current number 2 of LVs for vg"
expect_eq "$(seqno vg)" "$s0" "seqno after refused changes"
expect_ok vgchange -l 5 -p 3 vg
expect_eq "$(vgs --noheadings -o max_lv,max_pv vg | tr -s ' ')" " 5 3" "limits"
uuid0=$(vgs --noheadings -o vg_uuid vg)
expect_ok vgchange -u vg
[ "$(vgs --noheadings -o vg_uuid vg)" != "$uuid0" ] || fail "vgchange -u kept the uuid"

# Export / import.
expect_fail vgimport vg
expect_match "$ERR" "Volume group \"vg\" is not exported"
out=$(vgexport vg 2>&1) || fail "vgexport: $out"
expect_match "$out" "Volume group \"vg\" successfully exported"
expect_eq "$(vgs --noheadings -o vg_attr vg | tr -d ' ')" "wzx-n-" "vg_attr exported"
expect_eq "$(pvs --noheadings -o pv_attr "$a" | tr -d ' ')" "ax-" "pv_attr exported"
expect_fail lvchange -ay vg/one
expect_match "$ERR" "Volume group vg is exported"
expect_fail vgchange -ay vg
expect_fail lvcreate -an -L 4M -n three vg
expect_fail vgexport vg
if [ "$(id -u)" = 0 ] && command -v /usr/sbin/lvm >/dev/null; then
	A=$(losetup -f --show "$a") && B=$(losetup -f --show "$b") || skip "no loop devices"
	lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$A,$B" "${@:2}"; }
	expect_eq "$(lvm2 vgs --noheadings -o vg_attr,vg_tags vg 2>/dev/null | xargs)" "wzx-n- t2" "LVM2's vg_attr"
	expect_eq "$(lvm2 pvs --noheadings -o pv_attr,pv_tags "$A" 2>/dev/null | xargs)" "ax- pt,pt2" "LVM2's pv attr"
	lvm2_ok=1
fi
out=$(vgimport -a 2>&1) && fail "vgimport -a with a VG not exported should fail"
expect_match "$out" "Volume group \"vg\" successfully imported"
expect_match "$out" "Volume group \"vg2\" is not exported"
expect_eq "$(vgs --noheadings -o vg_attr vg | tr -d ' ')" "wz--n-" "vg_attr imported"
expect_ok lvchange -ay vg/one
expect_ok lvchange -an vg/one
if [ "${lvm2_ok:-0}" = 1 ]; then
	expect_eq "$(lvm2 lvs --noheadings -o lv_tags vg/one 2>/dev/null | tr -d ' ')" "lt,lt2" "LVM2's lv tags"
	expect_ok lvm2 vgck vg
fi
pass
