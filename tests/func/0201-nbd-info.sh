#!/usr/bin/env bash
# nbdinfo sees every mapped device as an export of the right size, with our
# block sizes and flags; read-only devices are read-only exports; --list
# lists them all; unknown and default ("") exports are refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires nbdinfo
start_daemon

img=$(make_image a.img 64M)
expect_ok dmsetup create lin --table "0 100000 linear $img 0"
expect_ok dmsetup create -r ro --table "0 2048 linear $img 4096"

expect_eq "$(nbdinfo --size "$(nbd_uri lin)")" $((100000 * 512)) "size of lin"
expect_eq "$(nbdinfo --size "$(nbd_uri ro)")" $((2048 * 512)) "size of ro"
out=$(nbdinfo "$(nbd_uri lin)") || fail "nbdinfo lin"
expect_match "$out" "block_size_minimum: 512" "minimum block size"
expect_match "$out" "block_size_preferred: 4096" "preferred block size"
expect_match "$out" "block_size_maximum: 33554432" "maximum block size"
expect_match "$out" "is_read_only: false" "lin writable"
expect_match "$out" "can_flush: true" "flush"
expect_match "$out" "can_fua: true" "fua"
expect_match "$out" "can_trim: true" "trim"
expect_match "$out" "can_zero: true" "write zeroes"
expect_match "$out" "can_multi_conn: true" "multi-conn"
expect_match "$out" "using structured" "structured replies"
out=$(nbdinfo "$(nbd_uri ro)") || fail "nbdinfo ro"
expect_match "$out" "is_read_only: true" "ro is read-only"

out=$(nbdinfo --list "nbd+unix:///?socket=$NBD_SOCK") || fail "nbdinfo --list"
expect_match "$out" 'export="lin"' "list shows lin"
expect_match "$out" 'export="ro"' "list shows ro"
expect_eq "$(printf '%s\n' "$out" | grep -c '^export=')" 2 "number of exports listed"

expect_fail nbdinfo "$(nbd_uri nosuch)"
expect_fail nbdinfo "nbd+unix:///?socket=$NBD_SOCK"

# A device appears and goes away: the list follows.
expect_ok dmsetup remove ro
out=$(nbdinfo --list "nbd+unix:///?socket=$NBD_SOCK") || fail "nbdinfo --list"
expect_eq "$(printf '%s\n' "$out" | grep -c '^export=')" 1 "exports after removal"
pass
