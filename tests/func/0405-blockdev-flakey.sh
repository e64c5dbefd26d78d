#!/usr/bin/env bash
# A mounted filesystem whose device turns flakey with error_writes: reads
# still work, writes fail and the filesystem sees the errors (sync fails,
# ext4 goes read-only); the daemon keeps serving. Back on linear, the
# device works again after a remount.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.ext4
start_daemon

img=$(make_image img 128M)
sectors=$((128 * 2048))
expect_ok dmsetup create fl --table "0 $sectors linear $img 0"
expect_ok mkfs.ext4 -q -F -O ^has_journal "$(mapper fl)"
mount_dev "$(mapper fl)" "$T/mnt"
head -c 4M /dev/urandom >"$T/mnt/old" || fail "write while healthy"
sync -f "$T/mnt" || fail "sync while healthy"
sum=$(md5sum <"$T/mnt/old")
echo 3 >/proc/sys/vm/drop_caches

# Down from now on, for an hour: every write fails, reads pass.
expect_ok dmsetup reload fl --table "0 $sectors flakey $img 0 0 3600 1 error_writes"
expect_ok dmsetup suspend fl
expect_ok dmsetup resume fl
expect_eq "$(md5sum <"$T/mnt/old")" "$sum" "reading old data while writes fail"
head -c 4M /dev/urandom >"$T/mnt/new" 2>/dev/null
sync -f "$T/mnt" 2>/dev/null && fail "sync succeeded although every write fails"
dd if=/dev/zero of="$(mapper fl)" bs=4k count=1 seek=30000 oflag=direct status=none 2>/dev/null &&
	fail "a direct write to the block device succeeded while flakey"
expect_ok dmsetup info fl
expect_ok dmsetup status fl

# Healthy again: the daemon never went away, the device works.
expect_ok dmsetup reload fl --table "0 $sectors linear $img 0"
expect_ok dmsetup resume fl
umount "$T/mnt" 2>/dev/null || umount -l "$T/mnt"
expect_ok dd if=/dev/zero of="$(mapper fl)" bs=4k count=1 seek=30000 oflag=direct status=none
mount_dev "$(mapper fl)" "$T/mnt"
expect_eq "$(md5sum <"$T/mnt/old")" "$sum" "old data after the errors"
expect_ok umount "$T/mnt"
expect_ok dmsetup remove fl
pass
