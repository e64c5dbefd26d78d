# Shared by tests/func/0554-0559-lvm-display-*.sh, on top of report.sh
# (report_vg: real LVM2 builds vg on the test's own loop devices, with
# activation off and --devices limited to them).
#
# LVM2 without device-mapper cannot know whether an LV is active, so it
# prints no "LV Status" line at all (lvdisplay_full prints it only when
# activation is on); ulvm asks ulvmd and always prints it. same_display
# drops ulvm's "LV Status              NOT available" lines (LVs that are
# not active, as in LVM2's view) before comparing; tests of active LVs
# check those lines themselves. LV paths under $ULVM_DEV_DIR compare as
# /dev; lv_attr's state letters are masked as in report.sh (for -C). Only
# stdout is compared: LVM2's -v prints its own steps on stderr.

# same_display CMD ARGS...: ulvm's stdout equals LVM2's, exit codes too.
same_display() {
	local want got wrc grc
	want=$("/usr/sbin/$1" --config 'global{activation=0}' --devices "$DEVS" "${@:2}" 2>/dev/null)
	wrc=$?
	want=$(echo "$want" | mask_state)
	got=$("$ULVM_BIN/$1" --devices "$DEVS" "${@:2}" 2>/dev/null)
	grc=$?
	got=$(echo "$got" | mask_state | sed -e "s#$ULVM_DEV_DIR/#/dev/#g" -e '/^  LV Status              NOT available$/d')
	[ "$got" = "$want" ] || fail "$* differs from LVM2:
$(diff <(echo "$want") <(echo "$got") | head -30)"
	[ "$grc" = "$wrc" ] || fail "$*: exit status $grc, LVM2's $wrc"
}

# same_error CMD ARGS...: ulvm fails as LVM2 does, with LVM2's first
# stderr line (LVM2 adds "Run `CMD --help'" hints after it).
same_error() {
	local want got wrc grc
	want=$("/usr/sbin/$1" --config 'global{activation=0}' --devices "$DEVS" "${@:2}" 2>&1 >/dev/null |
		grep -v -e WARNING -e 'leaked on' -e 'Run `' | head -1)
	"/usr/sbin/$1" --config 'global{activation=0}' --devices "$DEVS" "${@:2}" >/dev/null 2>&1
	wrc=$?
	got=$("$ULVM_BIN/$1" --devices "$DEVS" "${@:2}" 2>&1 >/dev/null | head -1)
	"$ULVM_BIN/$1" --devices "$DEVS" "${@:2}" >/dev/null 2>&1
	grc=$?
	[ "$got" = "$want" ] || fail "$*: message '$got', LVM2's '$want'"
	[ "$grc" = "$wrc" ] || fail "$*: exit status $grc, LVM2's $wrc"
}
