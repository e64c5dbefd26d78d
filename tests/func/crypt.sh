# Helpers shared by the 07NN-crypt-*.sh scenarios; source after lib.sh.

ORACLE="$(dirname "${BASH_SOURCE[0]}")/crypt_oracle.py"
# `cryptsetup` is ulvm's (build/bin comes first on PATH); the real one is
# the oracle.
REAL_CRYPTSETUP=/usr/sbin/cryptsetup
[ -x "$REAL_CRYPTSETUP" ] || skip "real cryptsetup (cryptsetup-bin) missing"
realcs() { "$REAL_CRYPTSETUP" "$@"; }

# data_offset IMG: byte offset of the data of a LUKS volume, per real cryptsetup.
data_offset() {
	realcs luksDump "$1" | awk '/^Payload offset:/ {print $3 * 512; exit}
		/^\toffset:/ {print $2; exit}'
}

# oracle_check SPEC KEYHEX IV_OFFSET SECTOR_SIZE LARGE PLAIN IMG BYTE_OFFSET:
# IMG holds PLAIN encrypted as dm-crypt would from BYTE_OFFSET on.
oracle_check() {
	python3 "$ORACLE" check "$@" || fail "ciphertext of $7 differs from the python oracle ($1)"
}

# volume_key IMG PASSFILE: the volume key real cryptsetup dumps, as hex.
volume_key() {
	realcs luksDump --dump-volume-key --batch-mode --key-file "$2" "$1" |
		sed -n '/MK dump:/,$p' | sed 's/MK dump://' | tr -d ' \t\n'
}

# write_through NAME FILE: FILE written at the start of mapped device NAME
# (its FUSE file), synced.
write_through() {
	dd if="$2" of="$ULVM_RUN_DIR/dev/$1" bs=64k conv=notrunc,fsync status=none ||
		fail "cannot write $2 through $1"
}

# read_back NAME FILE: the first bytes of NAME equal FILE.
read_back() {
	cmp -s <(head -c "$(stat -c %s "$2")" "$ULVM_RUN_DIR/dev/$1") "$2" ||
		fail "data read back through $1 differs from $2"
}

# no_key_in_logs HEX...: none of the keys appears in the daemon log or the
# test's outputs collected in $T/*.out.
no_key_in_logs() {
	local k
	for k in "$@"; do
		grep -qi "$k" "$ULVM_RUN_DIR"/ulvmd.log "$T"/*.out 2>/dev/null &&
			fail "key material found in a log"
	done
	return 0
}
