#!/usr/bin/env bash
# Snapshots between ulvm and real LVM2 (activation off, --devices limited
# to this test's loops):
#  - LVM2 lists a snapshot made by ulvm with the same origin, size, chunk
#    size and attributes, vgck passes, and its own backup writes the LVs
#    back as ulvm did (lv, snap READ WRITE, snapshot0 VISIBLE); with two
#    snapshots lv_role, lv_ancestors/descendants, lv_merging are LVM2's;
#  - a snapshot declared in LVM2 metadata (hand-written into LVM2's
#    backup, loaded with `vgcfgrestore -f --force`, as LVM2 here cannot
#    create one) is listed and activated by ulvm: LVM2's device stack,
#    and the snapshot keeps the origin's old bytes after writes.
. "$(dirname "$0")/lib.sh"
requires losetup python3 /usr/sbin/lvm
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"
export LVM_SUPPRESS_FD_WARNINGS=1

loop() { losetup -f --show "$(make_image "$1" 128M)" || skip "no loop devices"; }
A=$(loop a.img) C=$(loop c.img)
lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$A,$C" "${@:2}"; }
for d in "$A" "$C"; do expect_ok lvmdevices --adddev "$d"; done

# ulvm -> LVM2
expect_ok pvcreate "$A"
expect_ok vgcreate vgu "$A"
expect_ok lvcreate -L 32M -n lv vgu
expect_ok lvcreate -s -L 12M -c 16k -n snap vgu/lv
want=$(lvs --noheadings --units b --nosuffix -o lv_name,origin,lv_size,chunk_size vgu | tr -s ' ')
got=$(lvm2 lvs --noheadings --units b --nosuffix -o lv_name,origin,lv_size,chunk_size vgu | tr -s ' ')
expect_eq "$got" "$want" "LVM2's lvs of ulvm's snapshot"
expect_match "$got" "snap lv 12582912 16384" "LVM2 sees the snapshot"
attrs=$(lvm2 lvs --noheadings -o lv_name,lv_attr vgu 2>/dev/null | tr -s ' ')
expect_match "$attrs" "lv owi-" "LVM2's origin attr"
expect_match "$attrs" "snap swi-" "LVM2's snapshot attr"
expect_eq "$(lvm2 vgs --noheadings -o lv_count,snap_count vgu | tr -s ' ')" " 2 1" "LVM2's counts"
expect_ok lvm2 vgck vgu
expect_ok lvm2 vgcfgbackup -f "$T/lvm2.vg" vgu
order=$(grep -oE '^		(lv|snap|snapshot0) \{' "$T/lvm2.vg" | tr -d '\t{ ' | tr '\n' ' ')
expect_eq "$order" "lv snap snapshot0 " "LVM2's LV order"
awk '/^\t\tsnap \{/,/segment_count/' "$T/lvm2.vg" | grep -q 'status = \["READ", "WRITE"\]' ||
	fail "LVM2 writes the COW differently"
awk '/^\t\tsnapshot0 \{/,/segment_count/' "$T/lvm2.vg" | grep -q 'status = \["READ", "WRITE", "VISIBLE"\]' ||
	fail "LVM2 writes snapshot0 differently"
# Two snapshots: the role, ancestry and merging fields as LVM2 prints them.
expect_ok lvcreate -s -L 8M -n snap2 vgu/lv
f=lv_name,lv_role,lv_ancestors,lv_descendants,lv_full_descendants,lv_merging,lv_converting
want=$(lvm2 lvs --binary -o $f vgu 2>/dev/null)
expect_match "$want" "public,origin,thickorigin,multithickorigin +snap,snap2" "LVM2's origin row"
expect_eq "$(lvs --binary -o $f vgu)" "$want" "lvs -o $f"
expect_ok lvremove -f vgu/snap2
expect_ok lvremove -f vgu/snap
expect_ok lvremove -f vgu/lv

# LVM2 -> ulvm
expect_ok lvm2 pvcreate "$C"
expect_ok lvm2 vgcreate vgl "$C"
expect_ok lvm2 lvcreate -an -Zn -L 16M -n lv0 vgl
expect_ok lvm2 lvcreate -an -Zn -L 8M -n snap vgl
expect_ok lvm2 vgcfgbackup -f "$T/vgl.vg" vgl
python3 - "$T/vgl.vg" <<'PY' || fail "editing the backup"
import random, re, string, sys
p = sys.argv[1]
s = open(p).read()
cs = string.ascii_letters + string.digits
u = "".join(random.choice(cs) for _ in range(32))
uid = "-".join([u[0:6], u[6:10], u[10:14], u[14:18], u[18:22], u[22:26], u[26:32]])
ext = re.search(r"lv0 \{.*?extent_count = (\d+)", s, re.S).group(1)
s = re.sub(r'(\t\tsnap \{\n\t\t\tid = "[^"]+"\n\t\t\tstatus = )\["READ", "WRITE", "VISIBLE"\]',
           r'\1["READ", "WRITE"]', s)
snap0 = f'''
		snapshot0 {{
			id = "{uid}"
			status = ["READ", "WRITE", "VISIBLE"]
			flags = []
			segment_count = 1

			segment1 {{
				start_extent = 0
				extent_count = {ext}

				type = "snapshot"
				chunk_size = 8
				origin = "lv0"
				cow_store = "snap"
			}}
		}}
'''
i = s.index("\n\t}\n", s.index("logical_volumes {"))
s = s[:i] + "\n" + snap0 + s[i:]
open(p, "w").write(s)
PY
expect_ok lvm2 vgcfgrestore -f "$T/vgl.vg" --force vgl
expect_match "$(lvm2 lvs --noheadings -o lv_name,origin vgl/snap | tr -s ' ')" " snap lv0" \
	"LVM2 accepted the snapshot"
expect_match "$(lvs --noheadings -o lv_name,origin,lv_attr vgl/snap | tr -s ' ')" " snap lv0 swi-" \
	"ulvm reads LVM2's snapshot"
expect_ok lvchange -ay vgl/lv0
expect_eq "$(dmsetup table vgl-lv0)" "0 32768 snapshot-origin vgl-lv0-real" "origin table"
expect_eq "$(dmsetup table vgl-snap)" "0 32768 snapshot vgl-lv0-real vgl-snap-cow P 8" "snapshot table"
before=$(cmp -s "$ULVM_RUN_DIR/dev/vgl-snap" "$ULVM_RUN_DIR/dev/vgl-lv0" && echo same)
expect_eq "$before" same "snapshot equals origin at first"
cp "$ULVM_RUN_DIR/dev/vgl-lv0" "$T/old"
head -c 1M /dev/urandom | dd of="$ULVM_RUN_DIR/dev/vgl-lv0" bs=1M seek=3 conv=notrunc,fsync status=none
cmp -s "$ULVM_RUN_DIR/dev/vgl-snap" "$T/old" || fail "the snapshot changed with the origin"
cmp -s "$ULVM_RUN_DIR/dev/vgl-lv0" "$T/old" && fail "the origin did not change"
expect_ok lvchange -an vgl/lv0
dmsetup info vgl-snap >/dev/null 2>&1 && fail "snapshot still active"
expect_ok lvm2 vgck vgl
pass
