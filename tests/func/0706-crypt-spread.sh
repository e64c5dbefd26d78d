#!/usr/bin/env bash
# Large ios through crypt, whose cipher work is cut into shares run on
# several workers (daemon/targets/crypt_job.c): 1 MiB NBD writes and reads
# on 512-byte (XTS by hand) and 4096-byte sectors (OpenSSL's XTS, with
# iv_large_sectors), 4 workers; the ciphertext is checked against the python
# oracle and the data read back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crypt.sh"
requires python3 nbdcopy
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
start_daemon --workers 4

plain=$(random_file plain.bin 6)
key=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')
size=$((8 * 2048))
for unit in 512 4096; do
	img=$(make_image "c$unit.img" 8M)
	opts=""
	[ "$unit" = 4096 ] && opts=" 2 sector_size:4096 iv_large_sectors"
	expect_ok dmsetup create "c$unit" --table "0 $size crypt aes-xts-plain64 $key 0 $img 0$opts"
	expect_ok nbdcopy --request-size=1048576 --requests=8 "$plain" "$(nbd_uri "c$unit")"
	large=0
	[ "$unit" = 4096 ] && large=1
	oracle_check aes-xts-plain64 "$key" 0 "$unit" "$large" "$plain" "$img" 0
	expect_ok nbdcopy --request-size=1048576 --requests=8 "$(nbd_uri "c$unit")" "$T/back$unit"
	cmp -s <(head -c "$(stat -c %s "$plain")" "$T/back$unit") "$plain" ||
		fail "data read back through c$unit with 1 MiB requests differs"
	expect_ok dmsetup remove "c$unit"
done
no_key_in_logs "$key"
pass
