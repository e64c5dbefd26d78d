#!/usr/bin/env bash
# The seed's use: a snapshot of a mounted ext4 origin under write load,
# taken as LVM does (freeze, suspend the origin, load and resume the
# snapshot, resume the origin, thaw; the kernel freezes inside suspend,
# ulvm's suspend does not, so the test freezes by hand). The snapshot
# checks clean and holds exactly the files of the moment it was taken,
# while the origin goes on changing and stays clean too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/snapshot.sh"
requires_blockdev
requires mkfs.ext4 fsck.ext4 fsfreeze
start_daemon

make_stack 128
cow=$(make_image cow.img 64M)
expect_ok mkfs.ext4 -q -F "$(mapper origin)"
mount_dev "$(mapper origin)" "$T/mnt"
mkdir -p "$T/mnt/data"
for i in $(seq 30); do head -c $((RANDOM * 8 + 512)) /dev/urandom >"$T/mnt/data/f$i"; done
sync -f "$T/mnt"

# The load: new files, rewrites of old ones, deletions, fsyncs.
(
	n=0
	while [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		head -c $((RANDOM * 4 + 4096)) /dev/urandom >"$T/mnt/data/new$n" || exit 1
		head -c 8192 /dev/urandom | dd of="$T/mnt/data/f$((n % 30 + 1))" bs=4k \
			conv=notrunc,fsync status=none || exit 1
		[ $n -gt 20 ] && rm -f "$T/mnt/data/new$((n - 20))"
		sync -f "$T/mnt"
	done
) &
load=$!
at_cleanup "touch $T/stop; wait $load"
sleep 2

# Take the snapshot.
expect_ok fsfreeze -f "$T/mnt"
at_cleanup "fsfreeze -u $T/mnt"
tree_sums "$T/mnt" >"$T/sums.snap"
expect_ok dmsetup suspend origin
expect_ok dmsetup create snap --table "0 $sectors snapshot base $cow P 8"
expect_ok dmsetup resume origin
expect_ok fsfreeze -u "$T/mnt"
expect_blockdev snap >/dev/null

sleep 3
touch "$T/stop"
wait "$load" || fail "the write load failed"
expect_match "$(status_of snap)" "^[0-9]+/131072 [0-9]+$" "snapshot usage after the load"
[ "$(tree_sums "$T/mnt")" != "$(cat "$T/sums.snap")" ] || fail "the load changed nothing"

# The snapshot: clean, and the files as they were.
expect_ok fsck.ext4 -fn "$(mapper snap)"
mkdir -p "$T/snapmnt"
expect_ok mount -o ro "$(mapper snap)" "$T/snapmnt"
tree_sums "$T/snapmnt" >"$T/sums.got"
expect_ok umount "$T/snapmnt"
cmp -s "$T/sums.snap" "$T/sums.got" || fail "snapshot files differ: $(diff "$T/sums.snap" "$T/sums.got" | head -5)"

# The origin is clean too.
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$(mapper origin)"
expect_ok dmsetup remove snap
expect_ok dmsetup remove origin
expect_ok dmsetup remove base
pass
