#!/usr/bin/env bash
# Online grow: reload with a bigger table + resume changes the FUSE file
# size and the loop capacity at once, and the mounted filesystem grows
# (xfs_growfs; resize2fs too where the container grants CAP_SYS_RESOURCE,
# which EXT4_IOC_RESIZE_FS requires). Data stays intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.ext4 resize2fs mkfs.xfs xfs_growfs
start_daemon

img=$(make_image img 1G)
small=$((320 * 2048)) big=$((640 * 2048))

# grow NAME: reload NAME at $big sectors, resume, check the sizes.
grow() {
	expect_ok dmsetup reload "$1" --table "0 $big linear $img 0"
	expect_ok dmsetup resume "$1"
	expect_eq "$(size_of "$(fuse_file "$1")")" $((big * 512)) "FUSE file size after resume"
	expect_eq "$(blockdev --getsize64 "$(mapper "$1")")" $((big * 512)) "loop size after resume"
}

expect_ok dmsetup create gx --table "0 $small linear $img 0"
expect_ok mkfs.xfs -q -f "$(mapper gx)"
mount_dev "$(mapper gx)" "$T/mnt"
head -c 40M /dev/urandom >"$T/mnt/data" || fail "write data"
sum=$(md5sum <"$T/mnt/data")
size0=$(df -B1 --output=size "$T/mnt" | tail -1)
grow gx
expect_ok xfs_growfs "$T/mnt"
size1=$(df -B1 --output=size "$T/mnt" | tail -1)
[ "$size1" -gt $((size0 + 256 * 1024 * 1024)) ] || fail "xfs did not grow: $size0 -> $size1"
head -c 300M /dev/zero >"$T/mnt/fill" || fail "cannot use the grown space"
expect_eq "$(md5sum <"$T/mnt/data")" "$sum" "data after growing"
expect_ok umount "$T/mnt"
expect_ok xfs_repair -n "$(mapper gx)"
expect_ok dmsetup remove gx

expect_ok dmsetup create ge --table "0 $small linear $img 0"
expect_ok mkfs.ext4 -q -F "$(mapper ge)"
mount_dev "$(mapper ge)" "$T/mnt"
head -c 40M /dev/urandom >"$T/mnt/data" || fail "write data"
sum=$(md5sum <"$T/mnt/data")
grow ge
if has_cap_sys_resource; then
	expect_ok resize2fs "$(mapper ge)"
	size=$(df -B1 --output=size "$T/mnt" | tail -1)
	[ "$size" -gt $((500 * 1024 * 1024)) ] || fail "ext4 did not grow: $size"
else
	echo "note: no CAP_SYS_RESOURCE here, ext4 grown offline instead" >&2
	expect_ok umount "$T/mnt"
	expect_ok e2fsck -fy "$(mapper ge)"
	expect_ok resize2fs "$(mapper ge)"
	mount_dev "$(mapper ge)" "$T/mnt"
fi
expect_eq "$(md5sum <"$T/mnt/data")" "$sum" "data after growing"
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$(mapper ge)"
expect_ok dmsetup remove ge
pass
