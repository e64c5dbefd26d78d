#!/usr/bin/env bash
# vgcfgrestore beside the drill: -l lists the archives oldest first then
# the backup (LVM2's "File: / VG name: / Description: / Backup Time:"
# blocks), --test writes nothing, -f FILE restores an archive (an LV
# removed since comes back), bad input fails with one clear message and
# nothing changes: a backup of another VG, no VG name, a missing file,
# active LVs without -y. vgcfgbackup -f FILE (a template with %s for
# several VGs) writes what vgcfgrestore -f reads.
. "$(dirname "$0")/lib.sh"

a=$(make_image a.img 64M) b=$(make_image b.img 64M)
expect_ok pvcreate "$a" "$b"
expect_ok vgcreate vg "$a"
expect_ok vgcreate other "$b"
expect_ok lvcreate -an -L 8M -n keep vg
expect_ok lvcreate -an -L 8M -n gone vg

out=$(vgcfgrestore -l vg 2>&1) || fail "vgcfgrestore -l: $out"
expect_match "$out" "File:		$ULVM_SYSTEM_DIR/archive/vg_00000-[0-9]+\.vg"
expect_match "$out" "vg_00000-.*vg_00001-.*File:		$ULVM_SYSTEM_DIR/backup/vg" "listing order"
expect_match "$out" "VG name:    	vg"
expect_match "$out" "Description:	Created \*before\* executing 'lvcreate -an -L 8M -n gone vg'"
expect_match "$out" "Description:	Created \*after\* executing 'lvcreate -an -L 8M -n gone vg'"
expect_match "$out" "Backup Time:	[A-Z][a-z][a-z] "
arch=$(ls "$ULVM_SYSTEM_DIR"/archive/vg_00001-*.vg)
out=$(vgcfgrestore -l -f "$arch" 2>&1) || fail "vgcfgrestore -l -f: $out"
expect_match "$out" "File:		$arch"
expect_match "$out" "executing 'lvcreate -an -L 8M -n gone vg'"
out=$(vgcfgrestore -l nosuch 2>&1) || fail "vgcfgrestore -l nosuch: $out"
expect_match "$out" "No archives found in $ULVM_SYSTEM_DIR/archive\."

expect_ok lvremove -y vg/gone
expect_eq "$(lvs --noheadings -o lv_name vg | tr -d ' ')" "keep" "LVs after lvremove"
seq0=$(vgs --noheadings -o vg_seqno vg | tr -d ' ')
arch=$(ls "$ULVM_SYSTEM_DIR"/archive/vg_00002-*.vg) # before the lvremove

# --test: the same checks, nothing written.
out=$(vgcfgrestore --test -f "$arch" vg 2>&1) || fail "vgcfgrestore --test: $out"
expect_match "$out" "Restored volume group vg\."
expect_eq "$(vgs --noheadings -o vg_seqno vg | tr -d ' ')" "$seq0" "seqno after --test"

# Bad input: nothing changes.
expect_fail vgcfgrestore -f "$ULVM_SYSTEM_DIR/backup/other" vg
expect_match "$ERR" "'$ULVM_SYSTEM_DIR/backup/other' does not contain volume group 'vg'\."
expect_match "$ERR" "Restore failed\."
expect_fail vgcfgrestore
expect_match "$ERR" "Please specify a \*single\* volume group to restore\."
expect_fail vgcfgrestore -f "$T/nosuch" vg
expect_match "$ERR" "nosuch"
expect_fail vgcfgrestore -f "$arch" 'bad$name'
expect_eq "$(vgs --noheadings -o vg_seqno vg | tr -d ' ')" "$seq0" "seqno after refused restores"

# Active LVs: asks, and without -y (no terminal answer) aborts.
expect_ok lvchange -ay vg/keep
expect_fail vgcfgrestore -f "$arch" vg </dev/null
expect_match "$ERR" "Found 1 active volume\(s\) in volume group \"vg\""
expect_eq "$(vgs --noheadings -o vg_seqno vg | tr -d ' ')" "$seq0" "seqno after the aborted restore"
expect_ok lvchange -an vg/keep

# The archive brings the removed LV back; the seqno moves forward.
out=$(vgcfgrestore -f "$arch" vg 2>&1) || fail "vgcfgrestore -f: $out"
expect_match "$out" "Restored volume group vg\."
expect_eq "$(lvs --noheadings -o lv_name vg | tr -d ' ' | sort | tr '\n' ' ')" "gone keep " "LVs after restore"
seq1=$(vgs --noheadings -o vg_seqno vg | tr -d ' ')
[ "$seq1" -gt "$seq0" ] || fail "seqno $seq1 not above $seq0"
expect_ok vgck vg
grep -q "Created \*after\* executing 'vgcfgrestore -f $arch vg'" "$ULVM_SYSTEM_DIR/backup/vg" ||
	fail "backup not rewritten after the restore"

# vgcfgbackup -f: the file name is a template ("%s" = the VG name, one
# file per VG); two VGs into one file are refused as LVM2 refuses them.
# ulvm's own file restores the VG.
out=$(vgcfgbackup -f "$T/cfg_%s.vg" 2>&1) || fail "vgcfgbackup -f template: $out"
expect_match "$out" "Volume group \"vg\" successfully backed up\." "vgcfgbackup of vg"
expect_match "$out" "Volume group \"other\" successfully backed up\." "vgcfgbackup of other"
grep -q '^vg {' "$T/cfg_vg.vg" && grep -q '^other {' "$T/cfg_other.vg" || fail "template files"
expect_fail vgcfgbackup -f "$T/one.vg"
expect_match "$ERR" "VGs must be backed up into different files. Use %s in filename for VG name\."
expect_ok lvremove -y vg/gone
expect_ok vgcfgrestore -f "$T/cfg_vg.vg" vg
expect_eq "$(lvs --noheadings -o lv_name vg | tr -d ' ' | sort | tr '\n' ' ')" "gone keep " \
	"LVs after restoring vgcfgbackup's file"

# Archive numbers go on from the VG's highest, which ulvm remembers
# instead of reading the folder each time; a file that appeared behind
# its back (another tool, a hand-made copy) must still count.
highest() { ls "$ULVM_SYSTEM_DIR"/archive/vg_*.vg | sed 's/.*vg_0*\([0-9][0-9]*\)-.*/\1/' | sort -n | tail -1; }
expect_ok lvcreate -an -L 8M -n n1 vg
h=$(highest)
expect_ok lvcreate -an -L 8M -n n2 vg
expect_eq "$(highest)" "$((h + 1))" "archive number after a remembered one"
touch "$ULVM_SYSTEM_DIR/archive/vg_00090-1.vg"
expect_ok lvremove -y vg/n1
expect_eq "$(highest)" "91" "archive number after a foreign archive"
expect_ok lvremove -y vg/n2
expect_eq "$(highest)" "92" "archive number after that"

# Where the last commit left each PV's text is remembered for the scan to
# read ahead (text-hint/); a wrong or garbled hint changes nothing read.
ls "$ULVM_RUN_DIR"/text-hint/* >/dev/null 2>&1 || fail "no text hint after a commit"
for h in "$ULVM_RUN_DIR"/text-hint/*; do printf '4096 65536\nxx 12\n' >"$h"; done
expect_eq "$(lvs --noheadings -o lv_name vg | tr -d ' ' | sort | tr '\n' ' ')" "gone keep " "LVs read with wrong text hints"
expect_ok lvcreate -an -L 8M -n n3 vg
hint="$ULVM_RUN_DIR/text-hint/$(printf '%s' "$a" | tr / '!')"
[ -s "$hint" ] || fail "no text hint for $a"
grep -q "^4096 65536" "$hint" && fail "the commit left the wrong text hint of $a"
expect_ok vgck vg
pass
