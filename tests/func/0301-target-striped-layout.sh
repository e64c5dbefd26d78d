#!/usr/bin/env bash
# striped over image files: data written through NBD lands chunk by chunk
# where the striped layout says (power-of-two and odd chunk sizes), reads
# back whole, shows in status, and its table reloads.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
requires nbdcopy python3
start_daemon

a=$(make_image a.img 8M)
b=$(make_image b.img 8M)
c=$(make_image c.img 8M)

# Two stripes, 64-sector (32 KiB) chunks, b's area starting at sector 2048.
expect_ok dmsetup create strip --table "0 16384 striped 2 64 $a 0 $b 2048"
data=$(random_file data 8)
expect_ok nbdcopy "$data" "$(nbd_uri strip)"
check_striped_layout "$data" 64 "$a 0" "$b 2048"
expect_ok nbdcopy "$(nbd_uri strip)" "$T/back"
cmp -s "$data" "$T/back" || fail "data read back through striped differs"
expect_eq "$(dmsetup status strip)" "0 16384 striped 2 $a $b 1 AA" "status"
expect_eq "$(dmsetup table strip)" "0 16384 striped 2 64 $a 0 $b 2048" "table"
table_reloads strip
expect_ok dmsetup remove strip

# Three stripes, 24-sector chunks (not a power of two), odd offsets.
# 3 * 24 * 100 = 7200 sectors.
expect_ok dmsetup create odd --table "0 7200 striped 3 24 $a 7 $b 100 $c 1"
head -c $((7200 * 512)) /dev/urandom >"$T/data3"
expect_ok nbdcopy "$T/data3" "$(nbd_uri odd)"
check_striped_layout "$T/data3" 24 "$a 7" "$b 100" "$c 1"
table_reloads odd

# Unaligned small writes: one 512-byte sector inside chunk 4 (stripe 1,
# its chunk 1) changes exactly that sector of b.
head -c 512 /dev/urandom >"$T/sector"
nbdpy odd "h.pwrite(open('$T/sector', 'rb').read(), (4 * 24 + 5) * 512)" >/dev/null ||
	fail "pwrite through nbd"
expect_same_bytes "$T/sector" 0 "$b" $(((100 + 24 + 5) * 512)) 512 "sector written into chunk 4"

# Invalid tables are refused with the kernel's reasons.
expect_fail dmsetup create bad --table "0 100 striped 3 8 $a 0 $b 0 $c 0"
expect_match "$ERR" "not divisible by number of stripes" "error for length 100 over 3 stripes"
expect_fail dmsetup create bad --table "0 96 striped 2 32 $a 0 $b 0"
expect_match "$ERR" "not divisible by chunk size" "error for chunk size 32"
expect_fail dmsetup create bad --table "0 96 striped 2 8 $a 0"
expect_match "$ERR" "not enough destinations" "error for a missing stripe"
expect_fail dmsetup create bad --table "0 96 striped 2 8x $a 0 $b 0"
expect_match "$ERR" "invalid chunk size" "error for chunk 8x"
pass
