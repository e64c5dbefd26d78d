#!/usr/bin/env bash
# dmsetup round trips: create (table on the command line, on stdin, from a
# file), ls, info in both forms, table, status, remove.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon

a=$(make_image a.img 8M)
b=$(make_image b.img 8M)

expect_eq "$(dmsetup ls)" "No devices found" "ls without devices"
expect_eq "$(dmsetup info)" "No devices found" "info without devices"

expect_ok dmsetup create lin --table "0 2048 linear $a 0"
printf '0 4096 striped 2 128 %s 0 %s 0\n' "$a" "$b" | dmsetup create strip -u strip-uuid ||
	fail "create with the table on stdin"
printf '# two zero areas\n0 100 zero\n100 28 zero # tail\n' >"$T/zeros.table"
expect_ok dmsetup create zeros "$T/zeros.table"

# ls: "name\t(maj:min)", sorted by name.
expect_re "$(dmsetup ls)" $'^lin\t\\([0-9]+:[0-9]+\\)\nstrip\t\\([0-9]+:[0-9]+\\)\nzeros\t' "ls"
expect_re "$(dmsetup ls --target striped)" $'^strip\t\\([0-9]+, [0-9]+\\)$' "ls --target"
expect_eq "$(dmsetup ls --target error)" "" "ls --target with no match"

# table: TABLE form back; several devices get "name: " prefixes.
expect_eq "$(dmsetup table lin)" "0 2048 linear $a 0" "table lin"
expect_eq "$(dmsetup table strip)" "0 4096 striped 2 128 $a 0 $b 0" "table strip"
expect_eq "$(dmsetup table zeros)" "0 100 zero 
100 28 zero " "table zeros (comments cut)"
expect_eq "$(dmsetup table --target linear)" "lin: 0 2048 linear $a 0" "table --target"
expect_eq "$(dmsetup table lin zeros | head -1)" "lin: 0 2048 linear $a 0" "table of two"
expect_eq "$(dmsetup status strip)" "0 4096 striped 2 $a $b 1 AA" "status strip"
expect_eq "$(dmsetup status lin)" "0 2048 linear " "status lin"

# info, long form.
info=$(dmsetup info strip)
expect_re "$info" $'^Name:              strip\nState:             ACTIVE\n' "info"
expect_re "$info" $'\nTables present:    LIVE\nOpen count:        0\nEvent number:      0\n' "info"
# With a block device, dmsetup's read-ahead line (BLKRAGET on the node).
bdev=$(readlink -f "$ULVM_DEV_DIR/mapper/strip" 2>/dev/null)
if [ -b "$bdev" ]; then
	expect_re "$info" $'\nState:             ACTIVE\nRead Ahead:        '"$(blockdev --getra "$bdev")"$'\nTables present:' "info read ahead"
fi
expect_re "$info" $'\nMajor, minor:      [0-9]+, [0-9]+\nNumber of targets: 1\nUUID: strip-uuid$' "info"
expect_eq "$(dmsetup info | grep -c '^Name:')" 3 "info of all devices"

# info -c: headings, aligned columns; --noheadings: ':'-separated.
cols=$(dmsetup info -c lin)
expect_re "$cols" '^Name +Maj Min Stat Open Targ Event +UUID' "info -c headings"
expect_re "$(echo "$cols" | tail -1)" '^lin +[0-9]+ +[0-9]+ L--w +0 +1 +0 *$' "info -c row"
expect_re "$(dmsetup info -c --noheadings strip)" '^strip:[0-9]+:[0-9]+:L--w:0:1:0:strip-uuid$' \
	"info -c --noheadings"
expect_eq "$(dmsetup info -c --noheadings -o name,attr,tables_loaded zeros)" "zeros:L--w:Live" \
	"info -c -o"
expect_eq "$(dmsetup info -C --noheadings -o name,uuid --separator , strip)" "strip,strip-uuid" \
	"--separator"

# Read-only devices.
expect_ok dmsetup create ro -r --table "0 8 zero"
expect_re "$(dmsetup info ro)" 'State:             ACTIVE \(READ-ONLY\)' "read-only state"
expect_eq "$(info_field ro attr)" "L--r" "read-only attr"

# --notable: a device without a table.
expect_ok dmsetup create empty --notable
expect_eq "$(info_field empty tables_loaded)" "None" "--notable"
expect_eq "$(dmsetup table empty)" "" "table of a device without table"

for d in lin strip zeros ro empty; do
	expect_ok dmsetup remove "$d"
	expect_no_device "$d"
done
expect_eq "$(dmsetup ls)" "No devices found" "ls after removing all"
pass
