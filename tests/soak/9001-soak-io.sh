#!/usr/bin/env bash
# Soak: fio with crc32c verification over NBD on delay-over-striped while
# the table is reloaded and the device suspended/resumed in a loop, for
# SOAK_SECONDS. Any lost or misplaced write fails the verification.
. "$(dirname "$0")/../func/lib.sh"
requires fio
secs=${SOAK_SECONDS:-600}
a=$(make_image a.img 256M)
b=$(make_image b.img 256M)
table="0 524288 striped 2 128 $a 0 $b 0"
expect_ok dmsetup create st --table "$table"
expect_ok dmsetup create top --table "0 524288 delay st 0 1"
fio --name=soak --ioengine=nbd --uri="$(nbd_uri top)" --rw=randrw --bs=4k-256k \
	--iodepth=16 --size=256M --time_based --runtime="$secs" --verify=crc32c \
	--do_verify=1 --verify_fatal=1 --verify_backlog=1024 >"$T/fio.log" 2>&1 &
fio_pid=$!
at_cleanup "kill $fio_pid"
cycles=0
while kill -0 "$fio_pid" 2>/dev/null; do
	expect_ok dmsetup suspend top
	expect_ok dmsetup load top --table "0 524288 delay st 0 $((cycles % 3))"
	expect_ok dmsetup resume top
	cycles=$((cycles + 1))
	sleep 0.5
done
wait "$fio_pid" || { tail -20 "$T/fio.log"; fail "fio verification failed after $cycles cycles"; }
echo "$cycles suspend/reload/resume cycles"
pass
