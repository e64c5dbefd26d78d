#!/usr/bin/env bash
# Whole-device copies through real clients: nbdcopy in both directions
# (one and several connections), qemu-img convert; data checked against
# the image file with cmp.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires nbdcopy qemu-img
start_daemon

img=$(make_image a.img 48M)
data=$(random_file data 48)
expect_ok dmsetup create lin --table "0 $((48 * 2048)) linear $img 0"

expect_ok nbdcopy "$data" "$(nbd_uri lin)"
cmp -s "$data" "$img" || fail "nbdcopy to the device: image differs"
expect_ok nbdcopy "$(nbd_uri lin)" "$T/out1"
cmp -s "$data" "$T/out1" || fail "nbdcopy from the device: copy differs"

# Several connections at once (nbdcopy uses multi-conn when offered).
data2=$(random_file data2 48)
expect_ok nbdcopy --connections=4 --requests=16 "$data2" "$(nbd_uri lin)"
cmp -s "$data2" "$img" || fail "4-connection nbdcopy: image differs"
expect_ok nbdcopy --connections=4 "$(nbd_uri lin)" "$T/out2"
cmp -s "$data2" "$T/out2" || fail "4-connection nbdcopy back: copy differs"

# qemu's client (no structured replies for plain reads of raw data).
expect_ok qemu-img convert -f raw -O raw "$(nbd_uri lin)" "$T/out3"
cmp -s "$data2" "$T/out3" || fail "qemu-img convert from the device differs"
expect_ok qemu-img convert -n -f raw -O raw "$data" "$(nbd_uri lin)"
cmp -s "$data" "$img" || fail "qemu-img convert to the device: image differs"

# An offset linear mapping reads the right part of the image.
expect_ok dmsetup create part --table "0 2048 linear $img 4096"
expect_ok nbdcopy "$(nbd_uri part)" "$T/part"
cmp -s "$T/part" <(dd if="$img" bs=512 skip=4096 count=2048 status=none) ||
	fail "offset mapping reads the wrong bytes"
pass
