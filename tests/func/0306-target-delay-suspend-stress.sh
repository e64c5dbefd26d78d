#!/usr/bin/env bash
# Many ios queued in delay (on several workers) while the device is
# suspended and resumed over and over: every io completes, the data
# verifies, and nothing is left queued. Run with an ASan build to catch
# the timer/presuspend hand-over going wrong.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
requires fio
start_daemon --workers 2

img=$(make_image img 64M)
a=$(make_image a.img 32M)
b=$(make_image b.img 32M)
expect_ok dmsetup create strip --table "0 131072 striped 2 64 $a 0 $b 0"
expect_ok dmsetup create d --table "0 131072 delay strip 0 20 strip 0 30 strip 0 50"

fio --name=stress --ioengine=nbd --uri="$(nbd_uri d)" --rw=randrw --bs=4k --size=16M --offset_increment=16M \
	--iodepth=32 --numjobs=2 --time_based --runtime=4 --verify=crc32c \
	--verify_fatal=1 --do_verify=1 --output="$T/fio.out" &
fio_pid=$!
sleep 0.5
for _ in $(seq 20); do
	expect_ok dmsetup suspend d
	expect_ok dmsetup resume d
	sleep 0.1
done
wait "$fio_pid" || { cat "$T/fio.out" >&2; fail "fio reported errors"; }
expect_eq "$(dmsetup status d)" "0 131072 delay 0 0 0" "nothing left queued"
expect_ok dmsetup remove d
expect_ok dmsetup remove strip
pass
