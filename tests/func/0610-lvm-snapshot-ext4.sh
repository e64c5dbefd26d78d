#!/usr/bin/env bash
# The seed's snapshot slide with ulvm's LVM commands on image files: a VG,
# an LV with ext4 mounted and being written, `lvcreate -s -L 40M -n
# lv_snap vg/lv` (suspend freezes the filesystem), the device stack LVM2
# builds (-real, -cow, snapshot P 8, snapshot-origin) with its uuids; the
# snapshot checks clean and mounts read-only with the files of the moment
# it was taken; lvs shows Origin, Data% and the o/s attributes; the
# metadata is LVM2's (snapshot0 with origin/cow_store/chunk_size); a
# snapshot of a snapshot is refused; lvremove takes the snapshot away and
# the origin back to linear.
. "$(dirname "$0")/lib.sh"
requires mkfs.ext4 fsck.ext4 losetup
[ "$(id -u)" = 0 ] || skip "needs root for the loop block device"

tree_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }

a=$(make_image a.img 200M)
expect_ok pvcreate "$a"
expect_ok vgcreate vg "$a"
expect_ok lvcreate -L 100M -n lv vg
dev="$ULVM_DEV_DIR/vg/lv"
expect_ok mkfs.ext4 -q -F "$dev"
mkdir -p "$T/mnt" "$T/snapmnt"
expect_ok mount "$dev" "$T/mnt"
at_cleanup "umount $T/snapmnt 2>/dev/null; umount $T/mnt 2>/dev/null"
mkdir -p "$T/mnt/data"
for i in $(seq 20); do head -c $((RANDOM * 4 + 512)) /dev/urandom >"$T/mnt/data/f$i"; done
sync -f "$T/mnt"

# A writer that keeps going while the snapshot is taken.
(
	n=0
	while [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		head -c 65536 /dev/urandom >"$T/mnt/data/new$n" || exit 1
		head -c 8192 /dev/urandom | dd of="$T/mnt/data/f$((n % 20 + 1))" bs=4k \
			conv=notrunc status=none || exit 1
		[ $n -gt 20 ] && rm -f "$T/mnt/data/new$((n - 20))"
	done
) &
load=$!
at_cleanup "touch $T/stop; wait $load 2>/dev/null"
sleep 1
out=$(lvcreate -s -L 40M -n lv_snap vg/lv 2>&1) || fail "lvcreate -s: $out"
expect_match "$out" 'Logical volume "lv_snap" created.'
sleep 1
touch "$T/stop"
wait "$load" || fail "the writer failed"

# The device stack and names LVM2 uses.
expect_eq "$(dmsetup table vg-lv)" "0 204800 snapshot-origin vg-lv-real" "origin table"
expect_eq "$(dmsetup table vg-lv_snap)" "0 204800 snapshot vg-lv-real vg-lv_snap-cow P 8" \
	"snapshot table"
expect_match "$(dmsetup table vg-lv-real)" "^0 204800 linear " "real table"
expect_match "$(dmsetup table vg-lv_snap-cow)" "^0 81920 linear " "cow table"
expect_match "$(dmsetup info -c --noheadings -o uuid vg-lv-real)" "^LVM-[A-Za-z0-9]{64}-real$" "real uuid"
expect_match "$(dmsetup info -c --noheadings -o uuid vg-lv_snap-cow)" "^LVM-[A-Za-z0-9]{64}-cow$" "cow uuid"
[ -e "$ULVM_DEV_DIR/vg/lv-real" ] && fail "a VG/LV link for the -real layer"
[ -e "$ULVM_DEV_DIR/vg/lv_snap" ] || fail "no $ULVM_DEV_DIR/vg/lv_snap"

# Metadata as LVM2 writes it.
bk="$ULVM_SYSTEM_DIR/backup/vg"
grep -q 'snapshot0 {' "$bk" || fail "no snapshot0 in the backup"
grep -q 'origin = "lv"' "$bk" || fail "no origin key"
grep -q 'cow_store = "lv_snap"' "$bk" || fail "no cow_store key"
grep -q 'chunk_size = 8' "$bk" || fail "no chunk_size key"
awk '/^\t\tlv_snap \{/,/segment_count/' "$bk" | grep -q 'status = \["READ", "WRITE"\]' ||
	fail "COW store not hidden in metadata"

# lvs: Origin, Data%, attributes.
out=$(lvs --noheadings -o lv_name,lv_attr,origin,lv_size vg)
expect_match "$out" "lv +owi-a.s--- +100.00m" "origin row (ulvmd does not count mounts as opens)"
expect_match "$out" "lv_snap +swi-a-s--- +lv +40.00m" "snapshot row"
pct=$(lvs --noheadings -o data_percent vg/lv_snap | tr -d ' ')
expect_match "$pct" '^[0-9]+\.[0-9]{2}$' "Data%"
[ "$(lvs --noheadings -o lv_name vg | wc -l)" = 2 ] || fail "lvs lists internal LVs"
expect_eq "$(vgs --noheadings -o lv_count,snap_count vg | tr -s ' ')" " 2 1" "vgs counts"

# lvdisplay's snapshot lines, as LVM2 prints them.
out=$(lvdisplay vg/lv_snap)
expect_match "$out" "  LV snapshot status     active destination for lv" "lvdisplay status"
expect_match "$out" "  LV Size                100.00 MiB" "lvdisplay size (the origin's)"
expect_match "$out" "  COW-table size         40.00 MiB" "lvdisplay COW size"
expect_match "$out" "  COW-table LE           10" "lvdisplay COW LE"
expect_match "$out" "  Allocated to snapshot  [0-9]+\.[0-9]{2}%" "lvdisplay allocated"
expect_match "$out" "  Snapshot chunk size    4.00 KiB" "lvdisplay chunk"
expect_match "$(lvdisplay vg/lv)" "  LV snapshot status     source of
                         lv_snap \[active\]" "lvdisplay of the origin"

# The snapshot: clean, read-only mount, the files of its moment.
expect_ok fsck.ext4 -fn "$ULVM_DEV_DIR/vg/lv_snap"
expect_ok mount -o ro "$ULVM_DEV_DIR/vg/lv_snap" "$T/snapmnt"
[ -f "$T/snapmnt/data/f1" ] || fail "snapshot lacks data/f1"
tree_sums "$T/snapmnt" >"$T/snap.sums" || fail "reading the snapshot"
expect_ok umount "$T/snapmnt"
# The origin keeps changing; the snapshot does not.
head -c 4M /dev/urandom >"$T/mnt/data/after"
sync -f "$T/mnt"
expect_ok mount -o ro "$ULVM_DEV_DIR/vg/lv_snap" "$T/snapmnt"
[ -e "$T/snapmnt/data/after" ] && fail "a later file shows in the snapshot"
tree_sums "$T/snapmnt" | cmp -s - "$T/snap.sums" || fail "the snapshot changed"
expect_ok umount "$T/snapmnt"

# Refusals as LVM2's.
expect_fail lvcreate -s -L 8M -n snap2 vg/lv_snap
expect_match "$ERR" "Snapshots of snapshots are not supported."
expect_fail lvcreate -s -L 8M -c 3k -n snap2 vg/lv
expect_match "$ERR" "Chunk size must be a power of 2 in the range 4K to 512K."
expect_fail lvcreate -s -L 8M -n snap2 vg/nosuch
expect_match "$ERR" "Couldn't find origin volume 'nosuch'."

# lvremove of the snapshot: the origin goes back to linear.
out=$(lvremove -f vg/lv_snap 2>&1) || fail "lvremove: $out"
expect_match "$out" 'Logical volume "lv_snap" successfully removed'
expect_match "$(dmsetup table vg-lv)" "^0 204800 linear " "origin table after lvremove"
dmsetup info vg-lv-real >/dev/null 2>&1 && fail "-real still there"
dmsetup info vg-lv_snap-cow >/dev/null 2>&1 && fail "-cow still there"
grep -q snapshot0 "$bk" && fail "snapshot0 still in the metadata"
expect_ok umount "$T/mnt"
expect_ok fsck.ext4 -fn "$dev"
pass
