#!/usr/bin/env bash
# Locking: concurrent lvcreate on one VG all succeed and the VG stays
# consistent. Bad input: unknown VG/LV/PV, duplicate and invalid names, too
# little space, a device already in another VG, a mounted device: each a
# one-line-ish error, a failing status, and nothing written.
. "$(dirname "$0")/lib.sh"

a=$(make_image a.img 128M) b=$(make_image b.img 128M) c=$(make_image c.img 64M)
expect_ok pvcreate "$a" "$b" "$c"
expect_ok vgcreate vg "$a" "$b"

# Two (and more) lvcreate at once.
pids=()
for i in 1 2 3 4 5 6; do
	lvcreate -an -l 2 -n par$i vg >"$T/par$i.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent lvcreate failed: $(cat "$T"/par*.log)"; done
expect_eq "$(lvscan | grep -c "/vg/par")" 6 "LVs after concurrent lvcreate"
out=$(vgck vg 2>&1) || fail "vgck: $out"
[ -z "$out" ] || fail "vgck warns after concurrent lvcreate: $out"

sum() { md5sum "$a" "$b" "$c" | cut -d' ' -f1 | tr '\n' ' '; }
before=$(sum)
check() { # check STATUS REGEX CMD...: fails with STATUS, message matches, nothing written
	local want=$1 re=$2
	shift 2
	ERR=$("$@" 2>&1 >/dev/null)
	local rc=$?
	expect_eq "$rc" "$want" "exit status of '$*'"
	expect_match "$ERR" "$re" "message of '$*'"
	expect_eq "$(sum)" "$before" "devices after '$*'"
}
check 5 'Volume group "novg" not found' lvcreate -an -L 4M -n x novg
check 5 'Failed to find logical volume "vg/nolv"' lvremove -y vg/nolv
check 5 'Logical Volume "par1" already exists in volume group "vg"' lvcreate -an -l 1 -n par1 vg
check 3 'Logical volume name "-x" is invalid' lvcreate -an -l 1 -n -x vg
check 3 'Names starting "snapshot" are reserved' lvcreate -an -l 1 -n snapshot1 vg
check 3 'New volume group name "b!d" is invalid' vgcreate 'b!d' "$c"
check 5 'A volume group called vg already exists' vgcreate vg "$c"
check 5 'insufficient free space' lvcreate -an -L 10G -n big vg
check 5 "Physical volume '$a' is already in volume group 'vg'" vgcreate vg2 "$a"
check 5 "Can't initialize physical volume \"$a\" of volume group \"vg\" without -ff" pvcreate "$a"
check 5 "PV $a is used by VG vg" pvremove "$a"
check 5 "Cannot use $T/none.img" pvcreate "$T/none.img"
check 3 '--size may not be zero' lvcreate -an -L 0 -n z vg
check 3 'Invalid argument for --size' lvcreate -an -L 12Q -n z vg
check 3 'Invalid stripe size' lvcreate -an -L 8M -i 2 -I 3k -n z vg
check 5 'must not exceed number of physical volumes' lvcreate -an -L 8M -i 3 -n z vg
check 3 'unrecognized option' lvcreate --bogus vg

# A mounted device is refused.
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null; then
	m=$(make_image m.img 32M)
	mkfs.ext4 -q -F "$m" && mkdir -p "$T/mnt" && mount -o loop "$m" "$T/mnt" || fail "mount"
	expect_fail pvcreate -y "$m"
	expect_match "$ERR" "Mounted filesystem"
	umount "$T/mnt"
	head -c 4096 "$m" | grep -q LABELONE && fail "a label was written on the mounted device"
	expect_ok fsck.ext4 -fn "$m"
fi
# More devices than descriptors: the scan opens them all at once, and one
# it could not open then is opened again on its own turn; the PV listed
# after 70 other devices, with only 40 descriptors, is still found.
p=$(make_image many-pv.img 16M)
expect_ok pvcreate "$p"
many=""
for i in $(seq 70); do many="$many$(make_image many$i.img 1M),"; done
out=$(ulimit -n 40 && pvs --noheadings -o pv_name --devices "$many$p" 2>&1)
expect_match "$out" "$p" "the PV after 70 other devices, with 40 descriptors"
pass
