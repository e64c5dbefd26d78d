#!/usr/bin/env bash
# Real cryptsetup makes LUKS1 and LUKS2 volumes (512- and 4096-byte
# sectors, pbkdf2 and argon2id); ulvm cryptsetup opens each, data written
# through the mapping is on disk exactly as the python oracle encrypts it
# with the volume key cryptsetup dumps, and reads back. A wrong passphrase
# fails clearly with exit code 2, and no key reaches any log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crypt.sh"
requires python3
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
start_daemon

printf 'correct horse' >"$T/pass"
plain=$(random_file plain.bin 2)
fast=(--pbkdf pbkdf2 --pbkdf-force-iterations 1000)
keys=()
n=0
while read -r type ss kdf; do
	n=$((n + 1))
	img=$(make_image "v$n.img" 48M)
	args=(--type "$type" --batch-mode --key-file "$T/pass")
	[ "$type" = luks2 ] && args+=(--sector-size "$ss")
	if [ "$kdf" = pbkdf2 ]; then args+=("${fast[@]}"); else
		args+=(--pbkdf argon2id --pbkdf-force-iterations 4 --pbkdf-memory 32768); fi
	realcs luksFormat "${args[@]}" "$img" || fail "real cryptsetup luksFormat $type"
	key=$(volume_key "$img" "$T/pass")
	keys+=("$key")
	offset=$(data_offset "$img")
	cryptsetup open --key-file "$T/pass" "$img" "v$n" >"$T/open$n.out" 2>&1 ||
		fail "ulvm cryptsetup open $type: $(cat "$T/open$n.out")"
	expect_match "$(cryptsetup status "v$n")" "type: +${type^^}" "status of v$n"
	expect_match "$(cryptsetup status "v$n")" "sector size: +$ss" "status of v$n"
	write_through "v$n" "$plain"
	oracle_check aes-xts-plain64 "$key" 0 "$ss" 0 "$plain" "$img" "$offset"
	read_back "v$n" "$plain"
	expect_ok cryptsetup close "v$n"
	# Reopen: the data is still there.
	expect_ok cryptsetup open --key-file "$T/pass" "$img" "v$n"
	read_back "v$n" "$plain"
	expect_ok cryptsetup close "v$n"
	# Wrong passphrase: every slot tried, then a clear error and status 2.
	printf 'wrong' >"$T/wrong"
	cryptsetup open --key-file "$T/wrong" "$img" bad >"$T/wrong$n.out" 2>&1
	expect_eq "$?" 2 "exit status with a wrong passphrase"
	expect_match "$(cat "$T/wrong$n.out")" "no key available with this passphrase" "wrong passphrase"
	[ -e "$ULVM_RUN_DIR/dev/bad" ] && fail "a device was made with a wrong passphrase"
done <<'VOLS'
luks1 512 pbkdf2
luks2 4096 pbkdf2
luks2 512 pbkdf2
luks2 4096 argon2id
VOLS
expect_fail cryptsetup open --key-file "$T/pass" "$plain" nope
expect_match "$ERR" "not a valid luks device" "open of a file that is not LUKS"
no_key_in_logs "${keys[@]}"
pass
