# Helpers shared by the 06NN-snapshot-*.sh scenarios; source after lib.sh.
# The stack is the one LVM2 builds: `base` (linear over an image, LVM's
# "-real"), `origin` = snapshot-origin base, `snapN` = snapshot base COW.

# fuse_file NAME: the FUSE file of a mapped device.
dev_file() { echo "$ULVM_RUN_DIR/dev/$1"; }

# write_at DEV_OR_FILE BYTE_OFFSET SRC_FILE: writes SRC at the offset.
write_at() {
	dd if="$3" of="$1" bs=512 oflag=seek_bytes seek="$2" conv=notrunc,fsync status=none ||
		fail "write of $3 at $2 into $1"
}

# expect_same FILE1 FILE2 WHAT: whole contents equal.
expect_same() {
	cmp -s "$1" "$2" || fail "$3: $1 and $2 differ ($(cmp "$1" "$2" 2>&1 | head -1))"
}

# status_of NAME: the INFO part of `dmsetup status` (after the type).
status_of() { dmsetup status "$1" | cut -d' ' -f4-; }

# event_nr NAME
event_nr() { dmsetup info "$1" | awk -F': *' '/^Event number/ {print $2}'; }

# make_stack SIZE_MIB: base image of random bytes, `base` and `origin`
# devices; sets $base_img and $sectors, keeps a copy in $T/t0.
make_stack() {
	sectors=$(($1 * 2048))
	base_img=$(make_image base.img "${1}M")
	head -c "$(($1 * 1048576))" /dev/urandom >"$base_img"
	cp "$base_img" "$T/t0"
	expect_ok dmsetup create base --table "0 $sectors linear $base_img 0"
	expect_ok dmsetup create origin --table "0 $sectors snapshot-origin base"
}

# wait_merged NAME: waits (up to 120 s) until a merging store is empty
# (allocated == metadata, as LVM polls).
wait_merged() {
	local st
	for _ in $(seq 1200); do
		st=$(status_of "$1")
		[[ "$st" =~ ^([0-9]+)/[0-9]+\ ([0-9]+)$ ]] &&
			[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && return 0
		sleep 0.1
	done
	fail "merge of $1 did not finish: status '$st'"
}
