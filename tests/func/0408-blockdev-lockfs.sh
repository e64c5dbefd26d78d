#!/usr/bin/env bash
# dm's lockfs: suspending a device with a mounted filesystem freezes the
# filesystem first, so the image on disk is consistent while suspended
# (fsck clean, new files present); writers wait; resume thaws it.
. "$(dirname "$0")/lib.sh"
requires mkfs.ext4 fsck.ext4 debugfs losetup
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"

img=$(make_image a.img 128M)
expect_ok dmsetup create lin --table "0 262144 linear $img 0"
dev="$ULVM_DEV_DIR/mapper/lin"
[ -b "$(readlink -f "$dev")" ] || skip "no block device attached ($(cat "$ULVM_RUN_DIR/ulvmd.log"))"
expect_ok mkfs.ext4 -q -F "$dev"
mkdir "$T/mnt"
expect_ok mount "$dev" "$T/mnt"
expect_match "$(dmsetup info lin)" "Open count: +1" "open count while mounted"
data=$(random_file data 4)
cp "$data" "$T/mnt/f" # no sync: the freeze must write it out

expect_ok dmsetup suspend lin
expect_match "$(dmsetup info lin)" "State: +SUSPENDED" "info while suspended"
# The image alone is a clean filesystem holding the file.
expect_ok fsck.ext4 -fn "$img"
debugfs -R "cat /f" "$img" 2>/dev/null >"$T/f.back"
cmp -s "$data" "$T/f.back" || fail "file written before the suspend is not in the image"
# A writer waits while frozen...
( echo late >"$T/mnt/late" ) &
writer=$!
sleep 1
kill -0 "$writer" 2>/dev/null || fail "a write went through while the device was suspended"
expect_ok dmsetup resume lin
# ...and goes on after the resume.
wait "$writer" || fail "the waiting writer failed after resume"
expect_eq "$(cat "$T/mnt/late")" late "file written across the suspend"

# --nolockfs leaves the filesystem alone: no freeze, so a later thaw of an
# unfrozen filesystem must not be attempted either.
expect_ok dmsetup suspend --nolockfs lin
expect_ok dmsetup resume lin
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$dev"
expect_ok dmsetup remove lin
pass
