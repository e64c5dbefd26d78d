# Helpers shared by the 04NN-blockdev-*.sh scenarios; source after lib.sh.
# They need root, /dev/fuse and loop devices: without them the scenario is
# skipped (the daemon then only serves FUSE files and NBD).

requires_blockdev() {
	[ "$(id -u)" = 0 ] || skip "needs root for loop devices"
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	[ -c /dev/loop-control ] || skip "no /dev/loop-control"
}

# mapper NAME: the block device link of a mapped device.
mapper() { echo "$ULVM_DEV_DIR/mapper/$1"; }

# fuse_file NAME: the FUSE file of a mapped device.
fuse_file() { echo "$ULVM_RUN_DIR/dev/$1"; }

# expect_blockdev NAME: NAME has a loop device behind mapper/NAME whose
# backing file is its FUSE file; prints the loop device.
expect_blockdev() {
	local link dev back
	link=$(mapper "$1")
	[ -L "$link" ] || fail "no link $link (daemon log: $(tail -3 "$ULVM_RUN_DIR/ulvmd.log"))"
	dev=$(readlink "$link")
	[ -b "$dev" ] || fail "$link points at '$dev', not a block device"
	back=$(losetup -n -O BACK-FILE "$dev")
	expect_eq "$back" "$(fuse_file "$1")" "backing file of $dev"
	echo "$dev"
}

# has_cap_sys_resource: online ext4 resize (EXT4_IOC_RESIZE_FS) needs it;
# some containers drop it.
has_cap_sys_resource() {
	local eff
	eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
	(((0x$eff >> 24) & 1))
}

# mount_dev DEV DIR: mounts and registers the unmount for cleanup.
mount_dev() {
	mkdir -p "$2"
	mount "$1" "$2" || fail "mount $1 $2"
}

# tree_sums DIR: md5 of every file under DIR, sorted, on stdout.
tree_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 md5sum); }
