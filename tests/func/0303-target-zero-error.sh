#!/usr/bin/env bash
# zero reads zeros and swallows writes; error fails reads and writes; a
# table mixing them with linear behaves piece by piece.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
requires nbdcopy python3
start_daemon

expect_ok dmsetup create z --table "0 8192 zero"
head -c $((8192 * 512)) /dev/zero >"$T/zeros"
expect_ok nbdcopy "$(nbd_uri z)" "$T/out"
cmp -s "$T/zeros" "$T/out" || fail "zero device did not read as zeros"
random_file data 4 >/dev/null
expect_ok nbdcopy "$T/data" "$(nbd_uri z)"
expect_ok nbdcopy "$(nbd_uri z)" "$T/out"
cmp -s "$T/zeros" "$T/out" || fail "zero device kept written data"
expect_eq "$(dmsetup status z)" "0 8192 zero " "zero status"
expect_eq "$(dmsetup table z)" "0 8192 zero " "zero table"
table_reloads z

expect_ok dmsetup create e --table "0 8192 error"
nbdpy e "h.pread(4096, 0)" >/dev/null 2>&1 && fail "read from error device succeeded"
nbdpy e "h.pwrite(bytes(4096), 0)" >/dev/null 2>&1 && fail "write to error device succeeded"
table_reloads e

# linear [0,2048) error [2048,4096) zero [4096,8192)
img=$(make_image img 4M)
head -c 4M /dev/urandom >"$img"
printf '0 2048 linear %s 0\n2048 2048 error\n4096 4096 zero\n' "$img" >"$T/mixed.table"
expect_ok dmsetup create mixed "$T/mixed.table"
nbdpy mixed "assert h.pread(512, 2047 * 512) == open('$img', 'rb').read()[2047 * 512:2048 * 512]" ||
	fail "linear part of the mixed table"
nbdpy mixed "h.pread(512, 2048 * 512)" >/dev/null 2>&1 && fail "error part of the mixed table read"
nbdpy mixed "assert h.pread(4096, 5000 * 512) == bytes(4096)" || fail "zero part of mixed table"
# A read across linear and error fails as a whole.
nbdpy mixed "h.pread(4096, 2046 * 512)" >/dev/null 2>&1 && fail "read across into error succeeded"
table_reloads mixed
pass
