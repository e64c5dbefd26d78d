#!/usr/bin/env bash
# lvconvert --merge: with the origin closed the merge runs at once
# (snapshot-merge, polled to completion, snapshot dropped, origin linear
# again) and the origin holds the snapshot-time bytes; with the origin
# open it is deferred ("Delaying merge since origin is open."), marked in
# the metadata (merging_store, attr O/S, lv_merging), and completes when
# the origin is deactivated and activated again. --background returns at
# once; lvs shows the progress (the origin's Data% falling).
. "$(dirname "$0")/lib.sh"
requires losetup
[ "$(id -u)" = 0 ] || skip "needs root for the loop block device"

a=$(make_image a.img 200M)
expect_ok pvcreate "$a"
expect_ok vgcreate vg "$a"
expect_ok lvcreate -L 40M -n lv vg
dev="$ULVM_DEV_DIR/vg/lv"
head -c 40M /dev/urandom >"$T/t0"
dd if="$T/t0" of="$dev" bs=1M oflag=direct status=none || fail "fill origin"

# Closed origin: merge at once.
expect_ok lvcreate -s -L 20M -n s1 vg/lv
head -c 3M /dev/urandom | dd of="$dev" bs=1M seek=5 oflag=direct conv=notrunc status=none
cmp -s "$T/t0" "$dev" && fail "origin did not change"
out=$(lvconvert --merge vg/s1 2>&1) || fail "lvconvert: $out"
expect_match "$out" "Merging of volume vg/s1 started."
expect_match "$out" "vg/lv: Merged: 100.00%"
cmp -s "$T/t0" "$dev" || fail "origin differs from the snapshot-time content after the merge"
expect_match "$(dmsetup table vg-lv)" "^0 81920 linear " "origin table after the merge"
dmsetup info vg-lv-real >/dev/null 2>&1 && fail "-real left after the merge"
dmsetup info vg-lv-cow >/dev/null 2>&1 && fail "-cow left after the merge"
[ "$(lvs --noheadings -o lv_name vg | tr -d ' ')" = lv ] || fail "snapshot still listed"
grep -q snapshot0 "$ULVM_SYSTEM_DIR/backup/vg" && fail "snapshot0 still in the metadata"

# Open origin: deferred to the next activation.
expect_ok lvcreate -s -L 20M -n s2 vg/lv
head -c 2M /dev/urandom | dd of="$dev" bs=1M seek=30 oflag=direct conv=notrunc status=none
# hold the block device exclusively, as a mount does
python3 -c 'import os,sys,time; fd=os.open(sys.argv[1], os.O_RDONLY|os.O_EXCL); open(sys.argv[2],"w").close(); time.sleep(60)' \
	"$(readlink -f "$dev")" "$T/held" &
holder=$!
at_cleanup "kill $holder 2>/dev/null"
for _ in $(seq 50); do [ -e "$T/held" ] && break; sleep 0.1; done
out=$(lvconvert --merge vg/s2 2>&1) || fail "lvconvert (open): $out"
expect_match "$out" "Delaying merge since origin is open."
expect_match "$out" "Merging of snapshot vg/s2 will occur on next activation of vg/lv."
grep -q 'merging_store = "s2"' "$ULVM_SYSTEM_DIR/backup/vg" || fail "merging_store not in metadata"
expect_match "$(lvs -a --noheadings -o lv_name,lv_attr vg)" "lv +Owi-a" "merging origin attr"
expect_eq "$(lvs -a --noheadings --binary -o lv_name,lv_merging vg | tr -s ' ' | sort)" \
	" [s2] 1
 lv 1" "lv_merging of the origin and the merging snapshot"
kill $holder; wait $holder 2>/dev/null
expect_ok lvchange -an vg/lv
dmsetup info vg-lv-real >/dev/null 2>&1 && fail "-real left after deactivation"
expect_ok lvchange -ay vg/lv
# The background lvconvert finishes it.
for _ in $(seq 300); do
	grep -q snapshot0 "$ULVM_SYSTEM_DIR/backup/vg" || break
	sleep 0.1
done
grep -q snapshot0 "$ULVM_SYSTEM_DIR/backup/vg" && fail "deferred merge did not finish"
for _ in $(seq 50); do
	dmsetup table vg-lv | grep -q linear && break
	sleep 0.1
done
cmp -s "$T/t0" "$dev" || fail "origin differs after the deferred merge"
expect_match "$(dmsetup table vg-lv)" "^0 81920 linear " "origin table after the deferred merge"
[ "$(lvs --noheadings -o lv_name vg | tr -d ' ')" = lv ] || fail "s2 still listed"

# --background returns at once and a detached child polls and finishes
# the merge; meanwhile lvs shows its progress as the origin's Data% going
# down. Random 4 KiB direct writes leave chunks that merge one per step,
# slow enough to watch.
cp "$dev" "$T/t1"
expect_ok lvcreate -s -c 4k -L 24M -n s3 vg/lv
python3 - "$dev" <<'PY' || fail "random writes to the origin"
import mmap, os, random, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 4096)
buf.write(os.urandom(4096))
random.seed(6)
for block in random.sample(range(40 * 256), 1024):
    os.pwrite(fd, buf, block * 4096)
os.close(fd)
PY
out=$(timeout 5 lvconvert --merge --background vg/s3 2>&1) || fail "lvconvert -b: $out"
expect_eq "$out" "  Merging of volume vg/s3 started." "lvconvert -b output"
seen=""
for _ in $(seq 600); do
	row=$(lvs --noheadings -o lv_attr,data_percent vg/lv | awk '{print $1, $2}')
	[[ $row == O* ]] || break
	seen+="${row#* } "
	sleep 0.2
done
[[ $row == O* ]] && fail "background merge did not finish: $row"
awk -v s="$seen" 'BEGIN { n = split(s, p, " "); for (i = 2; i <= n; i++) if (p[i] > p[i - 1]) exit 1
	exit !(n >= 2 && p[n] < p[1]) }' || fail "no falling Data% while merging: $seen"
echo "Data% seen: $seen"
cmp -s "$T/t1" "$dev" || fail "origin differs after the background merge"
[ "$(lvs --noheadings -o lv_name vg | tr -d ' ')" = lv ] || fail "s3 still listed"
expect_ok lvremove -f vg/lv
pass
