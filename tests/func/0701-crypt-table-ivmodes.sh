#!/usr/bin/env bash
# Raw crypt tables: every IV mode, 512- and 4096-byte sectors, iv_offset and
# iv_large_sectors, the capi form; the ciphertext on disk is what the
# python oracle computes, data reads back, the table hides the key unless
# --showkeys and parses back; key wipe/set; unsupported specs are refused
# naming the part.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crypt.sh"
. "$(dirname "$0")/targets.sh"
requires python3
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
start_daemon

plain=$(random_file plain.bin 1)
K16=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
K32=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
K64=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')
n=0
while read -r spec key ivo ss large; do
	n=$((n + 1))
	img=$(make_image "t$n.img" 4M)
	opts="" count=0
	[ "$ss" != 512 ] && opts="$opts sector_size:$ss" count=$((count + 1))
	[ "$large" = 1 ] && opts="$opts iv_large_sectors" count=$((count + 1))
	[ $count -gt 0 ] && opts=" $count$opts"
	expect_ok dmsetup create "t$n" --table "0 8000 crypt $spec ${!key} $ivo $img 8$opts"
	write_through "t$n" "$plain"
	oracle_check "$spec" "${!key}" "$ivo" "$ss" "$large" "$plain" "$img" 4096
	read_back "t$n" "$plain"
	table=$(dmsetup table "t$n")
	case "$table" in *"${!key}"*) fail "table of t$n shows the key without --showkeys" ;; esac
	expect_eq "$(dmsetup table --showkeys "t$n")" "0 8000 crypt $spec ${!key} $ivo $img 8$opts" \
		"table --showkeys of t$n"
done <<'SPECS'
aes-xts-plain64 K64 0 512 0
aes-xts-plain64 K32 16 4096 0
aes-xts-plain64 K64 16 4096 1
aes-xts-plain K64 7 512 0
aes-xts-plain64be K64 0 512 0
aes-cbc-essiv:sha256 K32 0 512 0
aes-cbc-essiv:sha256 K16 8 4096 0
aes-cbc-benbi K32 0 512 0
aes-cbc-null K32 0 512 0
aes-cbc-plain64 K16 0 512 0
capi:xts(aes)-plain64 K64 0 4096 0
aes-ecb K32 0 512 0
aes-ctr-plain64 K32 0 512 0
aes K32 3 512 0
SPECS

# The hidden key is zeros of the key's length, as dmsetup prints it.
expect_match "$(dmsetup table t1)" "crypt aes-xts-plain64 0{128} 0 " "hidden key"
expect_eq "$(dmsetup status t1)" "0 8000 crypt " "status INFO is empty"

# The TABLE form (with the key) loads back to the same table.
dmsetup table --showkeys t2 >"$T/t2.table"
expect_ok dmsetup load t2 "$T/t2.table"
expect_ok dmsetup resume t2
read_back t2 "$plain"

# key wipe / key set: only while suspended; no resume without a key.
expect_fail dmsetup message t1 0 key wipe
expect_ok dmsetup suspend t1
expect_ok dmsetup message t1 0 key wipe
expect_fail dmsetup resume t1
expect_ok dmsetup message t1 0 key set "$K64"
expect_ok dmsetup resume t1
read_back t1 "$plain"

# Partial units of a 4096-byte-sector mapping (which the kernel refuses,
# but ulvm's exports show 512-byte blocks) are read, and written by
# read-modify-write, correctly.
cmp -s <(bytes_at "$ULVM_RUN_DIR/dev/t2" 1536 1024) <(bytes_at "$plain" 1536 1024) ||
	fail "partial-unit read through t2"
head -c 1024 /dev/urandom >"$T/patch"
dd if="$T/patch" of="$ULVM_RUN_DIR/dev/t2" bs=512 seek=3 conv=notrunc,fsync status=none
dd if="$T/patch" of="$plain" bs=512 seek=3 conv=notrunc status=none
read_back t2 "$plain"
oracle_check aes-xts-plain64 "$K32" 16 4096 0 "$plain" "$T/t2.img" 4096

# Refused at load, naming what is wrong; the key never shows in a message.
img=$(make_image bad.img 1M)
bad() { # bad TABLE_ARGS REGEX
	expect_fail dmsetup create bad --table "0 2048 crypt $1"
	expect_match "$ERR" "$2" "error for '$1'"
	case "$ERR" in *"$K64"*|*"$K32"*) fail "key shown in an error message" ;; esac
}
bad "aes-cbc-lmk $K32 0 $img 0" "unsupported iv mode 'lmk'"
bad "aes-cbc-bogus $K32 0 $img 0" "invalid iv mode 'bogus'"
bad "serpent-xts-plain64 $K64 0 $img 0" "unsupported cipher 'serpent-xts'"
bad "aes-xts-plain64 $K16 0 $img 0" "unsupported key size 128 bits"
bad "aes-xts $K64 0 $img 0" "iv mechanism required"
bad "aes:64-cbc-lmk $K32 0 $img 0" "unsupported key count '64'"
bad "aes-cbc-essiv $K32 0 $img 0" "digest algorithm missing"
bad "aes-xts-plain64 :64:logon:foo 0 $img 0" "keyring keys are not supported"
bad "aes-xts-plain64 ${K64}0 0 $img 0" "invalid key"
bad "aes-xts-plain64 $K64 0 $img 0 1 integrity:28:aead" "unsupported feature 'integrity:28:aead'"
bad "aes-xts-plain64 $K64 0 $img 0 1 sector_size:1000" "invalid feature value for sector_size"
bad "aes-xts-plain64 $K64 1 $img 0 1 sector_size:4096" "invalid iv_offset sector"
bad "aes-xts-plain64 $K64 0 $img 0 2 allow_discards" "feature argument count"
no_key_in_logs "$K16" "$K32" "$K64"
pass
