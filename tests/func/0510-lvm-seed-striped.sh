#!/usr/bin/env bash
# The seed's example end to end with ulvm's LVM commands on image files:
# two PVs, a VG, a 400 MiB LV striped over both, ext4 on the VG/LV device,
# mount, write, umount, fsck; then lvremove, vgremove, pvremove. Checks
# the dm table, the devices file, the archive and backup files.
. "$(dirname "$0")/lib.sh"
requires mkfs.ext4 fsck.ext4 losetup
[ "$(id -u)" = 0 ] || skip "needs root for the loop block device"

a=$(make_image a.img 300M) b=$(make_image b.img 300M)
expect_ok pvcreate "$a" "$b"
grep -q "DEVNAME=$a " "$ULVM_SYSTEM_DIR/devices/system.devices" || fail "a.img not in devices file"
out=$(vgcreate vg_strip "$a" "$b") || fail "vgcreate: $out"
expect_match "$out" 'Volume group "vg_strip" successfully created'
out=$(lvcreate -L 400M -i 2 -n lv_strip vg_strip 2>&1) || fail "lvcreate: $out"
expect_match "$out" 'Using default stripesize 64.00 KiB'
expect_match "$out" 'Logical volume "lv_strip" created'
expect_eq "$(dmsetup table vg_strip-lv_strip)" "0 819200 striped 2 128 $a 2048 $b 2048" "table"
ls "$ULVM_SYSTEM_DIR"/archive/vg_strip_00000-*.vg >/dev/null 2>&1 || fail "no archive before lvcreate"
grep -q "Created \*after\* executing 'lvcreate -L 400M -i 2 -n lv_strip vg_strip'" \
	"$ULVM_SYSTEM_DIR/backup/vg_strip" || fail "backup description"

dev="$ULVM_DEV_DIR/vg_strip/lv_strip"
[ -b "$(readlink -f "$dev")" ] || fail "$dev is not a block device"
expect_ok mkfs.ext4 -q -F "$dev"
mkdir -p "$T/mnt"
expect_ok mount "$dev" "$T/mnt"
head -c 50M /dev/urandom >"$T/data"
cp "$T/data" "$T/mnt/data" || fail "write"
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$dev"

# An open LV is refused, a closed one goes (with -y for the active one).
expect_ok mount "$dev" "$T/mnt"
expect_fail lvremove -y vg_strip/lv_strip
expect_match "$ERR" "in use"
expect_ok umount "$T/mnt"
out=$(lvremove -y vg_strip/lv_strip) || fail "lvremove: $out"
expect_match "$out" 'Logical volume "lv_strip" successfully removed'
[ -e "$dev" ] && fail "$dev still there"
dmsetup table vg_strip-lv_strip >/dev/null 2>&1 && fail "device still in ulvmd"
out=$(vgremove vg_strip) || fail "vgremove: $out"
expect_match "$out" 'Volume group "vg_strip" successfully removed'
out=$(pvremove "$a" "$b") || fail "pvremove: $out"
expect_match "$out" "Labels on physical volume \"$a\" successfully wiped"
pass
