#!/usr/bin/env bash
# A filesystem on a LUKS2 volume made by real cryptsetup: mkfs.ext4 on the
# mapping's block device, mount, write, umount, close, reopen, a clean
# fsck and the same files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blockdev.sh"
. "$(dirname "$0")/crypt.sh"
requires_blockdev
requires mkfs.ext4 fsck.ext4
start_daemon

printf 'fs pass' >"$T/pass"
img=$(make_image luks.img 128M)
realcs luksFormat --batch-mode --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
	--key-file "$T/pass" "$img" || fail "real cryptsetup luksFormat"
expect_ok cryptsetup open --key-file "$T/pass" "$img" secret
expect_blockdev secret >/dev/null
expect_ok mkfs.ext4 -q -F "$(mapper secret)"
mount_dev "$(mapper secret)" "$T/mnt"
cp -r /usr/include/linux "$T/mnt/" || fail "copy into the filesystem"
head -c 16M /dev/urandom >"$T/big"
cp "$T/big" "$T/mnt/big" || fail "write a big file"
before=$(tree_sums "$T/mnt")
expect_ok umount "$T/mnt"
expect_ok cryptsetup close secret
[ -e "$(mapper secret)" ] && fail "link left after close"

# Nothing readable on disk: the file's first bytes are not in the image.
grep -qF "$(head -c 32 "$T/big" | od -An -tx1 | head -1)" <(od -An -tx1 "$img") &&
	fail "plaintext found in the image"

expect_ok cryptsetup open --key-file "$T/pass" "$img" secret
expect_blockdev secret >/dev/null
expect_ok fsck.ext4 -fn "$(mapper secret)"
mount_dev "$(mapper secret)" "$T/mnt"
expect_eq "$(tree_sums "$T/mnt")" "$before" "files after close and reopen"
expect_ok umount "$T/mnt"
expect_ok cryptsetup close secret
pass
