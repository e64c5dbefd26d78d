# Shared by tests/func/055N-lvm-report-*.sh: real LVM2 builds a VG on the
# test's own loop devices (activation off, --devices limited to them) and
# ulvm's pvs/vgs/lvs must print what LVM2's print for the same VG.
#
# LVM2 without device-mapper cannot know whether an LV is active: it
# prints 'X' for lv_attr's state and open letters (-wi-XX----) where
# ulvm, which asks ulvmd, prints '-' or 'a'/'o'. Those two letters are
# masked in every comparison. ulvm's LV paths are under $ULVM_DEV_DIR (the
# test's own folder): they are compared as /dev, with --separator so that
# column widths do not depend on the folder's name.
requires losetup /usr/sbin/lvm python3
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"

# report_vg: PVs a (100M), b (64M) in VG vg and c (30M) orphan; LVs lin
# (2 segments), str (striped 2x64k), l2; tags on vg, lin and a PV.
report_vg() {
	local a b c
	a=$(make_image a.img 100M) b=$(make_image b.img 64M) c=$(make_image c.img 30M)
	A=$(losetup -f --show "$a") || skip "no loop devices"
	B=$(losetup -f --show "$b") || skip "no loop devices"
	C=$(losetup -f --show "$c") || skip "no loop devices"
	DEVS="$A,$B,$C"
	expect_ok lvm2 pvcreate "$A" "$B" "$C"
	expect_ok lvm2 vgcreate --addtag blue vg "$A" "$B"
	expect_ok lvm2 lvcreate -an -Zn -L 40M -n lin vg
	expect_ok lvm2 lvcreate -an -Zn -l 8 -i 2 -I 64 -n str vg
	expect_ok lvm2 lvcreate -an -Zn -l 3 -n l2 --addtag t2 --addtag a1 vg
	expect_ok lvm2 lvextend -l +2 vg/lin
	expect_ok lvm2 pvchange --addtag fast "$B"
}

lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$DEVS" "${@:2}" 2>/dev/null; }
ulvm_cmd() { "$ULVM_BIN/$1" --devices "$DEVS" "${@:2}"; }
mask_state() { sed -E "s/([-a-zA-Z][-wrR][-a-zA-Z][-m])(XX|[-adisS][-o])([-a-z][-a-z][-a-z][-k])/\1??\3/g"; }

# same_as_lvm2 CMD ARGS...: ulvm's output equals LVM2's, state masked.
same_as_lvm2() {
	local want got
	want=$(lvm2 "$@" | mask_state)
	got=$(ulvm_cmd "$@" 2>&1 | mask_state) || fail "ulvm $* failed: $got"
	got=$(echo "$got" | sed "s#$ULVM_DEV_DIR/#/dev/#g")
	[ "$got" = "$want" ] || fail "$* differs from LVM2:
$(diff <(echo "$want") <(echo "$got") | head -20)"
}
