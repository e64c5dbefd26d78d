#!/usr/bin/env bash
# Bad input to lvextend/lvreduce/lvresize, lvrename, vgrename, vgmerge,
# vgsplit and pvresize, side by side with real LVM2: the same VG layout is
# built by LVM2 on one set of loops and by ulvm on another (each tool sees
# only its own), the same wrong command runs on both, and the messages
# (device names masked) and exit statuses must be LVM2's (an extend that
# --alloc contiguous cannot place included). Nothing is written: seqnos
# are unchanged afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resize.sh"
make_loops 64M U1 U2 U3
DEVS_U=$DEVS DEVS=
L1=$(losetup -f --show "$(make_image L1.img 64M)") || skip "no loop devices"
L2=$(losetup -f --show "$(make_image L2.img 64M)") || skip "no loop devices"
L3=$(losetup -f --show "$(make_image L3.img 64M)") || skip "no loop devices"
DEVS="$L1,$L2,$L3"

# build TOOL X1 X2 X3: the layout, with TOOL "lvm2" or "" (ulvm).
build() {
	expect_ok $1 pvcreate "$2" "$3" "$4"
	expect_ok $1 vgcreate -s 4m vg "$2" "$3"
	expect_ok $1 vgcreate -s 8m other "$4"
	expect_ok $1 lvcreate -an -Zn -L 24M -n lin vg "$2"
	expect_ok $1 lvcreate -an -Zn -l 2 -n two vg "$2"
	expect_ok $1 lvcreate -an -Zn -l 20 -n big vg "$2" "$3"
}
build lvm2 "$L1" "$L2" "$L3"
build "" "$U1" "$U2" "$U3"

# run TOOL X1 X2 X3 CMD...: stderr (LVM2's activation warning dropped,
# X1..X3 masked) and the exit status. @1 @2 @3 in CMD stand for X1..X3.
run() {
	local tool=$1 x1=$2 x2=$3 x3=$4 a args=()
	shift 4
	for a in "$@"; do a=${a//@1/$x1} a=${a//@2/$x2} args+=("${a//@3/$x3}"); done
	$tool "${args[@]}" 2>&1 >/dev/null </dev/null | grep -v "Activation disabled\|NOT backed up" |
		sed "s|$x1|PV1|g; s|$x2|PV2|g; s|$x3|PV3|g"
	echo "exit ${PIPESTATUS[0]}"
}

# same CMD...: ulvm answers CMD as LVM2 does.
same() {
	local l u
	l=$(run lvm2 "$L1" "$L2" "$L3" "$@")
	u=$(run "" "$U1" "$U2" "$U3" "$@")
	[ "$u" = "$l" ] || fail "'$*' differs from LVM2
--- ulvm
$u
--- LVM2
$l"
	[[ $l == *"exit 0" ]] && fail "'$*' was meant to fail (LVM2: $l)"
	return 0
}

s_l=$(seqno vg) o_l=$(seqno other)
same lvextend -L -4M vg/lin
same lvreduce -L +4M vg/lin
same lvextend -l -2 vg/lin
same lvreduce -l +2 vg/lin
same lvextend -L 8M vg/lin
same lvreduce -L 80M vg/lin
same lvresize -L 24M vg/lin
same lvextend -L +1G vg/lin
same lvreduce -l -6 vg/lin
same lvreduce -l 0 vg/lin
same lvextend -L 0 vg/lin
same lvextend -l +0 vg/lin
same lvextend -L 10M -l 3 vg/lin
same lvextend -L +4M vg/nolv
same lvextend -L 26M vg/lin @3
same lvextend -l +1 --alloc contiguous vg/two
same lvrename vg lin two
same lvrename vg nolv x
same lvrename vg/lin other/x
same lvrename vg lin lin
same vgrename vg other
same vgrename vg vg
same vgrename nov x
same vgmerge vg other
same vgmerge vg vg
same vgsplit vg vg2 @2
same vgsplit -n lin vg vg2
same vgsplit -n nolv vg vg2
same vgsplit vg vg2 @3
same vgsplit vg vg
same pvresize -y --setphysicalvolumesize 8M @1
expect_eq "$(seqno vg) $(seqno other)" "$s_l $o_l" "LVM2's seqnos"
DEVS=$DEVS_U
expect_eq "$(seqno vg) $(seqno other)" "$s_l $o_l" "ulvm's seqnos (read by LVM2)"

# -n of an LV spanning every PV moves them all: the source VG is gone.
DEVS="$L1,$L2,$L3"
expect_eq "$(run lvm2 "$L1" "$L2" "$L3" vgsplit -n big vg vg2)" "exit 0" "LVM2's vgsplit of everything"
expect_eq "$(run "" "$U1" "$U2" "$U3" vgsplit -n big vg vg2)" "exit 0" "ulvm's vgsplit of everything"
DEVS=$DEVS_U
lvm2 vgs vg >/dev/null 2>&1 && fail "vg still there after moving all its PVs"
expect_eq "$(lvm2 lvs --noheadings -o lv_name vg2 | sort | xargs)" "big lin two" "LVs of vg2"
same_as_lvm2 "after vgsplit of every PV"
pass
