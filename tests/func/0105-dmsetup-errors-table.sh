#!/usr/bin/env bash
# Malformed tables are refused with one clear line naming the culprit,
# exit status 1, and create leaves no half-made device behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon

a=$(make_image a.img 1M)

# bad_table REGEX TABLE: create must fail with that message and leave nothing.
bad_table() {
	expect_error "$1" dmsetup create t --table "$2"
	dmsetup create t --table "$2" 2>/dev/null
	[ $? -eq 1 ] || fail "exit status of a failed create is not 1"
	expect_eq "$(dmsetup ls)" "No devices found" "devices after failed create of '$2'"
}

bad_table "line 1: invalid start sector 'x'" "x 100 zero"
bad_table "line 1: invalid length '10k'" "0 10k zero"
bad_table "line 1: invalid length '-5'" "0 -5 zero"
bad_table "line 1: invalid length '0'" "0 0 zero"
bad_table "line 1: unknown target type 'bogus'" "0 100 bogus"
bad_table "line 1: expected <start> <length> <target>" "0 100"
bad_table "line 1: first target must start at sector 0" "8 100 zero"
bad_table "line 2: .*gap" $'0 100 zero\n200 100 zero'
bad_table "line 2: .*overlaps" $'0 100 zero\n50 100 zero'
bad_table "line 1: linear" "0 100 linear $a"
bad_table "line 1: linear: argument 2 'abc'" "0 100 linear $a abc"
bad_table "'$T/missing.img'" "0 100 linear $T/missing.img 0"
bad_table "too small" "0 4096 linear $a 0"
bad_table "line 1: striped" "0 100 striped 2 x $a 0 $a 0"
# Line numbers count the user's lines, comments and blank lines included.
bad_table "line 3: unknown target type 'nope'" $'# comment\n\n0 100 nope'

# The same through stdin and load.
echo "0 100 bogus" | dmsetup create t 2>"$T/err" && fail "create from stdin succeeded"
expect_re "$(cat "$T/err")" "^dmsetup: table line 1: unknown target type 'bogus'$" "stdin error"
expect_eq "$(dmsetup ls)" "No devices found" "devices after failed stdin create"
expect_ok dmsetup create t --table "0 100 zero"
expect_error "unknown target type 'bogus'" dmsetup load t --table "0 100 bogus"
expect_eq "$(info_field t tables_loaded)" "Live" "tables after failed load"
expect_error "cannot open table file '$T/none'" dmsetup load t "$T/none"
expect_ok dmsetup remove t
pass
