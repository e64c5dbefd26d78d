# Shared by every tests/func/NNNN-area-what.sh scenario. Source it first:
#
#   . "$(dirname "$0")/lib.sh"
#   requires nbdinfo
#   start_daemon
#   img=$(make_image a.img 64M)
#   dmsetup create lin --table "0 1000 linear $img 0"
#   ...
#   pass
#
# It makes a private world (ULVM_RUN_DIR, ULVM_SYSTEM_DIR, ULVM_DEV_DIR in
# one temporary folder), puts build/bin first on PATH, and installs a
# cleanup trap that runs even on failure: unmount what was mounted under
# the folder (deepest first), detach loop devices whose backing file is
# under it, stop ulvmd, remove the folder. It never touches anything the
# test did not make.

set -u
set -o pipefail

: "${ULVM_BIN:?ULVM_BIN must point at build/bin (tests/func/run sets it)}"
ULVM_BIN=$(cd "$ULVM_BIN" && pwd)
TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/ulvm-$TEST_NAME.XXXXXX")
export ULVM_RUN_DIR="$T/run" ULVM_SYSTEM_DIR="$T/etc" ULVM_DEV_DIR="$T/dev"
mkdir -p "$ULVM_RUN_DIR" "$ULVM_SYSTEM_DIR" "$ULVM_DEV_DIR"
# The system's tools first: nbdsh needs Debian's python3 (with its nbd
# module), not another python3 that may come earlier on PATH.
export PATH="$ULVM_BIN:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
export LVM_SUPPRESS_FD_WARNINGS=1
# Real LVM2, the oracle, keeps its config, backups and archives in the
# test's folder, never in the machine's /etc/lvm.
export LVM_SYSTEM_DIR="$T/lvm2"
mkdir -p "$LVM_SYSTEM_DIR"
# ASan: report errors from the daemon into a file the runner checks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}:log_path=$T/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$T/ubsan"
NBD_SOCK="$ULVM_RUN_DIR/nbd.sock"
# Tools that drop files in the current directory (fio's verify state) do it
# in the test's folder; tests/func/run starts scripts by absolute path.
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
cd "$T" || exit 1

_cleanup_hooks=()
# at_cleanup CMD...: run CMD at cleanup, before the generic steps (LIFO).
at_cleanup() { _cleanup_hooks+=("$*"); }

_cleanup() {
	local rc=$? i
	set +e
	# A failing test shows the end of the daemon's log (a crash shows there).
	if [ "$rc" != 0 ] && [ -s "$ULVM_RUN_DIR/ulvmd.log" ]; then
		echo "--- tail of ulvmd.log ($TEST_NAME) ---" >&2
		tail -n 15 "$ULVM_RUN_DIR/ulvmd.log" >&2
	fi
	for ((i = ${#_cleanup_hooks[@]} - 1; i >= 0; i--)); do
		eval "${_cleanup_hooks[$i]}" >/dev/null 2>&1
	done
	# Mounts under our folder, deepest first; ulvmd's FUSE mount
	# ($ULVM_RUN_DIR/dev) stays until the loops over its files are gone.
	awk -v t="$T" -v f="$ULVM_RUN_DIR/dev" '$2 ~ "^"t && $2 != f {print $2}' /proc/mounts |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	stop_daemon >/dev/null 2>&1
	# Loop devices whose backing file is ours (also those over the FUSE
	# files of a daemon that was killed).
	losetup -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
		case "$back" in "$T"/*) losetup -d "$dev" 2>/dev/null ;; esac
	done
	awk -v t="$T" '$2 ~ "^"t {print $2}' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	# Any report of ASan, LSan or UBSan from any of our processes fails
	# the test (each writes its own $T/asan.PID or $T/ubsan.PID).
	local reports
	reports=$(find "$T" -maxdepth 1 \( -name 'asan.*' -o -name 'ubsan.*' \) 2>/dev/null)
	if [ -n "$reports" ]; then
		echo "--- sanitizer reports ($TEST_NAME) ---" >&2
		cat $reports >&2
		rc=1
	fi
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# fail MSG: the test fails with MSG.
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

# skip MSG: the machine cannot run this test (exit 77, counted apart).
skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	exit 77
}

pass() {
	echo "PASS: $TEST_NAME"
	exit 0
}

# requires TOOL...: skip unless each tool is on PATH.
requires() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "'$t' not installed"
	done
}

# Assertions. Each names what it checked, so a failure reads on its own.
expect_eq() { # expect_eq ACTUAL EXPECTED [WHAT]
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}
# expect_ok CMD...: CMD must succeed.
expect_ok() {
	local out
	out=$("$@" 2>&1) || fail "command failed: $* -- $out"
}
# expect_fail CMD...: CMD must fail (non-zero); its stderr is kept in $ERR.
expect_fail() {
	ERR=$("$@" 2>&1 >/dev/null) && fail "command should have failed: $*"
	[ -n "$ERR" ] || fail "command failed without a message: $*"
	return 0
}
# expect_match TEXT REGEX [WHAT]: TEXT matches the extended regex (bash
# =~, so a multi-line TEXT or REGEX is matched as one string).
expect_match() {
	[[ $1 =~ $2 ]] || fail "${3:-output} does not match /$2/: $1"
}

# make_image NAME SIZE: a sparse image file under $T; prints its path.
make_image() {
	truncate -s "$2" "$T/$1" || fail "cannot make image $1"
	echo "$T/$1"
}

# random_file NAME SIZE_MIB: a file of random bytes under $T; prints its path.
random_file() {
	head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$T/$1" || fail "cannot make $1"
	echo "$T/$1"
}

start_daemon() {
	ulvmd "$@" || fail "ulvmd did not start"
	[ -S "$ULVM_RUN_DIR/control" ] || fail "no control socket after start"
}

stop_daemon() {
	[ -f "$ULVM_RUN_DIR/ulvmd.pid" ] || return 0
	local pid
	pid=$(cat "$ULVM_RUN_DIR/ulvmd.pid" 2>/dev/null) || return 0
	ulvmd --stop --force >/dev/null 2>&1 || kill "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
}

# nbd_uri NAME: the NBD URI of a mapped device.
nbd_uri() { echo "nbd+unix:///$1?socket=$NBD_SOCK"; }

# sectors_of FILE
size_of() { stat -c %s "$1"; }
