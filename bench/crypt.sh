#!/usr/bin/env bash
# crypt throughput: sequential 1 MiB read and write through NBD (fio's nbd
# engine) of an aes-xts-plain64 mapping (512-byte and 4096-byte sectors)
# over a tmpfs file, beside `openssl speed -evp aes-256-xts` for one core
# and a linear mapping of the same file; prints each as a ratio of the
# single-core cipher figure (the workers spread the work over cores).
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

# MB/s of one core for aes-256-xts (8192-byte blocks column).
cipher=$(openssl speed -evp aes-256-xts -seconds 3 2>/dev/null |
	awk 'toupper($1) == "AES-256-XTS" {v=$(NF-1); sub(/k$/, "", v); printf "%.0f", v * 1000 / 1e6}')
# fio_mbs NAME RW: MB/s of 1 MiB sequential ios at depth 8.
fio_mbs() {
	(cd "$T" && fio --name=b --ioengine=nbd --uri="nbd+unix:///$1?socket=$ULVM_RUN_DIR/nbd.sock" \
		--rw="$2" --bs=1M --iodepth=8 --size="$bytes" --time_based --runtime="$runtime" \
		--output-format=terse --terse-version=3 2>/dev/null | grep '^3;') |
		awk -F';' -v rw="$2" '{kb = (rw == "read") ? $7 : $48; printf "%.0f", kb * 1024 / 1e6}'
}
printf '%-28s %10s %8s\n' "path" "MB/s" "ratio"
printf '%-28s %10s %8s\n' "openssl aes-256-xts, 1 core" "$cipher" "1.00"
for dev in c512 c4k lin; do
	for rw in read write; do
		mbs=$(fio_mbs "$dev" "$rw")
		printf '%-28s %10s %8s\n' "$dev seq $rw (nbd)" "${mbs:-?}" \
			"$(awk -v a="${mbs:-0}" -v b="${cipher:-1}" 'BEGIN {printf "%.2f", a / b}')"
	done
done
echo "(nproc $(nproc); c512/c4k: aes-xts-plain64 with 512/4096-byte sectors; lin: no crypt)"
