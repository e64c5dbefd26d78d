#!/usr/bin/env bash
# rename changes the name, keeps the table and the uuid; --setuuid sets a
# uuid once; stacked devices follow a rename of what they use.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon

expect_ok dmsetup create old --table "0 100 zero"
expect_ok dmsetup rename old new
expect_no_device old
expect_eq "$(dmsetup table new)" "0 100 zero " "table after rename"
expect_eq "$(dmsetup ls | cut -f1)" "new" "ls after rename"

# A uuid is set once.
expect_eq "$(info_field new uuid)" "" "no uuid yet"
expect_ok dmsetup rename new --setuuid FIRST-UUID
expect_eq "$(info_field new uuid)" "FIRST-UUID" "uuid set"
expect_error "uuid" dmsetup rename new --setuuid SECOND
expect_eq "$(info_field new uuid)" "FIRST-UUID" "uuid unchanged"

# Rename by uuid; the uuid follows.
expect_ok dmsetup rename -u FIRST-UUID third
expect_eq "$(info_field third uuid)" "FIRST-UUID" "uuid after rename"

# Refusals: an existing name, invalid names, an unknown device.
expect_ok dmsetup create other --table "0 8 zero"
expect_error "other" dmsetup rename third other
expect_error "a/b" dmsetup rename third a/b
expect_error "nosuch" dmsetup rename nosuch x
expect_error "uuid" dmsetup rename other --setuuid FIRST-UUID

# A device stacked on a renamed one keeps working and names it anew.
expect_ok dmsetup create top --table "0 8 linear third 0"
expect_ok dmsetup rename third base
expect_eq "$(dmsetup table top)" "0 8 linear base 0" "stacked table after rename"
expect_eq "$(dmsetup deps -o devname top)" $'1 dependencies\t: (base)' "deps after rename"

expect_ok dmsetup remove top
expect_ok dmsetup remove base
expect_ok dmsetup remove other
pass
