#!/usr/bin/env bash
# mknodes: $ULVM_DEV_DIR/mapper/NAME links to the attached block device
# come back when lost; links pointing nowhere go; devices without a block
# device get none; anything but a symlink is left alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
mapper="$ULVM_DEV_DIR/mapper"

start_daemon
expect_ok dmsetup create d1 --table "0 2048 zero"
blockdev=$(dmsetup info -c --noheadings -o blkdevname d1)
if [ -n "$blockdev" ]; then
	rm -f "$mapper/d1"
	expect_ok dmsetup mknodes
	expect_eq "$(readlink "$mapper/d1")" "/dev/$blockdev" "restored link"
	ln -sfn /dev/null "$mapper/d1"
	expect_ok dmsetup mknodes d1
	expect_eq "$(readlink "$mapper/d1")" "/dev/$blockdev" "corrected link"
fi
mkdir -p "$mapper"
ln -s "$T/nowhere" "$mapper/stale"
echo keep >"$mapper/plain"
expect_ok dmsetup mknodes
[ -L "$mapper/stale" ] && fail "dangling link left"
expect_eq "$(cat "$mapper/plain")" keep "plain file left alone"
expect_ok dmsetup remove d1
stop_daemon

start_daemon --attach never
expect_ok dmsetup create d2 --table "0 8 zero"
ln -s "$T" "$mapper/d2"
expect_ok dmsetup mknodes d2
[ -e "$mapper/d2" ] && fail "link of a device without block device left"
expect_error "device 'nosuch' not found" dmsetup mknodes nosuch
expect_ok dmsetup remove d2
pass
