#!/usr/bin/env bash
# A filesystem workload runs while the table is reloaded (same mapping,
# switched between linear and a 1-stripe striped table) and the device is
# suspended and resumed many times: I/O from the block device waits, no
# acknowledged write is lost (checksums after a remount and fsck).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
requires_blockdev
requires mkfs.ext4 fsck.ext4
start_daemon

img=$(make_image img 256M)
sectors=$((256 * 2048))
expect_ok dmsetup create s --table "0 $sectors linear $img 0"
expect_ok mkfs.ext4 -q -F "$(mapper s)"
mount_dev "$(mapper s)" "$T/mnt"
mkdir -p "$T/src"
for i in $(seq 40); do head -c $((RANDOM * 16 + 4096)) /dev/urandom >"$T/src/f$i"; done

# The workload: copy, sync, copy again under other names, until told to stop.
(
	n=0
	while [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		mkdir -p "$T/mnt/r$n" && cp "$T"/src/* "$T/mnt/r$n/" && sync -f "$T/mnt" || exit 1
		[ "$n" -gt 8 ] && rm -rf "$T/mnt/r$((n - 8))"
	done
	echo "$n" >"$T/rounds"
) &
worker=$!
at_cleanup "touch $T/stop; wait $worker"

for i in $(seq 12); do
	sleep 0.3
	if ((i % 2)); then
		table="0 $sectors striped 1 128 $img 0"
	else
		table="0 $sectors linear $img 0"
	fi
	expect_ok dmsetup reload s --table "$table"
	expect_ok dmsetup suspend s
	sleep 0.2
	expect_ok dmsetup resume s
	expect_match "$(dmsetup info s)" "State: +ACTIVE" "state after resume $i"
done
touch "$T/stop"
wait "$worker" || fail "the workload failed during suspend/resume"
echo "workload rounds: $(cat "$T/rounds")"

expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$(mapper s)"
mount_dev "$(mapper s)" "$T/mnt"
for d in "$T"/mnt/r*; do
	for f in "$T"/src/*; do
		cmp -s "$f" "$d/$(basename "$f")" || fail "$d/$(basename "$f") differs"
	done
done
expect_ok umount "$T/mnt"
expect_ok dmsetup remove s
pass
