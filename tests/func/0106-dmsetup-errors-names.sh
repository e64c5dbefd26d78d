#!/usr/bin/env bash
# Device names and uuids: invalid names, duplicates and unknown devices
# are refused with one clear line and exit status 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon

expect_ok dmsetup create dev -u UUID-1 --table "0 8 zero"
expect_error "'dev'.*exists" dmsetup create dev --table "0 8 zero"
expect_error "UUID-1" dmsetup create dev2 -u UUID-1 --table "0 8 zero"
expect_no_device dev2

for bad in a/b .. . "a b" $'a\tb' $'a\nb' "$(printf 'x%.0s' $(seq 128))"; do
	expect_fail dmsetup create "$bad" --table "0 8 zero"
	[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || fail "name '$bad': more than one line: $ERR"
	expect_re "$ERR" "^dmsetup: .*name" "error for name '$bad'"
done
expect_fail dmsetup create "" --table "0 8 zero"
# 127 bytes is the longest valid name.
long=$(printf 'y%.0s' $(seq 127))
expect_ok dmsetup create "$long" --table "0 8 zero"
expect_ok dmsetup remove "$long"
expect_eq "$(dmsetup ls | cut -f1)" "dev" "only dev is left"

# Unknown devices, for every command that takes one.
for cmd in info table status deps remove suspend resume clear; do
	expect_error "device 'nosuch' not found" dmsetup "$cmd" nosuch
done
expect_error "device 'nosuch' not found" dmsetup load nosuch --table "0 8 zero"
expect_error "device 'nosuch' not found" dmsetup message nosuch 0 hello
expect_error "device 'nosuch' not found" dmsetup rename nosuch other
expect_error "uuid 'NOPE' not found" dmsetup info -u NOPE
# One unknown among several: the others are still shown, the status is 1.
out=$(dmsetup info dev nosuch 2>/dev/null) && fail "info of an unknown device succeeded"
expect_re "$out" "^Name:              dev" "info of the known device"

# Messages: bad sector, no message, target without messages.
expect_error "invalid sector 'x'" dmsetup message dev x hello
expect_error "no message supplied" dmsetup message dev 0
expect_error "zero" dmsetup message dev 0 hello
expect_ok dmsetup remove dev
pass
