#!/usr/bin/env bash
# The FUSE file of a device, used directly: sized as the device, its bytes
# are the image's (reads and writes at any offset, aligned or not),
# fsync, fallocate zero-range/punch-hole, busy while open (a remove waits
# for a close under way), read-only devices, names that
# cannot be paths, and a daemon started with --attach=never.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/targets.sh"
requires_blockdev
requires fallocate
start_daemon

img=$(make_image img 16M)
head -c 16M /dev/urandom >"$img"
expect_ok dmsetup create f --table "0 16384 linear $img 4096"
file=$(fuse_file f)
expect_eq "$(size_of "$file")" $((16384 * 512)) "FUSE file size"
ls -l "$ULVM_RUN_DIR/dev" | grep -q " f$" || fail "f not listed in $ULVM_RUN_DIR/dev"
expect_same_bytes "$file" 0 "$img" $((4096 * 512)) $((16384 * 512)) "whole file"
expect_same_bytes "$file" 12345 "$img" $((4096 * 512 + 12345)) 77777 "unaligned read"
# Reads stop at the end of the device.
expect_eq "$(bytes_at "$file" $((16384 * 512 - 100)) 1000 | wc -c)" 100 "read across the end"

head -c 1M /dev/urandom >"$T/w"
expect_ok dd if="$T/w" of="$file" bs=64k seek=3 conv=notrunc,fsync status=none
expect_same_bytes "$T/w" 0 "$img" $((4096 * 512 + 3 * 65536)) 1048576 "aligned write"
printf 'odd bytes here' >"$T/odd"
expect_ok dd if="$T/odd" of="$file" bs=1 seek=1000003 conv=notrunc status=none
expect_same_bytes "$T/odd" 0 "$img" $((4096 * 512 + 1000003)) 14 "unaligned write"
expect_same_bytes "$file" 0 "$img" $((4096 * 512)) $((16384 * 512)) "whole file after writes"
# Through the loop device too, and the same bytes on both paths.
dev=$(expect_blockdev f)
cmp -s "$dev" "$file" || fail "loop device and FUSE file differ"
# Writing past the end fails; the size cannot change.
dd if="$T/odd" of="$file" bs=512 seek=16384 conv=notrunc status=none 2>/dev/null &&
	fail "write past the end succeeded"
truncate -s 1M "$file" 2>/dev/null && fail "truncate succeeded"

expect_ok fallocate -z -o 65536 -l 131072 "$file"
cmp -s <(bytes_at "$img" $((4096 * 512 + 65536)) 131072) <(head -c 131072 /dev/zero) ||
	fail "zero-range did not zero the image"
expect_ok fallocate -p -o 1048576 -l 1048576 "$file"
# Open files keep the device: busy while one stays open; a remove issued
# while the last one is being closed waits for that close (FUSE tells the
# daemon after close(2) returns; the kernel's dm would see it at once).
exec 3<"$file"
expect_fail dmsetup remove f
expect_match "$ERR" "busy" "remove of an open device file"
(sleep 0.3; exec 3<&-) &
exec 3<&-
expect_ok dmsetup remove f
wait

# Read-only: the file is 0400, writes fail, the loop device is read-only.
expect_ok dmsetup create ro -r --table "0 2048 linear $img 0"
expect_eq "$(stat -c %a "$(fuse_file ro)")" 400 "mode of a read-only device file"
dd if=/dev/zero of="$(fuse_file ro)" bs=512 count=1 conv=notrunc status=none 2>/dev/null &&
	fail "write to a read-only device file succeeded"
expect_eq "$(blockdev --getro "$(mapper ro)")" 1 "loop of a read-only device"
expect_ok dmsetup remove ro

# Names that cannot be paths never reach the exports.
for bad in "a/b" ".." "." "$(printf 'x\ty')" "$(printf 'c\001')" "$(head -c 200 /dev/zero | tr '\0' n)"; do
	expect_fail dmsetup create "$bad" --table "0 8 zero"
done
expect_eq "$(ls "$ULVM_RUN_DIR/dev" | wc -l)" 0 "files after refused names"

# --attach=never: FUSE file and NBD, no block device, the reason logged.
stop_daemon
start_daemon --attach=never
expect_ok dmsetup create n --table "0 2048 linear $img 0"
[ -e "$(mapper n)" ] && fail "a link with --attach=never"
expect_eq "$(size_of "$(fuse_file n)")" $((2048 * 512)) "FUSE file with --attach=never"
grep -q "attach=never" "$ULVM_RUN_DIR/ulvmd.log" || fail "reason not logged"
expect_ok dmsetup remove n
pass
