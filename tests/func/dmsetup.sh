# Helpers for the dmsetup scenarios (tests/func/01NN-dmsetup-*.sh); source
# after lib.sh.

# expect_re TEXT REGEX [WHAT]: TEXT matches the extended regex (bash =~:
# one match over the whole text, so '\n' in REGEX is a real newline and
# '^' the start of the text; lib.sh's expect_match greps line by line).
expect_re() {
	[[ $1 =~ $2 ]] || fail "${3:-output} does not match /$2/: $1"
}

# expect_error REGEX CMD...: CMD must fail with exactly one line on stderr,
# "dmsetup: ..." matching REGEX.
expect_error() {
	local re=$1
	shift
	expect_fail "$@"
	[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || fail "more than one error line from $*: $ERR"
	expect_re "$ERR" "^dmsetup: " "error of $*"
	expect_re "$ERR" "$re" "error of $*"
}

# info_field NAME FIELD: one field of `dmsetup info -c --noheadings -o`.
info_field() { dmsetup info -c --noheadings -o "$2" "$1"; }

# expect_no_device NAME: the device is gone.
expect_no_device() {
	expect_error "device '$1' not found" dmsetup info "$1"
}
