#!/usr/bin/env bash
# The seed's end-to-end example: a striped device over two images gets a
# block device at $ULVM_DEV_DIR/mapper/strip; mkfs.ext4, mount, files,
# df, umount, a clean fsck, remove. Then the links and loop are gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.ext4 fsck.ext4
start_daemon

img1=$(make_image img1 64M)
img2=$(make_image img2 64M)
expect_ok dmsetup create strip --table "0 262144 striped 2 128 $img1 0 $img2 0"
dev=$(expect_blockdev strip)
expect_eq "$(blockdev --getsize64 "$dev")" $((262144 * 512)) "size of $dev"
expect_match "$(dmsetup info strip)" "Major, minor: +7, " "info reports the loop device"

expect_ok mkfs.ext4 -q -F "$(mapper strip)"
mount_dev "$(mapper strip)" "$T/mnt"
cp -r /usr/include/linux "$T/mnt/" || fail "copy into the filesystem"
head -c 20M /dev/urandom >"$T/big"
cp "$T/big" "$T/mnt/big" || fail "write a big file"
before=$(tree_sums "$T/mnt")
df -h "$T/mnt" | grep -q "$T/mnt" || fail "df does not show the mount"
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$(mapper strip)"
mount_dev "$(mapper strip)" "$T/mnt"
expect_eq "$(tree_sums "$T/mnt")" "$before" "files after a remount"
expect_ok umount "$T/mnt"

# Both stripes got data: the filesystem really went through the table.
for img in "$img1" "$img2"; do
	[ "$(du -k "$img" | cut -f1)" -gt 4096 ] || fail "$img holds almost nothing"
done

expect_ok dmsetup remove strip
[ -e "$(mapper strip)" ] && fail "link left after remove"
[ -e "$(fuse_file strip)" ] && fail "FUSE file left after remove"
losetup -n -O BACK-FILE | grep -q "$T" && fail "loop device left after remove"
pass
