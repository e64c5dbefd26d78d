#!/usr/bin/env bash
# Block device throughput: fio (libaio, direct=1) on three loop-backed
# block devices over the same tmpfs image:
#   ulvm   ulvmd's loop device over its FUSE file, linear mapping
#   peer   loop over `nbdfuse` over `nbdkit file` (the usual NBD-as-file way)
#   limit  a loop device straight on the image
# Targets: ulvm >= 5x peer 4k IOPS; ulvm >= 30% of the limit's sequential
# bandwidth. Other work on the machine makes the numbers noisy; the
# servers' CPU time per io, printed last, much less so.
#
# Env: ULVM_BIN (set by bench/run), BENCH_SIZE (image, default 1G),
# BENCH_RUNTIME (seconds per fio run, default 8), BENCH_FUSE_URING (Y:
# switch the fuse module's enable_uring on for the run so that ulvmd takes
# FUSE requests over io_uring, N: off, keep: leave it; default Y; the
# previous value is restored at exit). Needs root.
set -u
: "${ULVM_BIN:?ULVM_BIN must point at build/bin}"
size=${BENCH_SIZE:-1G}
runtime=${BENCH_RUNTIME:-8}
[ "$(id -u)" = 0 ] || { echo "bench blockdev: needs root (loop devices)" >&2; exit 1; }
for t in fio nbdkit nbdfuse losetup; do
	command -v "$t" >/dev/null || { echo "bench blockdev: '$t' not installed" >&2; exit 1; }
done

T=$(mktemp -d /tmp/ulvm-bench-blk.XXXXXX)
S=$(mktemp -d /dev/shm/ulvm-bench-blk.XXXXXX) # tmpfs: measure the paths, not a disk
export ULVM_RUN_DIR="$T/run" ULVM_SYSTEM_DIR="$T/etc" ULVM_DEV_DIR="$T/dev"
mkdir -p "$ULVM_RUN_DIR" "$ULVM_SYSTEM_DIR" "$ULVM_DEV_DIR" "$T/fuse"
nbdkit_pid= nbdfuse_pid=
uring_param=/sys/module/fuse/parameters/enable_uring
uring_prev=

# Loop devices we attached ourselves: only those whose backing file is ours.
detach_ours() {
	losetup -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
		case "$back" in "$T"/* | "$S"/*) losetup -d "$dev" 2>/dev/null ;; esac
	done
}
stop_ulvmd() {
	local pid
	pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid" 2>/dev/null) || return 0
	"$ULVM_BIN/ulvmd" --stop --force >/dev/null 2>&1 || kill "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
}
stop_peer() {
	detach_ours
	mountpoint -q "$T/fuse" && fusermount3 -u "$T/fuse" 2>/dev/null
	[ -n "$nbdfuse_pid" ] && kill "$nbdfuse_pid" 2>/dev/null && wait "$nbdfuse_pid" 2>/dev/null
	[ -n "$nbdkit_pid" ] && kill "$nbdkit_pid" 2>/dev/null && wait "$nbdkit_pid" 2>/dev/null
	nbdfuse_pid= nbdkit_pid=
}
cleanup() {
	stop_peer
	stop_ulvmd
	detach_ours
	umount -l "$T/fuse" 2>/dev/null
	[ -n "${BENCH_KEEP_LOG:-}" ] && cp "$ULVM_RUN_DIR/ulvmd.log" "$BENCH_KEEP_LOG"
	rm -rf "$T" "$S"
	[ -n "$uring_prev" ] && echo "$uring_prev" >"$uring_param"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # wait_for TEST-ARGS...: up to 10 s
	for _ in $(seq 100); do test "$@" && return 0; sleep 0.1; done
	echo "bench blockdev: timed out waiting for: test $*" >&2
	exit 1
}

want=${BENCH_FUSE_URING:-Y}
if [ "$want" != keep ] && [ -w "$uring_param" ]; then
	uring_prev=$(cat "$uring_param")
	echo "$want" >"$uring_param" || exit 1
fi

img="$S/img"
truncate -s "$size" "$img"
bytes=$(stat -c %s "$img")
dd if=/dev/urandom of="$img" bs=1M count=$((bytes >> 20)) conv=notrunc status=none

# fio_run DEV RW BS DEPTH: prints "IOPS MiB/s" of the one direction used.
fio_run() {
	local out
	out=$(fio --name=b --ioengine=libaio --direct=1 --filename="$1" --rw="$2" --bs="$3" \
		--iodepth="$4" --size="$bytes" --time_based --runtime="$runtime" --ramp_time=1 \
		--output-format=terse --terse-version=3 2>/dev/null | grep '^3;')
	case $2 in
	*write) printf '%s\n' "$out" | awk -F';' '{printf "%d %.0f\n", $49, $48 / 1024}' ;;
	*) printf '%s\n' "$out" | awk -F';' '{printf "%d %.0f\n", $8, $7 / 1024}' ;;
	esac
}

# cpu_ticks PID...: user+system clock ticks the processes have used.
cpu_ticks() {
	local pid sum=0
	for pid in "$@"; do
		sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}

jobs=("randread 4k 32" "randwrite 4k 32" "read 1M 8" "write 1M 8")
declare -A result dio cpu
# bench_dev NAME DEV [SERVER-PID...]: the servers' CPU time per io is
# recorded too; unlike IOPS it hardly depends on what else the machine runs.
bench_dev() {
	local name=$1 dev=$2 j rw bs depth t0 iops
	shift 2
	dio[$name]=$(cat "/sys/block/$(basename "$dev")/loop/dio" 2>/dev/null)
	for j in "${jobs[@]}"; do
		read -r rw bs depth <<<"$j"
		t0=$(cpu_ticks "$@")
		result[$name,$rw]=$(fio_run "$dev" "$rw" "$bs" "$depth")
		read -r iops _ <<<"${result[$name,$rw]}"
		# fio ran ramp_time + runtime seconds; ticks are 1/CLK_TCK s.
		[ $# -gt 0 ] && [ "${iops:-0}" -gt 0 ] &&
			cpu[$name,$rw]=$(awk -v t=$(($(cpu_ticks "$@") - t0)) -v hz="$(getconf CLK_TCK)" \
				-v n="$iops" -v s=$((runtime + 1)) 'BEGIN {printf "%.1f", t / hz * 1e6 / (n * s)}')
	done
}

# ulvm
"$ULVM_BIN/ulvmd" || exit 1
"$ULVM_BIN/dmsetup" create bench --table "0 $((bytes / 512)) linear $img 0" || exit 1
wait_for -L "$ULVM_DEV_DIR/mapper/bench"
bench_dev ulvm "$(readlink "$ULVM_DEV_DIR/mapper/bench")" "$(cat "$ULVM_RUN_DIR/ulvmd.pid")"
"$ULVM_BIN/dmsetup" remove bench
stop_ulvmd
# ulvmd logs at stop how many FUSE requests came over io_uring and how many
# through /dev/fuse.
fuse_path=$(grep -o 'fuse: [0-9]* requests over io_uring, [0-9]* over /dev/fuse' \
	"$ULVM_RUN_DIR/ulvmd.log" | tail -1)

# peer: nbdkit file -> nbdfuse -> loop
nbdkit -f -U "$T/nbdkit.sock" --threads 16 file "$img" &
nbdkit_pid=$!
wait_for -S "$T/nbdkit.sock"
nbdfuse "$T/fuse/disk" --unix "$T/nbdkit.sock" &
nbdfuse_pid=$!
wait_for -f "$T/fuse/disk"
peer=$(losetup -f --show --direct-io=on "$T/fuse/disk" 2>/dev/null ||
	losetup -f --show "$T/fuse/disk") || exit 1
bench_dev peer "$peer" "$nbdkit_pid" "$nbdfuse_pid"
stop_peer

# limit: loop straight on the image
limit=$(losetup -f --show --direct-io=on "$img" 2>/dev/null || losetup -f --show "$img") || exit 1
bench_dev limit "$limit"
detach_ours

echo "fio libaio direct=1 on loop devices, $size tmpfs image, ${runtime}s per run, $(nproc) CPUs"
echo "(loop dio: ulvm=${dio[ulvm]:-?} peer=${dio[peer]:-?} limit=${dio[limit]:-?}; shared machine, numbers are noisy)"
echo "ulvm FUSE path (fuse.enable_uring=$(cat "$uring_param" 2>/dev/null || echo absent)): ${fuse_path#fuse: }"
printf '%-18s %16s %16s %16s %10s %10s\n' job ulvm peer limit ulvm/peer ulvm/limit
for j in "${jobs[@]}"; do
	read -r rw bs depth <<<"$j"
	read -r ui ub <<<"${result[ulvm,$rw]:-0 0}"
	read -r pi pb <<<"${result[peer,$rw]:-0 0}"
	read -r li lb <<<"${result[limit,$rw]:-0 0}"
	if [ "$bs" = 4k ]; then
		printf '%-18s %11s IOPS %11s IOPS %11s IOPS' "$rw $bs QD$depth" "$ui" "$pi" "$li"
		a=$ui b=$pi c=$li
	else
		printf '%-18s %10s MiB/s %10s MiB/s %10s MiB/s' "$rw $bs QD$depth" "$ub" "$pb" "$lb"
		a=$ub b=$pb c=$lb
	fi
	awk -v a="$a" -v b="$b" -v c="$c" \
		'BEGIN {printf " %9.2fx %9.0f%%\n", b ? a / b : 0, c ? 100 * a / c : 0}'
done
echo "server CPU per io (ulvmd; nbdkit + nbdfuse), microseconds:"
for j in "${jobs[@]}"; do
	read -r rw bs depth <<<"$j"
	printf '  %-16s ulvm %8s   peer %8s\n' "$rw $bs" "${cpu[ulvm,$rw]:-?}" "${cpu[peer,$rw]:-?}"
done
echo "targets: 4k ulvm/peer >= 5x; sequential ulvm/limit >= 30%"
