#!/usr/bin/env bash
# A device's logical block size follows its table, as the kernel's: crypt
# with sector_size:4096 gives a 4096-byte-sector block device and NBD
# export; plain linear stays at 512.
. "$(dirname "$0")/lib.sh"
requires blockdev nbdinfo
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"

img=$(make_image a.img 64M)
key=$(printf '%064d' 7)
expect_ok dmsetup create lin --table "0 131072 linear $img 0"
expect_ok dmsetup create enc --table "0 131072 crypt aes-xts-plain64 $key 0 $img 0 1 sector_size:4096"
for d in lin enc; do
	[ -b "$(readlink -f "$ULVM_DEV_DIR/mapper/$d")" ] || skip "no block device attached"
done
expect_eq "$(blockdev --getss "$ULVM_DEV_DIR/mapper/lin")" 512 "linear logical sector size"
expect_eq "$(blockdev --getss "$ULVM_DEV_DIR/mapper/enc")" 4096 "crypt sector_size:4096 logical sector size"
expect_match "$(nbdinfo "$(nbd_uri enc)")" "block_size_minimum: 4096" "nbdinfo of the crypt export"
expect_match "$(nbdinfo "$(nbd_uri lin)")" "block_size_minimum: 512" "nbdinfo of the linear export"
expect_ok dmsetup remove enc
expect_ok dmsetup remove lin
pass
