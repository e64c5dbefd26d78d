#!/usr/bin/env bash
# Successful resizes side by side with LVM2 on twin VGs (LVM2 on one set
# of loops, ulvm on another, each seeing only its own): the same commands
# print the same messages and leave the same layout (segments, stripes,
# PE ranges with the devices masked).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resize.sh"
make_loops 64M U1 U2 U3
DEVS_U=$DEVS
L1=$(losetup -f --show "$(make_image L1.img 64M)") || skip "no loop devices"
L2=$(losetup -f --show "$(make_image L2.img 64M)") || skip "no loop devices"
L3=$(losetup -f --show "$(make_image L3.img 64M)") || skip "no loop devices"
DEVS_L="$L1,$L2,$L3"

# on SIDE CMD...: runs CMD with LVM2 (SIDE L) or ulvm (SIDE U), @1..@3 the
# side's PVs; stdout with the devices masked, then the exit status.
on() {
	local side=$1 tool= x1=$U1 x2=$U2 x3=$U3 a args=()
	shift
	[ "$side" = L ] && tool=lvm2 x1=$L1 x2=$L2 x3=$L3
	for a in "$@"; do a=${a//@1/$x1} a=${a//@2/$x2} args+=("${a//@3/$x3}"); done
	DEVS=$DEVS_L $tool "${args[@]}" 2>"$T/err.$side" </dev/null | sed "s|$x1|PV1|g; s|$x2|PV2|g; s|$x3|PV3|g"
	echo "exit ${PIPESTATUS[0]}"
}
layout() {
	on "$1" lvs --noheadings --segments --units b --nosuffix --separator ';' \
		-o lv_name,seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges vg | sed 's/^ *//' | sort
}
# same CMD...: both print the same and leave the same layout.
same() {
	local l u
	l=$(on L "$@") u=$(on U "$@")
	[ "$u" = "$l" ] || fail "'$*' prints differently from LVM2
--- ulvm
$u
$(cat "$T/err.U")
--- LVM2
$l"
	[[ $l == *"exit 0" ]] || fail "'$*' failed in LVM2: $l"
	l=$(layout L) u=$(layout U)
	[ "$u" = "$l" ] || fail "layout after '$*' differs from LVM2's
--- ulvm
$u
--- LVM2
$l"
}

expect_eq "$(on L pvcreate @1 @2 @3 | tail -1)" "exit 0" "LVM2 pvcreate"
expect_ok pvcreate "$U1" "$U2" "$U3"
same vgcreate -s 4m vg @1 @2 @3
same lvcreate -an -Zn -L 12M -n a vg @1
same lvcreate -an -Zn -l 4 -i 2 -I 64k -n s vg @2 @3
same lvextend -L +8M vg/a
same lvextend -L 30M vg/a
same lvextend -l +3 vg/s
same lvextend -l +2 vg/a @2
same lvresize -l +25%FREE vg/a
same lvreduce -f -l -3 vg/a
same lvreduce -f -L 16M vg/a
same lvresize -f -l 50%VG vg/a
same lvreduce -f -l -10%VG vg/a
same lvreduce -f -l 2 vg/s
same lvextend -l +100%FREE vg/s
same lvreduce -f -L -5M vg/a
same lvreduce -f -l -4 vg/s
same lvextend -L +8M vg/a @3:10-13
same lvextend --alloc anywhere -l +2 vg/a
same lvextend -i 1 -l +2 vg/s
same lvreduce -f -l -50%FREE vg/s
same lvrename vg a b
same lvrename vg/b vg/a
DEVS=$DEVS_U
same_as_lvm2 "ulvm's twin"
pass
