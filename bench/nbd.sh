#!/usr/bin/env bash
# NBD throughput: fio's nbd engine against a linear ulvm device, nbdkit's
# file plugin and qemu-nbd, all over unix sockets on the same tmpfs image;
# then ulvmd's resident memory with 100 idle linear devices.
#
# Env: ULVM_BIN (set by bench/run), BENCH_SIZE (image, default 1G),
# BENCH_RUNTIME (seconds per fio run, default 5), BENCH_ROUNDS (default 3).
# The servers take turns, round after round, and each keeps its best run:
# on a shared machine other work only ever slows a run down, and taking
# turns spreads a busy spell over all three servers instead of one. The
# servers' CPU time per io (all their threads, best run) hardly depends on
# that load and is printed beside the 4k rates.
# Targets: ulvm >= 1.5x nbdkit IOPS on 4k random read and write,
# >= nbdkit on 1 MiB sequential read; < 64 MiB RSS with 100 idle devices.
set -u
: "${ULVM_BIN:?ULVM_BIN must point at build/bin}"
size=${BENCH_SIZE:-1G}
runtime=${BENCH_RUNTIME:-5}
rounds=${BENCH_ROUNDS:-3}
for t in fio nbdkit qemu-nbd; do
	command -v "$t" >/dev/null || { echo "bench nbd: '$t' not installed" >&2; exit 1; }
done

T=$(mktemp -d /tmp/ulvm-bench-nbd.XXXXXX)
S=$(mktemp -d /dev/shm/ulvm-bench-nbd.XXXXXX) # tmpfs: measure the servers, not a disk
export ULVM_RUN_DIR="$T/run" ULVM_SYSTEM_DIR="$T/etc" ULVM_DEV_DIR="$T/dev"
mkdir -p "$ULVM_RUN_DIR" "$ULVM_SYSTEM_DIR" "$ULVM_DEV_DIR"
peer=

stop_ulvmd() {
	local pid
	pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid" 2>/dev/null) || return 0
	"$ULVM_BIN/ulvmd" --stop --force >/dev/null 2>&1 || kill "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
}
stop_peer() {
	[ -n "$peer" ] && kill "$peer" 2>/dev/null && wait "$peer" 2>/dev/null
	peer=
}
cleanup() {
	stop_peer
	stop_ulvmd
	rm -rf "$T" "$S"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_socket() {
	for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.1; done
	echo "bench nbd: no socket $1" >&2
	exit 1
}

img="$S/img"
truncate -s "$size" "$img"
bytes=$(stat -c %s "$img")
# Real data, so no server reads holes.
dd if=/dev/urandom of="$img" bs=1M count=$((bytes >> 20)) conv=notrunc status=none

# fio_run URI RW BS DEPTH: prints "IOPS MiB/s" of the one direction used.
fio_run() {
	local out
	out=$(cd "$T" && fio --name=b --ioengine=nbd --uri="$1" --rw="$2" --bs="$3" \
		--iodepth="$4" --size="$bytes" --time_based --runtime="$runtime" \
		--output-format=terse --terse-version=3 2>/dev/null | grep '^3;')
	case $2 in
	*write) printf '%s\n' "$out" | awk -F';' '{printf "%d %.0f\n", $49, $48 / 1024}' ;;
	*) printf '%s\n' "$out" | awk -F';' '{printf "%d %.0f\n", $8, $7 / 1024}' ;;
	esac
}

# cpu_ns PID: CPU time of the process so far (threads that ended included:
# nbdkit's connection threads), in ns.
tick_ns=$((1000000000 / $(getconf CLK_TCK)))
cpu_ns() {
	awk -v t="$tick_ns" '{sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * t}' "/proc/$1/stat"
}

jobs=("randread 4k 32" "randwrite 4k 32" "read 1M 8")
declare -A result cpu

bench_server() { # bench_server NAME URI PID: runs every job, keeps the best
	local j rw bs depth new old c0 us
	for j in "${jobs[@]}"; do
		read -r rw bs depth <<<"$j"
		c0=$(cpu_ns "$3")
		new=$(fio_run "$2" "$rw" "$bs" "$depth")
		us=$(awk -v c="$(($(cpu_ns "$3") - c0))" -v n="${new%% *}" -v t="$runtime" \
			'BEGIN {printf "%.1f", n ? c / 1000 / (n * t) : 0}')
		old=${result[$1,$rw]:-0 0}
		[ "${new%% *}" -gt "${old%% *}" ] 2>/dev/null && result[$1,$rw]=$new
		awk -v a="$us" -v b="${cpu[$1,$rw]:-0}" 'BEGIN {exit !(a > 0 && (b == 0 || a < b))}' &&
			cpu[$1,$rw]=$us
	done
}

for _ in $(seq "$rounds"); do
	"$ULVM_BIN/ulvmd" || exit 1
	"$ULVM_BIN/dmsetup" create bench --table "0 $((bytes / 512)) linear $img 0" || exit 1
	bench_server ulvm "nbd+unix:///bench?socket=$ULVM_RUN_DIR/nbd.sock" \
		"$(cat "$ULVM_RUN_DIR/ulvmd.pid")"
	rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$ULVM_RUN_DIR/ulvmd.pid")/status")
	stop_ulvmd

	rm -f "$T/nbdkit.sock"
	nbdkit -f -U "$T/nbdkit.sock" --threads 16 file "$img" &
	peer=$!
	wait_socket "$T/nbdkit.sock"
	bench_server nbdkit "nbd+unix:///?socket=$T/nbdkit.sock" "$peer"
	stop_peer

	rm -f "$T/qemu.sock"
	qemu-nbd -k "$T/qemu.sock" -f raw -t "$img" &
	peer=$!
	wait_socket "$T/qemu.sock"
	bench_server qemu "nbd+unix:///?socket=$T/qemu.sock" "$peer"
	stop_peer
done

echo "fio nbd engine, unix socket, $size tmpfs image, best of $rounds rounds of ${runtime}s per run, $(nproc) CPUs"
printf '%-22s %14s %14s %14s %8s\n' job ulvm nbdkit qemu-nbd ulvm/kit
for j in "${jobs[@]}"; do
	read -r rw bs depth <<<"$j"
	read -r ui ub <<<"${result[ulvm,$rw]:-0 0}"
	read -r ki kb <<<"${result[nbdkit,$rw]:-0 0}"
	read -r qi qb <<<"${result[qemu,$rw]:-0 0}"
	if [ "$bs" = 4k ]; then
		printf '%-22s %10s IOPS %10s IOPS %10s IOPS' "$rw $bs QD$depth" "$ui" "$ki" "$qi"
		awk -v a="$ui" -v b="$ki" 'BEGIN {printf " %7.2fx\n", b ? a / b : 0}'
		printf '%-22s %9s us/io %9s us/io %9s us/io' "  server CPU per io" "${cpu[ulvm,$rw]:-0}" \
			"${cpu[nbdkit,$rw]:-0}" "${cpu[qemu,$rw]:-0}"
		awk -v a="${cpu[ulvm,$rw]:-0}" -v b="${cpu[nbdkit,$rw]:-0}" \
			'BEGIN {printf " %7.2fx\n", a ? b / a : 0}'
	else
		printf '%-22s %9s MiB/s %9s MiB/s %9s MiB/s' "$rw $bs QD$depth" "$ub" "$kb" "$qb"
		awk -v a="$ub" -v b="$kb" 'BEGIN {printf " %7.2fx\n", b ? a / b : 0}'
	fi
done

# Idle memory: a fresh daemon with 100 linear devices on the image.
"$ULVM_BIN/ulvmd" || exit 1
for i in $(seq 100); do
	"$ULVM_BIN/dmsetup" create "idle$i" --table "0 2048 linear $img $((i * 2048))" || exit 1
done
rss=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$ULVM_RUN_DIR/ulvmd.pid")/status")
printf 'ulvmd VmRSS: %d KiB with 100 idle linear devices (target < 65536); %d KiB after the fio runs\n' \
	"$rss" "$rss_after"
