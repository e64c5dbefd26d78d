#!/usr/bin/env bash
# pvck --dump and --repair against real LVM2 2.03.16 on the test's own loop
# devices (activation off, only those loops visible to LVM2):
#  - a VG made by LVM2 (several metadata copies in the circular buffer);
#    ulvm's `pvck --dump headers|metadata|metadata_all|metadata_search`
#    prints exactly what LVM2's prints, on the loop device and on the image
#    file under it, and -f FILE writes the same text files. Nothing needs
#    masking: every line comes from the disk, and both read the same bytes.
#  - the label sector and the mda header sector of the image are zeroed;
#    both dump the same CHECK lines. LVM2's own `pvck --repair -y -f
#    backup` is run on that damage first and its result kept; the damage is
#    put back and ulvm's repair must write the very same headers and
#    metadata text. Then LVM2 and ulvm read the VG as before (vgs/lvs
#    identical), and LVM2's pvck and vgck pass.
#  - refusals: a PV the backup does not hold, a blank device whose name the
#    backup does not hint, and "n" at the prompt; nothing is written.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root for loop devices"
[ -x /usr/sbin/pvck ] || skip "LVM2 not installed"

a=$(make_image a.img 64M) b=$(make_image b.img 64M) c=$(make_image c.img 64M)
A=$(losetup -f --show "$a") && B=$(losetup -f --show "$b") && C=$(losetup -f --show "$c") ||
	skip "no loop devices"
# LVM2 sees only our loops. pvck --dump refuses a device named through
# --devices ("not in devices list"), so a filter does the limiting.
lvm2() {
	LVM_SUPPRESS_FD_WARNINGS=1 "/usr/sbin/$1" --config "global{activation=0} devices{use_devicesfile=0 filter=[\"a|^$A\$|\",\"a|^$B\$|\",\"a|^$C\$|\",\"r|.*|\"]}" "${@:2}"
}
flush() { blockdev --flushbufs "$A" "$B" "$C"; }

expect_ok lvm2 pvcreate "$A" "$B"
expect_ok lvm2 vgcreate vg "$A"
expect_ok lvm2 lvcreate -an -Zn -L 8M -n one vg
expect_ok lvm2 lvcreate -an -Zn -L 12M -n two vg
expect_ok lvm2 lvextend -L 16M vg/one
expect_ok lvm2 vgcreate other "$B"
expect_ok lvm2 vgcfgbackup -f "$T/vg.backup" vg
flush

# --- dumps equal LVM2's ------------------------------------------------
for what in headers metadata metadata_all metadata_search; do
	want=$(lvm2 pvck --dump "$what" "$A" 2>/dev/null)
	wrc=$?
	for dev in "$A" "$a"; do
		got=$(pvck --dump "$what" "$dev" 2>/dev/null)
		grc=$?
		expect_eq "$got" "$want" "pvck --dump $what $dev"
		expect_eq "$grc" "$wrc" "exit status of pvck --dump $what $dev"
	done
done
expect_match "$(pvck --dump headers "$A")" "metadata text at [0-9]+ crc 0x[0-9a-f]+ # vgname vg seqno 4"
expect_eq "$(pvck --dump metadata_all "$A" | grep -c "^  metadata at")" 4 "copies found"
for what in metadata metadata_all; do
	expect_ok lvm2 pvck --dump "$what" -f "$T/lvm2.$what" "$A"
	expect_ok pvck --dump "$what" -f "$T/ulvm.$what" "$A"
	cmp -s "$T/lvm2.$what" "$T/ulvm.$what" || fail "pvck --dump $what -f differs from LVM2's"
done
# -f never overwrites a file (LVM2 opens it "wx").
expect_fail pvck --dump metadata -f "$T/ulvm.metadata" "$A"
expect_match "$ERR" "Failed to create file"

vgs_cmd=(vgs --noheadings --units b -o vg_name,vg_uuid,pv_count,lv_count,vg_size,vg_free,vg_seqno vg)
lvs_cmd=(lvs --noheadings --units b -o lv_name,lv_uuid,lv_size,seg_pe_ranges vg)
lvm2_vgs=$(lvm2 "${vgs_cmd[@]}" 2>/dev/null) || fail "LVM2 vgs"
lvm2_lvs=$(lvm2 "${lvs_cmd[@]}" 2>/dev/null) || fail "LVM2 lvs"
ulvm_vgs=$("${vgs_cmd[@]}" --devices "$A" 2>/dev/null) || fail "ulvm vgs"
ulvm_lvs=$("${lvs_cmd[@]}" --devices "$A" 2>/dev/null) || fail "ulvm lvs"
expect_match "$ulvm_vgs" "^ *vg +[-0-9A-Za-z]{38} +1 +2 " "ulvm vgs before the damage"
expect_match "$ulvm_lvs" "one .*two " "ulvm lvs before the damage"

# --- damage: label sector and mda header sector of the image ------------
dd if=/dev/zero of="$a" bs=512 seek=1 count=1 conv=notrunc,fsync status=none
dd if=/dev/zero of="$a" bs=512 seek=8 count=1 conv=notrunc,fsync status=none
flush
cp "$a" "$T/damaged.img"
want=$(lvm2 pvck --dump headers "$A" 2>/dev/null)
got=$(pvck --dump headers "$A" 2>/dev/null)
expect_eq "$got" "$want" "pvck --dump headers of the damaged PV"
expect_match "$got" "CHECK: label_header.crc expected 0x2c81f10"
out=$(lvm2 "${vgs_cmd[@]}" 2>&1) && fail "LVM2 still sees vg after the damage: $out"

# LVM2's repair of that damage, kept for comparison.
expect_ok lvm2 pvck --repair -y -f "$T/vg.backup" "$A"
flush
lvm2_rep_headers=$(lvm2 pvck --dump headers "$A" 2>/dev/null) || fail "LVM2 dump after its repair"
expect_ok lvm2 pvck --dump metadata -f "$T/lvm2.repaired" "$A"
dd if="$T/damaged.img" of="$a" bs=1M conv=notrunc,fsync status=none
flush

# --- refusals -------------------------------------------------------------
sum_b=$(sha256sum <"$b") sum_c=$(sha256sum <"$c")
expect_fail pvck --repair -y -f "$T/vg.backup" "$B"
expect_match "$ERR" "PV UUID [0-9A-Za-z]{32} in existing pv_header not found in metadata file"
expect_fail pvck --repair -y -f "$T/vg.backup" "$C"
expect_match "$ERR" "PV name $C not found in metadata file"
out=$(echo n | pvck --repair -f "$T/vg.backup" "$A" 2>&1) && fail "repair went on after 'n': $out"
expect_match "$out" "Write new LVM header to $A\? \[y/n\]"
flush
expect_eq "$(sha256sum <"$b")" "$sum_b" "PV of another VG untouched"
expect_eq "$(sha256sum <"$c")" "$sum_c" "blank device untouched"
cmp -s "$a" "$T/damaged.img" || fail "'n' at the prompt still wrote to the PV"

# --- ulvm's repair ----------------------------------------------------------
out=$(pvck --repair -y -f "$T/vg.backup" "$A" 2>&1) || fail "pvck --repair: $out"
expect_match "$out" "Writing label_header.crc 0x[0-9a-f]{8} pv_header uuid [0-9A-Za-z]{32} device_size 67108864"
expect_match "$out" "Writing data_offset 1048576 mda1_offset 4096 mda1_size 1044480 mda2_offset 0 mda2_size 0"
expect_match "$out" "Writing mda_header at 4096 mda1"
flush
got=$(lvm2 pvck --dump headers "$A" 2>/dev/null) || fail "LVM2 pvck --dump headers after ulvm's repair"
expect_eq "$got" "$lvm2_rep_headers" "headers after ulvm's repair vs after LVM2's"
expect_eq "$(pvck --dump headers "$A" 2>/dev/null)" "$got" "ulvm's dump after the repair"
expect_ok pvck --dump metadata -f "$T/ulvm.repaired" "$A"
cmp -s "$T/lvm2.repaired" "$T/ulvm.repaired" || fail "metadata text after ulvm's repair differs from LVM2's"

expect_eq "$(lvm2 "${vgs_cmd[@]}" 2>/dev/null)" "$lvm2_vgs" "LVM2 vgs after the repair"
expect_eq "$(lvm2 "${lvs_cmd[@]}" 2>/dev/null)" "$lvm2_lvs" "LVM2 lvs after the repair"
expect_eq "$("${vgs_cmd[@]}" --devices "$A" 2>/dev/null)" "$ulvm_vgs" "ulvm vgs after the repair"
expect_eq "$("${lvs_cmd[@]}" --devices "$A" 2>/dev/null)" "$ulvm_lvs" "ulvm lvs after the repair"
expect_ok lvm2 pvck "$A"
expect_ok lvm2 vgck vg
expect_ok pvck "$A"
pass
