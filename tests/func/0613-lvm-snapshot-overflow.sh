#!/usr/bin/env bash
# A snapshot that fills up: Data% grows, then it becomes invalid (lvs
# attr 'I' in the state column as LVM2, lv_snapshot_invalid set, Data%
# blank), its reads fail, and the origin carries on intact. lvremove of
# the origin takes the invalid snapshot along (-f).
. "$(dirname "$0")/lib.sh"
requires losetup
[ "$(id -u)" = 0 ] || skip "needs root for the loop block device"

a=$(make_image a.img 200M)
expect_ok pvcreate "$a"
expect_ok vgcreate vg "$a"
expect_ok lvcreate -L 40M -n lv vg
dev="$ULVM_RUN_DIR/dev/vg-lv"
head -c 40M /dev/urandom >"$T/t0"
dd if="$T/t0" of="$dev" bs=1M conv=notrunc,fsync status=none || fail "fill origin"
expect_ok lvcreate -s -L 8M -n snap vg/lv
expect_eq "$(lvs --noheadings -o data_percent vg/snap | tr -d ' ')" "0.00" "Data% of a new snapshot"

head -c 2M /dev/urandom >"$T/w"
dd if="$T/w" of="$dev" bs=1M seek=1 conv=notrunc,fsync status=none || fail "write 1"
cp "$T/t0" "$T/want"
dd if="$T/w" of="$T/want" bs=1M seek=1 conv=notrunc status=none
pct=$(lvs --noheadings -o data_percent vg/snap | tr -d ' ')
awk -v p="$pct" 'BEGIN { exit !(p > 20 && p < 40) }' || fail "Data% after 2 MiB into 8 MiB: $pct"

# Overflow it.
head -c 12M /dev/urandom >"$T/w2"
dd if="$T/w2" of="$dev" bs=1M seek=10 conv=notrunc,fsync status=none || fail "origin write failed"
dd if="$T/w2" of="$T/want" bs=1M seek=10 conv=notrunc status=none
cmp -s "$dev" "$T/want" || fail "origin not intact after the overflow"
out=$(lvs --noheadings -o lv_name,lv_attr,data_percent,lv_snapshot_invalid vg/snap | tr -s ' ')
expect_match "$out" "^ snap swi-I-s--- +snapshot invalid$" "invalid snapshot in lvs"
expect_match "$(dmsetup status vg-snap)" "Invalid" "status"
dd if="$ULVM_RUN_DIR/dev/vg-snap" of=/dev/null bs=4k count=1 status=none 2>/dev/null &&
	fail "an invalid snapshot still reads"
expect_fail lvconvert --merge vg/snap
expect_match "$ERR" "Unable to merge invalidated snapshot LV vg/snap\."
out=$(lvremove -f vg/lv 2>&1) || fail "lvremove origin: $out"
expect_match "$out" 'Logical volume "snap" successfully removed'
expect_match "$out" 'Logical volume "lv" successfully removed'
for d in vg-lv vg-lv-real vg-snap vg-snap-cow; do
	dmsetup info $d >/dev/null 2>&1 && fail "$d still there"
done
[ -z "$(lvs --noheadings vg 2>/dev/null)" ] || fail "LVs left"
pass
