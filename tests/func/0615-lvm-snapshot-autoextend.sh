#!/usr/bin/env bash
# Snapshot autoextend built into ulvmd: with snapshot_autoextend_threshold
# and _percent in ulvm.conf, a filling snapshot is extended before it
# overflows (LVM2 needs dmeventd for this); without them it overflows. A
# store that cannot grow any more (the origin fills it) is tried once.
. "$(dirname "$0")/lib.sh"

pv=$(make_image pv.img 256M)
expect_ok pvcreate -q "$pv"
expect_ok vgcreate -q vg "$pv"
expect_ok lvcreate -q -L 64M -n lv vg
expect_ok lvcreate -q -s -L 8M -n snap vg/lv
cat >"$ULVM_SYSTEM_DIR/ulvm.conf" <<'CONF'
activation {
	snapshot_autoextend_threshold = 50
	snapshot_autoextend_percent = 100
}
CONF
size_of_snap() { lvs --noheadings --units s --nosuffix -o lv_size vg/snap | tr -d ' '; }
expect_eq "$(size_of_snap)" 16384 "snapshot size before"

# Write 10 MiB to the origin in steps: each changed chunk is copied into the
# 8 MiB store, which would overflow at the end without the monitor.
for i in $(seq 0 9); do
	dd if=/dev/urandom of="$ULVM_RUN_DIR/dev/vg-lv" bs=1M count=1 seek="$i" \
		conv=notrunc,fsync status=none || fail "write $i to the origin failed"
	sleep 1
done
for _ in $(seq 30); do [ "$(size_of_snap)" -gt 16384 ] && break; sleep 0.5; done
[ "$(size_of_snap)" -gt 16384 ] || fail "snapshot not extended: $(cat "$ULVM_RUN_DIR/ulvmd.log")"
expect_match "$(cat "$ULVM_RUN_DIR/ulvmd.log")" "monitor: snapshot 'vg-snap' reached 50%" "daemon log"
attr=$(lvs --noheadings -o lv_attr vg/snap | tr -d ' ')
[ "${attr:4:1}" = I ] && fail "snapshot became invalid ($attr)"

# A store at the largest size its origin can fill cannot grow: the monitor
# tries once ("Reached maximum COW size", size unchanged), not every round.
expect_ok lvcreate -q -L 4M -n small vg
expect_ok lvcreate -q -s -L 8M -n full vg/small
max=$(lvs --noheadings --units s --nosuffix -o lv_size vg/full | tr -d ' ')
dd if=/dev/urandom of="$ULVM_RUN_DIR/dev/vg-small" bs=1M count=4 conv=notrunc,fsync status=none ||
	fail "write to the small origin failed"
sleep 4
tries=$(grep -c "monitor: snapshot 'vg-full' reached" "$ULVM_RUN_DIR/ulvmd.log")
expect_eq "$tries" 1 "extends tried on a store at its maximum"
expect_eq "$(lvs --noheadings --units s --nosuffix -o lv_size vg/full | tr -d ' ')" "$max" \
	"size of the store at its maximum"
attr=$(lvs --noheadings -o lv_attr vg/full | tr -d ' ')
[ "${attr:4:1}" = I ] && fail "the full store became invalid ($attr)"

# The same load without the policy overflows an 8 MiB snapshot.
rm "$ULVM_SYSTEM_DIR/ulvm.conf"
sleep 1
expect_ok lvcreate -q -s -L 8M -n snap2 vg/lv
for i in $(seq 10 19); do
	dd if=/dev/urandom of="$ULVM_RUN_DIR/dev/vg-lv" bs=1M count=1 seek="$i" \
		conv=notrunc,fsync status=none || fail "write $i to the origin failed"
done
sleep 2
expect_eq "$(lvs --noheadings --units s --nosuffix -o lv_size vg/snap2 | tr -d ' ')" 16384 \
	"snapshot size without a policy"
attr=$(lvs --noheadings -o lv_attr vg/snap2 | tr -d ' ')
expect_eq "${attr:4:1}" I "snapshot without a policy overflowed ($attr)"
pass
