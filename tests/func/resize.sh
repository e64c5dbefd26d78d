# Shared by tests/func/052N-lvm-*.sh (resize, rename, merge/split): the
# test's own loop devices as PVs, real LVM2 (activation off, --devices
# limited to those loops, no backup or archive files written under
# /etc/lvm) as the oracle, and the comparisons.
requires losetup /usr/sbin/lvm
[ "$(id -u)" = 0 ] || skip "needs root for loop devices"

# make_loops SIZE NAME...: one loop device per NAME over an image under
# $T; sets the variable NAME to the device, DEVS to all of them, and adds
# them to ulvm's devices file.
make_loops() {
	local size=$1 n dev
	shift
	for n in "$@"; do
		dev=$(losetup -f --show "$(make_image "$n.img" "$size")") || skip "no loop devices"
		printf -v "$n" '%s' "$dev"
		DEVS="${DEVS:+$DEVS,}$dev"
		expect_ok lvmdevices --adddev "$dev"
	done
}

lvm2() { "/usr/sbin/$1" --config 'global{activation=0} backup{backup=0 archive=0}' --devices "$DEVS" "${@:2}"; }

# Report columns both implementations must print identically.
LVS_COLS=vg_name,lv_name,lv_size,seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges
VGS_COLS=vg_name,vg_uuid,vg_seqno,pv_count,lv_count,vg_extent_size,vg_size,vg_free
PVS_COLS=pv_name,vg_name,pv_uuid,pe_start,pv_size,pv_free,pv_pe_count,pv_pe_alloc_count

# report TOOL_PREFIX CMD COLS: the report, sorted, in bytes.
report() {
	$1 "$2" --noheadings --units b --nosuffix --separator ';' -o "$3" ${4:+"$4"} 2>>"$T/report.err" |
		sed 's/^ *//' | sort
}

# same_as_lvm2 [WHAT]: ulvm's and LVM2's pvs, vgs and lvs -a --segments
# agree on every VG, and LVM2's vgck passes on each.
same_as_lvm2() {
	local c cols u l vg
	for c in pvs:$PVS_COLS vgs:$VGS_COLS lvs:$LVS_COLS; do
		cols=${c#*:}
		u=$(report "" "${c%%:*}" "$cols") || fail "ulvm ${c%%:*}: $u"
		l=$(report lvm2 "${c%%:*}" "$cols") || fail "LVM2 ${c%%:*}: $l"
		if [ "${c%%:*}" = lvs ]; then
			u=$(report "" lvs "$cols" --segments) l=$(report lvm2 lvs "$cols" --segments)
		fi
		[ -n "$l" ] || fail "${1:-state}: LVM2's ${c%%:*} printed nothing"
		[ "$u" = "$l" ] || fail "${1:-state}: ${c%%:*} differs from LVM2's
--- ulvm
$u
--- LVM2
$l"
	done
	for vg in $(lvm2 vgs --noheadings -o vg_name); do
		expect_ok lvm2 vgck "$vg"
	done
}

# seqno VG: the VG's metadata seqno as LVM2 reads it.
seqno() { lvm2 vgs --noheadings -o vg_seqno "$1" | tr -d ' '; }
