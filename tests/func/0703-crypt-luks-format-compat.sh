#!/usr/bin/env bash
# ulvm cryptsetup formats LUKS1 and LUKS2 volumes: real cryptsetup accepts
# the passphrase, its luksDump prints the same as ulvm's, the volume key
# both dump is the same; key slots added or removed by either tool are
# seen by the other; a damaged LUKS2 primary header falls back to the
# secondary with a warning, and the next write repairs it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crypt.sh"
start_daemon

printf 'first pass' >"$T/p1"
printf 'second pass' >"$T/p2"
printf 'third pass' >"$T/p3"
fast=(--pbkdf pbkdf2 --pbkdf-force-iterations 1000)
for type in luks1 luks2 luks2-argon; do
	img=$(make_image "$type.img" 40M)
	case $type in
	luks2-argon) args=(--type luks2 --pbkdf argon2id --pbkdf-force-iterations 4
		--pbkdf-memory 32768) ;;
	*) args=(--type "$type" "${fast[@]}") ;;
	esac
	expect_ok cryptsetup luksFormat --batch-mode "${args[@]}" --key-file "$T/p1" "$img"
	expect_ok realcs isLuks "$img"
	expect_ok realcs open --test-passphrase --key-file "$T/p1" "$img"
	expect_eq "$(cryptsetup luksDump "$img")" "$(realcs luksDump "$img")" "luksDump of $type"
	expect_eq "$(cryptsetup luksUUID "$img")" "$(realcs luksUUID "$img")" "luksUUID of $type"
	expect_eq "$(cryptsetup luksDump --dump-volume-key --batch-mode --key-file "$T/p1" "$img")" \
		"$(realcs luksDump --dump-volume-key --batch-mode --key-file "$T/p1" "$img")" \
		"volume key dump of $type"

	# ulvm adds slot 1, real cryptsetup opens with it and adds slot 2.
	expect_ok cryptsetup luksAddKey "${fast[@]}" --key-file "$T/p1" "$img" "$T/p2"
	expect_ok realcs open --test-passphrase --key-file "$T/p2" "$img"
	expect_ok realcs luksAddKey "${fast[@]}" --key-file "$T/p2" "$img" "$T/p3"
	expect_ok cryptsetup open --test-passphrase --key-file "$T/p3" "$img"
	# ulvm kills slot 0, real cryptsetup no longer takes its passphrase.
	expect_ok cryptsetup luksKillSlot --batch-mode "$img" 0
	expect_fail realcs open --test-passphrase --key-file "$T/p1" "$img"
	# real cryptsetup removes slot 1, ulvm no longer takes its passphrase.
	expect_ok realcs luksRemoveKey --batch-mode --key-file "$T/p2" "$img"
	expect_fail cryptsetup open --test-passphrase --key-file "$T/p2" "$img"
	expect_eq "$(cryptsetup luksDump "$img")" "$(realcs luksDump "$img")" "luksDump after key changes"
	# Change the last passphrase with ulvm.
	expect_ok cryptsetup luksChangeKey "${fast[@]}" --key-file "$T/p3" "$img" "$T/p1"
	expect_ok realcs open --test-passphrase --key-file "$T/p1" "$img"
	expect_fail realcs open --test-passphrase --key-file "$T/p3" "$img"
	expect_ok cryptsetup open --key-file "$T/p1" "$img" "vol-$type"
	expect_ok cryptsetup close "vol-$type"
done

# Damaged LUKS2 primary: the secondary is used, with a warning.
img="$T/luks2.img"
printf 'garbage!' | dd of="$img" bs=1 seek=5000 conv=notrunc status=none
out=$(cryptsetup open --test-passphrase -v --key-file "$T/p1" "$img" 2>&1) ||
	fail "open with a damaged primary header: $out"
expect_match "$out" "primary luks2 header .* is damaged, using the secondary" "warning"
# A key slot change rewrites both copies: real cryptsetup is happy again.
expect_ok cryptsetup luksAddKey "${fast[@]}" --key-file "$T/p1" "$img" "$T/p2"
expect_eq "$(realcs luksDump "$img" | grep -c ': luks2$')" 2 "keyslots after the repair"
out=$(cryptsetup open --test-passphrase --key-file "$T/p2" "$img" 2>&1) || fail "$out"
case "$out" in *damaged*) fail "primary still damaged after a rewrite" ;; esac
pass
