#!/usr/bin/env bash
# load puts a table in the inactive slot, resume swaps it in; suspend
# shows in info; clear drops the inactive table; reload is load.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmsetup.sh"
start_daemon

a=$(make_image a.img 8M)
expect_ok dmsetup create dev --table "0 1024 linear $a 0"

# load: the live table stays until resume.
expect_ok dmsetup load dev --table "0 2048 zero"
expect_eq "$(info_field dev attr)" "LI-w" "attr after load"
expect_re "$(dmsetup info dev)" 'Tables present:    LIVE & INACTIVE' "info after load"
expect_eq "$(dmsetup table dev)" "0 1024 linear $a 0" "live table after load"
expect_eq "$(dmsetup table --inactive dev)" "0 2048 zero " "inactive table"
expect_ok dmsetup resume dev
expect_eq "$(dmsetup table dev)" "0 2048 zero " "live table after resume"
expect_eq "$(info_field dev attr)" "L--w" "attr after resume"

# suspend / resume state; suspending twice and resuming twice are no-ops.
expect_ok dmsetup suspend dev
expect_ok dmsetup suspend dev
expect_re "$(dmsetup info dev)" 'State:             SUSPENDED' "state suspended"
expect_eq "$(info_field dev suspended)" "Suspended" "suspended field"
expect_ok dmsetup resume dev
expect_ok dmsetup resume dev
expect_re "$(dmsetup info dev)" 'State:             ACTIVE' "state active"
expect_ok dmsetup suspend --noflush dev
expect_eq "$(info_field dev attr)" "L-sw" "attr suspended --noflush"

# The swap while suspended, table from stdin and from a file.
echo "0 512 linear $a 8" | dmsetup load dev || fail "load from stdin"
expect_ok dmsetup resume dev
expect_eq "$(dmsetup table dev)" "0 512 linear $a 8" "table after stdin load"
echo "0 64 zero" >"$T/t"
expect_ok dmsetup reload dev "$T/t"
expect_ok dmsetup resume dev
expect_eq "$(dmsetup table dev)" "0 64 zero " "table after reload from file"

# A relative file path in a table is the caller's.
(cd "$T" && dmsetup load dev --table "0 16 linear ./a.img 0") || fail "load with ./a.img"
expect_eq "$(dmsetup table --inactive dev)" "0 16 linear $a 0" "relative path"

# clear drops the inactive table, keeps the live one.
expect_ok dmsetup clear dev
expect_eq "$(info_field dev tables_loaded)" "Live" "tables after clear"
expect_eq "$(dmsetup table dev)" "0 64 zero " "live table after clear"

# A failed load leaves both tables as they were.
expect_fail dmsetup load dev --table "0 10 nosuchtarget"
expect_eq "$(info_field dev tables_loaded)" "Live" "tables after failed load"

# --notable is for create only.
expect_error "--notable only available when creating new device" dmsetup load dev --notable
# By uuid.
expect_ok dmsetup create byuuid -u U-1 --notable
expect_ok dmsetup load -u U-1 --table "0 8 zero"
expect_ok dmsetup resume -u U-1
expect_eq "$(dmsetup table -u U-1)" "0 8 zero " "table by uuid"
expect_ok dmsetup remove -u U-1
expect_ok dmsetup remove dev
pass
