#!/usr/bin/env bash
# Interop both ways with real LVM2 (activation off) on loop devices:
#  - a VG made by ulvm's commands (linear + striped LVs) is listed by
#    LVM2's vgs/lvs/pvs with the expected sizes and PE ranges; vgck and
#    pvck pass;
#  - a VG made by LVM2 is read and extended with a new LV by ulvm, which
#    activates it; data written through ulvm's device lands at the PV
#    offset LVM2's layout gives; LVM2 still reads the VG afterwards.
. "$(dirname "$0")/lib.sh"
requires losetup /usr/sbin/lvm
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"

loop() { losetup -f --show "$(make_image "$1" 128M)" || skip "no loop devices"; }
A=$(loop a.img) B=$(loop b.img) C=$(loop c.img) D=$(loop d.img)
lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$A,$B,$C,$D" "${@:2}"; }
for d in "$A" "$B" "$C" "$D"; do expect_ok lvmdevices --adddev "$d"; done

# ulvm -> LVM2
expect_ok pvcreate "$A" "$B"
expect_ok vgcreate -s 4m vgu "$A" "$B"
expect_ok lvcreate -an -L 40M -n lin vgu
expect_ok lvcreate -an -L 64M -i 2 -I 64k -n str vgu
out=$(lvm2 lvs --noheadings --units b --nosuffix -o lv_name,lv_size,seg_pe_ranges,stripes,stripe_size vgu 2>&1) ||
	fail "LVM2 lvs: $out"
expect_match "$out" "lin +41943040B? +$A:0-9 +1 +0"
expect_match "$out" "str +67108864B? +$A:10-17 $B:0-7 +2 +65536"
out=$(lvm2 vgs --noheadings --units b --nosuffix -o vg_name,pv_count,lv_count,vg_extent_size vgu)
expect_match "$out" "vgu +2 +2 +4194304"
out=$(lvm2 pvs --noheadings --units b --nosuffix -o pv_name,vg_name,pe_start "$A")
expect_match "$out" "$A +vgu +1048576"
expect_ok lvm2 vgck vgu
expect_ok lvm2 pvck "$A"
expect_ok lvm2 pvck "$B"

# LVM2 -> ulvm
expect_ok lvm2 pvcreate "$C" "$D"
expect_ok lvm2 vgcreate vgl "$C" "$D"
expect_ok lvm2 lvcreate -an -Zn -L 12M -n old vgl
out=$(lvcreate -L 8M -n new vgl 2>&1) || fail "ulvm lvcreate on LVM2's VG: $out"
ranges=$(lvm2 lvs --noheadings -o seg_pe_ranges vgl/new | tr -d ' ')
expect_eq "$ranges" "$C:3-4" "LVM2 sees ulvm's new LV at"
pe_start=$(lvm2 pvs --noheadings --units b --nosuffix -o pe_start "$C" | tr -d ' B')
head -c 1M /dev/urandom >"$T/pattern"
dev="$ULVM_RUN_DIR/dev/vgl-new"
[ -e "$dev" ] || fail "no device file $dev"
dd if="$T/pattern" of="$dev" bs=1M seek=1 conv=notrunc,fsync status=none || fail "write"
off=$((pe_start + 3 * 4194304 + 1048576))
cmp -n 1048576 "$T/pattern" <(dd if="$C" bs=1M skip=$((off / 1048576)) count=1 iflag=direct status=none) ||
	fail "data not at PV offset $off"
expect_ok lvm2 vgck vgl
out=$(lvm2 lvs --noheadings -o lv_name vgl | tr -d ' ' | sort | tr '\n' ' ')
expect_eq "$out" "new old " "LVM2's LV list"
expect_ok lvchange -an vgl/new
pass
