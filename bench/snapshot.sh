#!/usr/bin/env bash
# Snapshot cost: origin 4k random-write IOPS through the block device with
# 0, 1, 2 and 4 snapshots, for first writes (each needs its chunk copied to
# every snapshot) and rewrites (already copied), in one run.
# Targets: rewrites within 80% of no-snapshot IOPS; first writes with 4
# snapshots at least 1/3 of first writes with one.
# Env: ULVM_BIN (set by bench/run), BENCH_SNAP_MB (written region, default 64).
set -u
: "${ULVM_BIN:?ULVM_BIN must point at build/bin}"
[ "$(id -u)" = 0 ] || { echo "bench snapshot: needs root (block devices)" >&2; exit 1; }
command -v fio >/dev/null || { echo "bench snapshot: fio not installed" >&2; exit 1; }
mb=${BENCH_SNAP_MB:-64}
T=$(mktemp -d /dev/shm/ulvm-bench-snap.XXXXXX)
export ULVM_RUN_DIR="$T/run" ULVM_SYSTEM_DIR="$T/etc" ULVM_DEV_DIR="$T/dev"
mkdir -p "$ULVM_RUN_DIR" "$ULVM_SYSTEM_DIR" "$ULVM_DEV_DIR"
export PATH="$ULVM_BIN:$PATH"
cleanup() {
	ulvmd --stop --force >/dev/null 2>&1
	losetup -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
		case "$back" in "$T"/*) losetup -d "$dev" 2>/dev/null ;; esac
	done
	rm -rf "$T"
}
trap cleanup EXIT

truncate -s 2G "$T/pv.img"
pvcreate -q "$T/pv.img" >/dev/null && vgcreate -q vg "$T/pv.img" >/dev/null &&
	lvcreate -q -L 256M -n lv vg >/dev/null || exit 1
dev="$ULVM_DEV_DIR/vg/lv"
[ -b "$(readlink -f "$dev")" ] || { echo "bench snapshot: no block device" >&2; exit 1; }
dd if=/dev/urandom of="$dev" bs=1M count=256 oflag=direct status=none

# write_iops: 4k random writes covering $mb MiB once (a random map, so
# every block is written exactly once): IOPS.
write_iops() {
	fio --name=s --filename="$dev" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k \
		--iodepth=32 --size="${mb}M" --randrepeat=1 --output-format=terse \
		--terse-version=3 2>/dev/null | awk -F';' '/^3;/ {print $49}'
}

printf '%-12s %14s %14s %10s\n' snapshots "first writes" rewrites "rw/base"
declare -A first
for k in 0 1 2 4; do
	for i in $(seq "$k"); do
		lvcreate -q -s -c 4k -L $((mb + 16))M -n "s$i" vg/lv >/dev/null || exit 1
	done
	f=$(write_iops)
	r=$(write_iops)
	first[$k]=$f
	[ "$k" = 0 ] && base=$r
	printf '%-12s %9s IOPS %9s IOPS %9s%%\n' "$k" "$f" "$r" $((100 * r / (base ? base : 1)))
	for i in $(seq "$k"); do lvremove -q -f "vg/s$i" >/dev/null || exit 1; done
done
awk -v b="$base" -v f1="${first[1]}" -v f4="${first[4]}" 'BEGIN {
	printf "first writes, 4 snapshots / 1 snapshot: %.2f (target >= 0.33)\n", f4 / f1
}'
echo "rw/base: rewrites against the no-snapshot rewrites (target >= 80%)"
