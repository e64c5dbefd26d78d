#!/usr/bin/env bash
# Plain dm-crypt through ulvm cryptsetup: a raw key file, and a passphrase
# hashed as cryptsetup does (one sha256 round for a 256-bit key; sha512
# rounds with 'A' prefixes for a 512-bit key), with --offset and --skip;
# the ciphertext is checked against the python oracle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crypt.sh"
requires python3
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
start_daemon

plain=$(random_file plain.bin 1)
head -c 64 /dev/urandom >"$T/key64"
img=$(make_image p1.img 8M)
expect_ok cryptsetup open --type plain --cipher aes-xts-plain64 --key-size 512 \
	--key-file "$T/key64" --offset 16 --skip 5 "$img" p1
expect_match "$(cryptsetup status p1)" "type: +PLAIN" "status"
write_through p1 "$plain"
oracle_check aes-xts-plain64 "$(od -An -tx1 "$T/key64" | tr -d ' \n')" 5 512 0 "$plain" "$img" 8192
expect_ok cryptsetup close p1

# Passphrase on stdin (up to the newline), hashed.
img=$(make_image p2.img 8M)
printf 'plain words\n' | cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 \
	--hash sha256 "$img" p2 || fail "plain open with a passphrase"
write_through p2 "$plain"
key=$(printf 'plain words' | sha256sum | cut -d' ' -f1)
oracle_check aes-cbc-essiv:sha256 "$key" 0 512 0 "$plain" "$img" 0
expect_ok cryptsetup close p2

img=$(make_image p3.img 8M)
printf 'longer key\n' | cryptsetup open --type plain --cipher aes-xts-plain64 --key-size 512 \
	--hash sha256 "$img" p3 || fail "plain open with a 512-bit hashed key"
write_through p3 "$plain"
key=$( (printf 'longer key' | sha256sum | cut -c1-64; printf 'Alonger key' | sha256sum | cut -c1-64) |
	tr -d '\n')
oracle_check aes-xts-plain64 "$key" 0 512 0 "$plain" "$img" 0
expect_ok cryptsetup close p3
cryptsetup status p3 >"$T/status.out"
expect_eq "$?" 4 "exit status of status on a closed mapping"
expect_match "$(cat "$T/status.out")" "p3 is inactive" "status of a closed mapping"
pass
