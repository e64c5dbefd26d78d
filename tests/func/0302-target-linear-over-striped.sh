#!/usr/bin/env bash
# Stacking: a linear device over a striped one (named by its mapped-device
# name) sends its data through both mappings to the right places, and a
# flush reaches every stripe.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
requires nbdcopy python3
start_daemon

a=$(make_image a.img 4M)
b=$(make_image b.img 4M)
# 2 x 16 sectors, 8192 sectors in all (4 MiB).
expect_ok dmsetup create strip --table "0 8192 striped 2 16 $a 0 $b 0"
# The linear device starts 160 sectors into strip (chunk 10), 4000 long.
expect_ok dmsetup create lin --table "0 4000 linear strip 160"
expect_eq "$(dmsetup table lin)" "0 4000 linear strip 160" "table of the stacked device"

head -c $((4000 * 512)) /dev/urandom >"$T/data"
expect_ok nbdcopy "$T/data" "$(nbd_uri lin)"
# Read back the whole striped device and check the data sits at 160.
expect_ok nbdcopy "$(nbd_uri strip)" "$T/strip"
expect_same_bytes "$T/data" 0 "$T/strip" $((160 * 512)) $((4000 * 512)) "linear over striped"
# And on the images: chunk 10 of strip = stripe 0 (a), its chunk 5.
expect_same_bytes "$T/data" 0 "$a" $((5 * 16 * 512)) $((16 * 512)) "first chunk on a"
expect_same_bytes "$T/data" $((16 * 512)) "$b" $((5 * 16 * 512)) $((16 * 512)) "second chunk on b"
nbdpy lin "h.flush()" >/dev/null || fail "flush through linear over striped"
table_reloads lin
table_reloads strip
expect_ok dmsetup remove lin
expect_ok dmsetup remove strip

# A stripe over a device that fails: its reads fail, the other stripe's
# work, and status marks the failing stripe D (only once it has failed).
expect_ok dmsetup create bad --table "0 4096 error"
expect_ok dmsetup create half --table "0 8192 striped 2 16 $a 0 bad 0"
expect_eq "$(dmsetup status half)" "0 8192 striped 2 $a bad 1 AA" "status before errors"
nbdpy half "h.pread(8192, 0)" >/dev/null || fail "read of a chunk on the good stripe"
nbdpy half "h.pread(8192, 8192)" >/dev/null 2>&1 && fail "read of a chunk on the failing stripe"
expect_eq "$(dmsetup status half)" "0 8192 striped 2 $a bad 1 AD" "status after an error"
pass
