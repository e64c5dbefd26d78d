#!/usr/bin/env bash
# The same end to end with xfs (which wants at least 300 MiB), on a
# striped device, plus xfs_repair -n as the checker.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.xfs xfs_repair
start_daemon

img1=$(make_image img1 200M)
img2=$(make_image img2 200M)
sectors=$((2 * 200 * 2048))
expect_ok dmsetup create x --table "0 $sectors striped 2 256 $img1 0 $img2 0"
expect_blockdev x >/dev/null
expect_ok mkfs.xfs -q -f "$(mapper x)"
mount_dev "$(mapper x)" "$T/mnt"
cp -r /usr/include/linux "$T/mnt/" || fail "copy into the filesystem"
head -c 30M /dev/urandom >"$T/mnt/big" || fail "write a big file"
before=$(tree_sums "$T/mnt")
df -h "$T/mnt" | grep -q "$T/mnt" || fail "df does not show the mount"
expect_ok umount "$T/mnt"
expect_ok xfs_repair -n "$(mapper x)"
mount_dev "$(mapper x)" "$T/mnt"
expect_eq "$(tree_sums "$T/mnt")" "$before" "files after a remount"
expect_ok umount "$T/mnt"
expect_ok dmsetup remove x
pass
