#!/usr/bin/env bash
# fio's nbd engine: random writes at queue depth 32 verified by crc32c,
# mixed sizes, two jobs (two connections) on separate halves at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires fio
start_daemon

img=$(make_image a.img 64M)
expect_ok dmsetup create lin --table "0 $((64 * 2048)) linear $img 0"
uri=$(nbd_uri lin)
cd "$T" || fail "cd $T"

run_fio() { # run_fio NAME ARGS...: fio must succeed without errors
	local out
	out=$(fio --name="$1" --ioengine=nbd --uri="$uri" --output-format=terse \
		--terse-version=3 "${@:2}" 2>&1) || fail "fio $1: $out"
	printf '%s\n' "$out" | grep -q '^3;' || fail "fio $1 printed no result: $out"
	# Field 5 is the job's error code.
	printf '%s\n' "$out" | awk -F';' '/^3;/ && $5 != 0 {exit 1}' || fail "fio $1: job error: $out"
}

run_fio randwrite --rw=randwrite --bs=4k --iodepth=32 --size=16M \
	--verify=crc32c --do_verify=1 --verify_fatal=1
run_fio mixed --rw=randwrite --bsrange=512-256k --iodepth=16 --size=16M --offset=16M \
	--verify=crc32c --do_verify=1 --verify_fatal=1
run_fio twojobs --rw=randwrite --bs=64k --iodepth=8 --size=16M --numjobs=2 \
	--offset=32M --offset_increment=16M --verify=crc32c --do_verify=1 --verify_fatal=1
run_fio seqread --rw=read --bs=1M --iodepth=4 --size=64M
pass
