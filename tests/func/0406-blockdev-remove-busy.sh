#!/usr/bin/env bash
# remove refuses while the block device is mounted, naming the device and
# the mount; works after umount, or with -f after a lazy umount. A daemon
# killed with -9 leaves a dead FUSE mount, loops and links: the next start
# cleans them up, and leaves everyone else's loop devices alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.ext4
start_daemon

img=$(make_image img 64M)
expect_ok dmsetup create b --table "0 131072 linear $img 0"
dev=$(expect_blockdev b)
expect_ok mkfs.ext4 -q -F "$(mapper b)"
mount_dev "$(mapper b)" "$T/mnt"
expect_fail dmsetup remove b
expect_match "$ERR" "'b' is in use: $dev is mounted on '$T/mnt'" "refusal message"
expect_fail ulvmd --stop
expect_ok dmsetup info b
expect_ok umount "$T/mnt"
expect_ok dmsetup remove b
[ -e "$(mapper b)" ] && fail "link left after remove"

# Forced, after a lazy umount.
expect_ok dmsetup create b --table "0 131072 linear $img 0"
mount_dev "$(mapper b)" "$T/mnt"
expect_fail dmsetup remove b
umount -l "$T/mnt"
expect_ok dmsetup remove -f b
[ -e "$(mapper b)" ] && fail "link left after a forced remove"

# kill -9 with two devices attached (one mounted); a foreign loop device
# over a file of ours must survive the cleanup untouched.
other=$(make_image other 8M)
foreign=$(losetup -f --show "$other") || fail "losetup"
expect_ok dmsetup create k1 --table "0 131072 linear $img 0"
expect_ok dmsetup create k2 --table "0 65536 zero"
expect_blockdev k1 >/dev/null
expect_blockdev k2 >/dev/null
pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid")
kill -9 "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
stat "$ULVM_RUN_DIR/dev" >/dev/null 2>&1 && fail "FUSE mount still answers after kill -9"
[ -L "$(mapper k1)" ] || fail "expected a stale link to clean"
start_daemon
stat "$ULVM_RUN_DIR/dev" >/dev/null || fail "no working FUSE mount after restart"
[ -e "$(mapper k1)" ] && fail "stale link k1 left"
[ -e "$(mapper k2)" ] && fail "stale link k2 left"
losetup -n -O NAME,BACK-FILE | grep -q "$ULVM_RUN_DIR/dev/" && fail "stale loop left"
expect_eq "$(losetup -n -O BACK-FILE "$foreign")" "$other" "foreign loop device"
losetup -d "$foreign"
expect_ok dmsetup create k1 --table "0 131072 linear $img 0"
expect_blockdev k1 >/dev/null
expect_ok dmsetup remove k1
pass
