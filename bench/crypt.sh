#!/usr/bin/env bash
# crypt throughput: sequential 1 MiB read and write through NBD (fio's nbd
# engine) of an aes-xts-plain64 mapping (512-byte and 4096-byte sectors)
# over a tmpfs file, beside `openssl speed -evp aes-256-xts` for one core.
#
# Issue 7's target is 60% of that one-core figure times the number of
# worker cores (ulvmd runs one worker per CPU and spreads each io's cipher
# work over them). A linear mapping of the same file through the same NBD
# path is measured too: it does no cipher work, so it is the ceiling the
# transport (socket copies, fio on the same CPUs, the tmpfs copy) leaves
# for crypt on this machine. Each crypt row shows its share of the target
# and of that ceiling.
#
# Env: ULVM_BIN (set by bench/run), BENCH_SIZE (image, default 1G),
# BENCH_RUNTIME (seconds per fio run, default 10).
set -u
: "${ULVM_BIN:?ULVM_BIN must point at build/bin}"
size=${BENCH_SIZE:-1G}
runtime=${BENCH_RUNTIME:-10}
for t in fio openssl; do
	command -v "$t" >/dev/null || { echo "bench crypt: '$t' not installed" >&2; exit 1; }
done

T=$(mktemp -d /tmp/ulvm-bench-crypt.XXXXXX)
S=$(mktemp -d /dev/shm/ulvm-bench-crypt.XXXXXX) # tmpfs: measure the cipher, not a disk
export ULVM_RUN_DIR="$T/run" ULVM_SYSTEM_DIR="$T/etc" ULVM_DEV_DIR="$T/dev"
mkdir -p "$ULVM_RUN_DIR" "$ULVM_SYSTEM_DIR" "$ULVM_DEV_DIR"
cleanup() {
	local pid
	pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid" 2>/dev/null) &&
		{ "$ULVM_BIN/ulvmd" --stop --force >/dev/null 2>&1 || kill "$pid"; }
	sleep 0.5
	rm -rf "$T" "$S"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

img="$S/img"
truncate -s "$size" "$img"
bytes=$(stat -c %s "$img")
sectors=$((bytes / 512))
dd if=/dev/urandom of="$img" bs=1M count=$((bytes >> 20)) conv=notrunc status=none
"$ULVM_BIN/ulvmd" || { echo "bench crypt: ulvmd did not start" >&2; exit 1; }
key=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$ULVM_BIN/dmsetup" create c512 --table "0 $sectors crypt aes-xts-plain64 $key 0 $img 0" &&
	"$ULVM_BIN/dmsetup" create c4k --table \
		"0 $sectors crypt aes-xts-plain64 $key 0 $img 0 1 sector_size:4096" &&
	"$ULVM_BIN/dmsetup" create lin --table "0 $sectors linear $img 0" ||
	{ echo "bench crypt: cannot create the mappings" >&2; exit 1; }

# MB/s of one core for aes-256-xts (8192-byte blocks).
cipher=$(openssl speed -evp aes-256-xts -bytes 8192 -seconds 3 2>/dev/null |
	awk 'toupper($1) == "AES-256-XTS" {v=$(NF); sub(/k$/, "", v); printf "%.0f", v * 1000 / 1e6}')
cores=$(nproc)
target=$(awk -v c="${cipher:-0}" -v n="$cores" 'BEGIN {printf "%.0f", 0.6 * c * n}')
# fio_mbs NAME RW: MB/s of 1 MiB sequential ios at depth 8.
fio_mbs() {
	(cd "$T" && fio --name=b --ioengine=nbd --uri="nbd+unix:///$1?socket=$ULVM_RUN_DIR/nbd.sock" \
		--rw="$2" --bs=1M --iodepth=8 --size="$bytes" --time_based --runtime="$runtime" \
		--output-format=terse --terse-version=3 2>/dev/null | grep '^3;') |
		awk -F';' -v rw="$2" '{kb = (rw == "read") ? $7 : $48; printf "%.0f", kb * 1024 / 1e6}'
}
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "?"}'; }

declare -A lin
for rw in read write; do
	lin[$rw]=$(fio_mbs lin "$rw")
done
printf '%-36s %8s %10s %10s\n' "path" "MB/s" "of target" "of ceiling"
printf '%-36s %8s\n' "openssl aes-256-xts, 1 core" "${cipher:-?}"
printf '%-36s %8s\n' "target: 0.6 x 1 core x $cores cores" "$target"
for rw in read write; do
	printf '%-36s %8s %10s\n' "lin seq $rw (nbd, transport ceiling)" "${lin[$rw]:-?}" \
		"$(ratio "${lin[$rw]}" "$target")"
done
for dev in c512 c4k; do
	for rw in read write; do
		mbs=$(fio_mbs "$dev" "$rw")
		printf '%-36s %8s %10s %10s\n' "$dev seq $rw (nbd)" "${mbs:-?}" \
			"$(ratio "$mbs" "$target")" "$(ratio "$mbs" "${lin[$rw]}")"
	done
done
echo "(c512/c4k: aes-xts-plain64 with 512/4096-byte sectors; lin: linear, no cipher;"
echo " $cores CPUs shared by fio and ulvmd's $cores workers: the transport ceiling, not"
echo " the cipher, bounds the crypt rows when it is below the target)"
