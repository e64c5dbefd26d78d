#!/usr/bin/env bash
# Metadata safety of ulvm's LVM commands on image files:
#  - a broken text checksum on one of three PVs: a warning, the VG stays
#    usable, the next write repairs the copy;
#  - a stale copy (older seqno) on one PV: a warning, vgck --updatemetadata
#    repairs it;
#  - a crash between commit steps (test hook ULVM_TEST_CRASH_AFTER=write
#    or =precommit): the VG reads as before the command, the next command
#    works;
#  - a full metadata area: a clear error, nothing half written.
. "$(dirname "$0")/lib.sh"
requires python3

a=$(make_image a.img 64M) b=$(make_image b.img 64M) c=$(make_image c.img 64M)
expect_ok pvcreate "$a" "$b" "$c"
expect_ok vgcreate vg "$a" "$b" "$c"
expect_ok lvcreate -an -l 2 -n one vg

# Flips a byte in the committed text of the first mda of $1.
corrupt_text() {
	python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(4096)
    h = f.read(512)
    start, = struct.unpack_from("<Q", h, 24)
    off, size = struct.unpack_from("<QQ", h, 40)
    f.seek(start + off + size // 2)
    b = f.read(1)
    f.seek(start + off + size // 2)
    f.write(bytes([b[0] ^ 0x55]))
PY
}

corrupt_text "$c"
out=$(lvscan 2>&1) || fail "lvscan after damage: $out"
expect_match "$out" "WARNING: .*$c"
expect_match "$out" "'$ULVM_DEV_DIR/vg/one'"
expect_ok lvcreate -an -l 2 -n two vg
out=$(vgck vg 2>&1) || fail "vgck: $out"
[ -z "$out" ] || fail "warnings remain after the repairing write: $out"

# A stale copy: c's metadata area from before a change.
dd if="$c" of="$T/c-mda" bs=4096 count=256 status=none
expect_ok lvcreate -an -l 1 -n three vg
dd if="$T/c-mda" of="$c" bs=4096 count=256 conv=notrunc status=none
out=$(vgck vg 2>&1)
expect_match "$out" "WARNING: .*$c"
expect_ok vgck --updatemetadata vg
out=$(vgck vg 2>&1)
[ -z "$out" ] || fail "stale copy not repaired: $out"

# Crashes between commit steps leave the previous VG.
for step in write precommit; do
	ULVM_TEST_CRASH_AFTER=$step lvcreate -an -l 1 -n crash_$step vg >/dev/null 2>&1
	expect_eq "$?" 99 "exit status of the crash hook after $step"
	out=$(lvscan 2>&1) || fail "lvscan after crash at $step: $out"
	[[ $out == *crash_$step* ]] && fail "half-committed LV visible after crash at $step"
	expect_ok lvcreate -an -l 1 -n after_$step vg
	expect_match "$(lvscan)" "after_$step"
done

# A full metadata area: small mdas, LVs until the text does not fit.
d=$(make_image d.img 256M)
expect_ok pvcreate --dataalignment 64k --metadatasize 32k "$d"
expect_ok vgcreate -s 64k vgs "$d"
full=0
for i in $(seq 1 400); do
	if ! out=$(lvcreate -an -l 1 -n lv$i vgs 2>&1); then full=$i; break; fi
done
[ "$full" -gt 1 ] || fail "the small metadata area never filled"
expect_match "$out" "(metadata|space)"
n=$(lvscan | grep -c "vgs/")
expect_eq "$n" "$((full - 1))" "LVs after the full metadata area"
expect_ok lvremove -y vgs/lv1
expect_ok lvcreate -an -l 1 -n again vgs
pass
