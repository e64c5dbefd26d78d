#!/usr/bin/env bash
# LVM command latency: N (default 500) `lvcreate -an` in one VG, then lvs
# and vgs, with ulvm and with real LVM2 (activation off), both on loop
# devices over tmpfs image files. Prints per-command medians and the
# ratio (target: ulvm >= 10x faster per lvcreate at 500 LVs). Then `lvs`
# of a VG with 10,000 LVs built in one commit by a test hook (target
# < 0.5 s). The lvcreates of both sides alternate; lvs/vgs are medians of 3.
#
# Env: ULVM_BIN (set by bench/run), BENCH_LVS (default 500). Needs root.
set -u
: "${ULVM_BIN:?ULVM_BIN must point at build/bin}"
n=${BENCH_LVS:-500}
[ "$(id -u)" = 0 ] || { echo "bench lvm: needs root (loop devices)" >&2; exit 1; }
[ -x /usr/sbin/lvm ] || { echo "bench lvm: LVM2 not installed" >&2; exit 1; }
T=$(mktemp -d /dev/shm/ulvm-bench-lvm.XXXXXX)
export ULVM_RUN_DIR="$T/run" ULVM_SYSTEM_DIR="$T/etc" ULVM_DEV_DIR="$T/dev" LVM_SUPPRESS_FD_WARNINGS=1 LVM_SYSTEM_DIR="$T/lvm2"
mkdir -p "$ULVM_RUN_DIR" "$ULVM_SYSTEM_DIR" "$ULVM_DEV_DIR" "$T/lvm2"
cleanup() {
	losetup -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
		case "$back" in "$T"/*) losetup -d "$dev" 2>/dev/null ;; esac
	done
	rm -rf "$T"
}
trap cleanup EXIT
for x in u1 u2 l1 l2 big; do truncate -s 4G "$T/$x.img"; done
U1=$(losetup -f --show "$T/u1.img") U2=$(losetup -f --show "$T/u2.img")
L1=$(losetup -f --show "$T/l1.img") L2=$(losetup -f --show "$T/l2.img")
U="$ULVM_BIN/ulvm"
lvm2() { "/usr/sbin/$1" --config 'global{activation=0}' --devices "$L1,$L2" "${@:2}"; }
for d in "$U1" "$U2"; do "$U" lvmdevices --adddev "$d"; done
"$U" pvcreate -q "$U1" "$U2" >/dev/null && "$U" vgcreate vgb "$U1" "$U2" >/dev/null || exit 1
lvm2 pvcreate -q "$L1" "$L2" >/dev/null 2>&1 && lvm2 vgcreate vgb "$L1" "$L2" >/dev/null 2>&1 || exit 1

# timed CMD...: runs CMD once (output dropped), microseconds on stdout.
# The clock is bash's own EPOCHREALTIME: a $(date) after the command
# would add date's fork and exec (about 0.5-1 ms) to both sides alike,
# which hides most of the faster side's lead.
timed() {
	local s=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>&1 || { echo "bench lvm: '$*' failed" >&2; return 1; }
	local e=${EPOCHREALTIME/./}
	echo $(((10#$e - 10#$s)))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# The two sides take turns, lvcreate by lvcreate, so that a machine busy
# with other work slows both alike and the ratio stays meaningful.
for i in $(seq 1 "$n"); do
	timed "$U" lvcreate -an -l 1 vgb -n "lv$i" >>"$T/u_create" || exit 1
	timed lvm2 lvcreate -an -Zn -l 1 vgb -n "lv$i" >>"$T/l_create" || exit 1
done
u_create=$(median <"$T/u_create") l_create=$(median <"$T/l_create")
# three_of CMD...: median of three runs.
three_of() { for k in 1 2 3; do timed "$@"; done | median; }
u_lvs=$(three_of "$U" lvs vgb) l_lvs=$(three_of lvm2 lvs vgb)
u_vgs=$(three_of "$U" vgs vgb) l_vgs=$(three_of lvm2 vgs vgb)
printf "%-28s %12s %12s %8s\n" "command ($n LVs)" "ulvm (us)" "LVM2 (us)" "ratio"
row() { printf "%-28s %12s %12s %8s\n" "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN{printf "%.1fx", b/(a?a:1)}')"; }
row "lvcreate -an (median)" "$u_create" "$l_create"
row "lvs" "$u_lvs" "$l_lvs"
row "vgs" "$u_vgs" "$l_vgs"

# 10,000 LVs in one commit through the test hook, then lvs.
B=$(losetup -f --show "$T/big.img")
"$U" lvmdevices --adddev "$B"
"$U" pvcreate --metadatasize 16m "$B" >/dev/null && "$U" vgcreate -s 64k vgbig "$B" >/dev/null || exit 1
ULVM_TEST_LVCREATE_COUNT=10000 "$U" lvcreate -an -l 1 -n l vgbig >/dev/null || exit 1
t=$(three_of "$U" lvs vgbig)
echo "lvs of a VG with 10000 LVs: $((t / 1000)) ms, median of 3 (target < 500 ms)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
