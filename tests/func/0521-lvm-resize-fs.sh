#!/usr/bin/env bash
# lvextend -r grows a mounted xfs (xfs_growfs) and ext4 (resize2fs online
# where the container grants CAP_SYS_RESOURCE, else offline after e2fsck)
# while a writer keeps writing to it; lvreduce -r shrinks an unmounted
# ext4 (fsck first) before the LV. A reduce below the filesystem without
# -r, and shrinking xfs, are refused with nothing changed. Data verified
# by checksums; LVM2 reads the result as ulvm reports it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/resize.sh"
requires_blockdev
requires mkfs.ext4 resize2fs e2fsck dumpe2fs mkfs.xfs xfs_growfs xfs_repair
make_loops 500M A B
expect_ok pvcreate "$A" "$B"
expect_ok vgcreate -s 4m vg "$A" "$B"

# writer DIR: writes files into DIR until stopped; sets WPID.
writer() {
	(while :; do dd if=/dev/urandom of="$1/w" bs=1M count=4 conv=fsync status=none || exit 1; done) &
	WPID=$!
	at_cleanup "kill $WPID"
}
stop_writer() {
	kill "$WPID" 2>/dev/null
	wait "$WPID" 2>/dev/null
}
fs_bytes() { df -B1 --output=size "$1" | tail -1; }
ext_bytes() { dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Block count/ {c=$2} /^Block size/ {s=$2} END {print c * s}'; }

# xfs, mounted, grown online under a writer.
expect_ok lvcreate -L 320M -n x vg
X="$ULVM_DEV_DIR/vg/x"
expect_ok mkfs.xfs -q -f "$X"
mount_dev "$X" "$T/mx"
head -c 40M /dev/urandom >"$T/mx/data" || fail "write xfs data"
sum=$(md5sum <"$T/mx/data")
size0=$(fs_bytes "$T/mx")
writer "$T/mx"
out=$(lvextend -r -L +200M vg/x 2>&1) || fail "lvextend -r xfs: $out"
stop_writer
expect_match "$out" "Logical volume vg/x successfully resized."
size1=$(fs_bytes "$T/mx")
[ "$size1" -gt $((size0 + 150 * 1024 * 1024)) ] || fail "xfs did not grow: $size0 -> $size1"
expect_eq "$(md5sum <"$T/mx/data")" "$sum" "xfs data after growing"
expect_eq "$(blockdev --getsize64 "$X")" $((520 * 1024 * 1024)) "block device size after lvextend"

# xfs cannot shrink: refused, nothing changed.
s=$(seqno vg)
expect_fail lvreduce -r -f -L 400M vg/x
expect_match "$ERR" "Xfs filesystem shrinking is unsupported."
expect_eq "$(seqno vg)" "$s" "seqno after a refused xfs shrink"
expect_eq "$(blockdev --getsize64 "$X")" $((520 * 1024 * 1024)) "size after a refused xfs shrink"
expect_ok umount "$T/mx"
expect_ok xfs_repair -n "$X"

# ext4: grown online when allowed, else offline (e2fsck, resize2fs).
expect_ok lvcreate -L 200M -n e vg
E="$ULVM_DEV_DIR/vg/e"
expect_ok mkfs.ext4 -q -F "$E"
mount_dev "$E" "$T/me"
head -c 40M /dev/urandom >"$T/me/data" || fail "write ext4 data"
sum=$(md5sum <"$T/me/data")
if has_cap_sys_resource; then
	writer "$T/me"
	out=$(lvextend -r -L +100M vg/e 2>&1) || fail "lvextend -r ext4 online: $out"
	stop_writer
else
	echo "note: no CAP_SYS_RESOURCE here, ext4 grown offline instead" >&2
	expect_ok umount "$T/me"
	out=$(lvextend -r -L +100M vg/e 2>&1) || fail "lvextend -r ext4 offline: $out"
	mount_dev "$E" "$T/me"
fi
[ "$(fs_bytes "$T/me")" -gt $((250 * 1024 * 1024)) ] || fail "ext4 did not grow: $(fs_bytes "$T/me")"
expect_eq "$(md5sum <"$T/me/data")" "$sum" "ext4 data after growing"
expect_ok umount "$T/me"
expect_eq "$(ext_bytes "$E")" $((300 * 1024 * 1024)) "ext4 size after growing"

# Reducing below the filesystem without -r: asked, no answer = no.
s=$(seqno vg)
expect_fail lvreduce -L 100M vg/e </dev/null
expect_match "$ERR" "Logical volume vg/e NOT reduced."
expect_eq "$(seqno vg)" "$s" "seqno after a refused reduce"
expect_eq "$(blockdev --getsize64 "$E")" $((300 * 1024 * 1024)) "size after a refused reduce"

# lvreduce -r: e2fsck, resize2fs to the new size, then the LV.
out=$(lvreduce -r -f -L 120M vg/e 2>&1) || fail "lvreduce -r: $out"
expect_match "$out" "Logical volume vg/e successfully resized."
expect_eq "$(blockdev --getsize64 "$E")" $((120 * 1024 * 1024)) "size after lvreduce -r"
[ "$(ext_bytes "$E")" -le $((120 * 1024 * 1024)) ] || fail "ext4 larger than its LV: $(ext_bytes "$E")"
expect_ok fsck.ext4 -fn "$E"
mount_dev "$E" "$T/me"
expect_eq "$(md5sum <"$T/me/data")" "$sum" "ext4 data after shrinking"
expect_ok umount "$T/me"

# A mounted ext4 is not shrunk.
mount_dev "$E" "$T/me"
s=$(seqno vg)
expect_fail lvreduce -r -f -L 100M vg/e
expect_match "$ERR" "unmount"
expect_eq "$(seqno vg)" "$s" "seqno after refusing a mounted shrink"
expect_ok umount "$T/me"

# An inactive LV is activated for the filesystem step and left inactive.
expect_ok lvchange -an vg/e
out=$(lvextend -r -L +40M vg/e 2>&1) || fail "lvextend -r of an inactive LV: $out"
dmsetup info vg-e >/dev/null 2>&1 && fail "vg/e left active"
expect_ok lvchange -ay vg/e
expect_eq "$(ext_bytes "$E")" $((160 * 1024 * 1024)) "ext4 size after lvextend -r of the inactive LV"
mount_dev "$E" "$T/me"
expect_eq "$(md5sum <"$T/me/data")" "$sum" "ext4 data after the offline grow"
expect_ok umount "$T/me"

expect_ok lvchange -an vg/x vg/e
same_as_lvm2 "after the filesystem resizes"
pass
