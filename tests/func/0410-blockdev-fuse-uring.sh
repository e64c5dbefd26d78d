#!/usr/bin/env bash
# FUSE over io_uring: with the fuse module's enable_uring on (switched on
# for the test, the previous value restored after), ulvmd takes the FUSE
# requests of its block devices on its workers' rings. The seed scenario
# runs over the block device (ext4, files written and checked, fio verify
# with direct I/O, suspend/resume under writes, online grow), and ulvmd's
# own count at stop proves the ring served it. Then `--fuse-uring never`
# keeps to /dev/fuse although the kernel offers the ring.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.ext4 fsck.ext4 resize2fs fio
param=/sys/module/fuse/parameters/enable_uring
[ -w "$param" ] || skip "no fuse.enable_uring parameter (kernel without FUSE over io_uring)"
prev=$(cat "$param")
at_cleanup "echo $prev >$param"
echo Y >"$param" || skip "cannot switch fuse.enable_uring on"

# served_over PATH: the count ulvmd logged at stop for PATH (io_uring or
# /dev/fuse); fails when there is no such line.
served_over() {
	local line
	line=$(grep -o "fuse: [0-9]* requests over io_uring, [0-9]* over /dev/fuse" \
		"$ULVM_RUN_DIR/ulvmd.log" | tail -1)
	[ -n "$line" ] || fail "no FUSE request count in ulvmd.log"
	case $1 in
	io_uring) echo "$line" | awk '{print $2}' ;;
	*) echo "$line" | awk '{print $6}' ;;
	esac
}

start_daemon
grep -q "fuse: requests over io_uring" "$ULVM_RUN_DIR/ulvmd.log" ||
	fail "ulvmd did not take the ring at INIT: $(grep fuse: "$ULVM_RUN_DIR/ulvmd.log")"

img=$(make_image img 1G)
small=$((256 * 2048)) big=$((512 * 2048))
expect_ok dmsetup create u --table "0 $small linear $img 0"
dev=$(expect_blockdev u)
expect_ok mkfs.ext4 -q -F "$(mapper u)"
mount_dev "$(mapper u)" "$T/mnt"

# Files of odd sizes, written and read back after dropping the caches.
mkdir -p "$T/src" "$T/mnt/files"
for i in $(seq 20); do head -c $((RANDOM * 8 + i)) /dev/urandom >"$T/src/f$i"; done
cp "$T"/src/* "$T/mnt/files/" || fail "copy into the filesystem"
sync -f "$T/mnt"
echo 3 >/proc/sys/vm/drop_caches
for f in "$T"/src/*; do
	cmp -s "$f" "$T/mnt/files/$(basename "$f")" || fail "$(basename "$f") differs after write"
done

# Direct I/O through the filesystem, every block checked.
expect_ok fio --name=v --directory="$T/mnt" --ioengine=libaio --direct=1 --rw=randwrite \
	--bs=4k --iodepth=32 --size=48M --verify=crc32c --verify_fatal=1 --output=/dev/null

# Suspend and resume while a writer runs: the writes wait, none is lost.
(
	n=0
	while [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		cp "$T"/src/f1 "$T/mnt/w$n" && sync -f "$T/mnt" || exit 1
	done
	echo "$n" >"$T/rounds"
) &
writer=$!
at_cleanup "touch $T/stop; wait $writer"
for i in $(seq 6); do
	sleep 0.2
	expect_ok dmsetup suspend u
	sleep 0.1
	expect_ok dmsetup resume u
done
touch "$T/stop"
wait "$writer" || fail "the writer failed during suspend/resume"
for f in "$T"/mnt/w*; do cmp -s "$T/src/f1" "$f" || fail "$f differs"; done

# Online grow: the loop device follows, and so does ext4 where allowed.
expect_ok dmsetup reload u --table "0 $big linear $img 0"
expect_ok dmsetup resume u
expect_eq "$(blockdev --getsize64 "$dev")" $((big * 512)) "loop size after grow"
if has_cap_sys_resource; then
	expect_ok resize2fs "$(mapper u)"
fi

expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$(mapper u)"
mount_dev "$(mapper u)" "$T/mnt"
for f in "$T"/src/*; do
	cmp -s "$f" "$T/mnt/files/$(basename "$f")" || fail "$(basename "$f") differs after remount"
done
expect_ok umount "$T/mnt"
expect_ok dmsetup remove u
stop_daemon
ring=$(served_over io_uring)
[ "$ring" -gt 10000 ] || fail "only $ring FUSE requests came over io_uring"
echo "requests over io_uring: $ring, over /dev/fuse: $(served_over /dev/fuse)"

# Told not to, ulvmd keeps to /dev/fuse.
mv "$ULVM_RUN_DIR/ulvmd.log" "$T/ulvmd-1.log"
start_daemon --fuse-uring never
expect_ok dmsetup create n --table "0 $small linear $img 0"
expect_ok dd if="$(mapper n)" of=/dev/null bs=1M count=16 iflag=direct status=none
expect_ok dmsetup remove n
stop_daemon
expect_eq "$(served_over io_uring)" 0 "requests over io_uring with --fuse-uring never"
[ "$(served_over /dev/fuse)" -gt 16 ] || fail "the device was not read through /dev/fuse"
pass
