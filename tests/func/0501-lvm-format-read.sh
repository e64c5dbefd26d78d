#!/usr/bin/env bash
# Real LVM2 writes a VG with linear and striped LVs on loop devices; ulvm's
# LVM2-format library (through tests/tools/lvmdump) must read the same
# VG/PV/LV facts, re-export every on-disk copy byte for byte, produce the
# same backup file as vgcfgbackup, and survive a damaged copy.
. "$(dirname "$0")/lib.sh"
requires losetup /usr/sbin/lvm
LVMDUMP="$ULVM_BIN/../tests/tools/lvmdump"
[ -x "$LVMDUMP" ] || skip "lvmdump not built"

a=$(make_image a.img 64M)
b=$(make_image b.img 64M)
A=$(losetup -f --show "$a") || skip "no loop devices"
B=$(losetup -f --show "$b") || skip "no loop devices"
DEVS="$A,$B"
# Real LVM2, limited to our two loop devices, never activating anything.
lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$DEVS" "${@:2}" 2>/dev/null; }
norm() { awk '{$1=$1; print}' | sort; }

expect_ok lvm2 pvcreate "$A" "$B"
expect_ok lvm2 vgcreate vg "$A" "$B"
expect_ok lvm2 lvcreate -an -Zn -L 40M -n lin vg
expect_ok lvm2 lvcreate -an -Zn -l 8 -i 2 -I 64 -n str vg
expect_ok lvm2 lvcreate -an -Zn -l 3 -n l2 vg
expect_ok lvm2 lvextend -l +2 vg/lin
expect_ok lvm2 lvcreate -an -Zn -l 1 -n gone vg
expect_ok lvm2 lvremove -f vg/gone

out=$("$LVMDUMP" read "$A" "$B") || fail "lvmdump read failed"
expect_eq "$(echo "$out" | sed -n 's/^vg //p' | norm)" \
	"$(lvm2 vgs --noheadings --units b --nosuffix \
		-o vg_name,seqno,vg_extent_size,pv_count,lv_count,vg_size,vg_free,vg_uuid vg | norm)" "vgs"
expect_eq "$(echo "$out" | sed -n 's/^pv //p' | norm)" \
	"$(lvm2 pvs --noheadings --units b --nosuffix \
		-o pv_name,vg_name,pv_size,pv_free,pe_start,pv_pe_count,pv_uuid | norm)" "pvs"
expect_eq "$(echo "$out" | sed -n 's/^lv //p' | norm)" \
	"$(lvm2 lvs --noheadings --units b --nosuffix -o lv_name,lv_size,seg_pe_ranges vg | norm)" "lvs"

# Every on-disk copy re-exported from the model is byte-identical.
rt=$("$LVMDUMP" roundtrip "$A" "$B") || fail "roundtrip differs: $rt"
expect_match "$rt" "mda0: seqno 7 identical" "roundtrip"

# The backup file form equals vgcfgbackup's.
expect_ok lvm2 vgcfgbackup -f "$T/backup" vg
desc=$(sed -n 's/^description = "\(.*\)"$/\1/p' "$T/backup")
when=$(sed -n 's/^creation_time = \([0-9]*\).*/\1/p' "$T/backup")
"$LVMDUMP" backup "$desc" "$when" "$A" "$B" >"$T/ours" || fail "lvmdump backup failed"
cmp -s "$T/backup" "$T/ours" || fail "backup differs: $(diff "$T/backup" "$T/ours" | head -20)"

# Damage the committed text on the first PV: the other copy is used, with
# a warning, and the VG is the same.
off=$(python3 -c "
import struct
with open('$a','rb') as f:
    f.seek(4096); h=f.read(512)
print(4096 + struct.unpack_from('<Q', h, 40)[0] + 20)")
# A byte that is surely different from the one there (a random uuid
# character may well be an X).
was=$(dd if="$A" bs=1 skip="$off" count=1 status=none)
[ "$was" = X ] && bad=Y || bad=X
printf '%s' "$bad" | dd of="$A" bs=1 seek="$off" conv=notrunc status=none
out2=$("$LVMDUMP" read "$A" "$B" 2>"$T/err") || fail "read with a damaged copy failed"
expect_eq "$out2" "$out" "VG read beside a damaged copy"
expect_match "$(cat "$T/err")" "checksum mismatch" "warning on the damaged copy"

# The next ulvm commit repairs the damaged copy: both PVs carry seqno 8
# and LVM2 finds the VG consistent.
expect_ok "$LVMDUMP" lvcreate vg fix 1 1 0 normal -- "$A" "$B"
rt=$("$LVMDUMP" roundtrip "$A" "$B" 2>&1) || fail "roundtrip after repair: $rt"
expect_eq "$(echo "$rt" | grep -c 'seqno 8 identical')" 2 "repaired copies"
expect_ok lvm2 vgck vg
expect_match "$(lvm2 lvs --noheadings -o lv_name vg)" "fix" "LVM2 sees the new LV"
pass
