#!/usr/bin/env bash
# Snapshots and their origin are independent both ways: persistent (P, PO)
# and transient (N) stores, several snapshots of one origin with different
# chunk sizes, writes of every shape (partial chunk, whole chunk, across
# chunks), table reloads, reopening a persistent store, and the ctr errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
. "$(dirname "$0")/snapshot.sh"
start_daemon

make_stack 16
cow_p=$(make_image cow_p.img 4M)
cow_n=$(make_image cow_n.img 4M)
cow_2=$(make_image cow_2.img 2M)
expect_ok dmsetup create snap_p --table "0 $sectors snapshot base $cow_p P 8"
expect_ok dmsetup create snap_n --table "0 $sectors snapshot base $cow_n N 8"
expect_ok dmsetup create snap_2 --table "0 $sectors snapshot base $cow_2 PO 16"
expect_eq "$(dmsetup table snap_p)" "0 $sectors snapshot base $cow_p P 8" "P table"
expect_eq "$(dmsetup table snap_n)" "0 $sectors snapshot base $cow_n N 8" "N table"
expect_eq "$(dmsetup table snap_2)" "0 $sectors snapshot base $cow_2 PO 16" "PO table"
expect_eq "$(dmsetup table origin)" "0 $sectors snapshot-origin base" "origin table"
expect_eq "$(status_of snap_p)" "16/8192 16" "new P store: header + one area"
expect_eq "$(status_of snap_n)" "0/8192 0" "new N store"
expect_eq "$(status_of snap_2)" "32/4096 32" "new PO store with 16-sector chunks"
expect_eq "$(status_of origin)" "" "origin status"
# The header LVM and the kernel read: SnAp, valid 1, version 1, chunk 8.
expect_eq "$(od -An -tx4 -N16 "$cow_p" | tr -s ' ')" " 70416e53 00000001 00000001 00000008" \
	"P header"

# Origin writes: partial chunk, whole chunks, across chunk boundaries.
head -c 1000 /dev/urandom >"$T/w1"
head -c 65536 /dev/urandom >"$T/w2"
head -c 300000 /dev/urandom >"$T/w3"
cp "$T/t0" "$T/origin.want"
for w in "w1 4660" "w2 1048576" "w3 3000000"; do
	set -- $w
	write_at "$(dev_file origin)" "$2" "$T/$1"
	write_at "$T/origin.want" "$2" "$T/$1"
done
expect_same "$(dev_file origin)" "$T/origin.want" "origin after its writes"
expect_same "$base_img" "$T/origin.want" "base image after origin writes"
for s in snap_p snap_n snap_2; do
	expect_same "$(dev_file $s)" "$T/t0" "$s after origin writes"
done
expect_match "$(status_of snap_p)" "^[0-9]+/8192 16$" "P usage after copies"

# Snapshot writes stay in their snapshot.
cp "$T/t0" "$T/snap_p.want"
cp "$T/t0" "$T/snap_n.want"
write_at "$(dev_file snap_p)" 8192 "$T/w2"
write_at "$T/snap_p.want" 8192 "$T/w2"
write_at "$(dev_file snap_n)" 5000000 "$T/w3"
write_at "$T/snap_n.want" 5000000 "$T/w3"
expect_same "$(dev_file snap_p)" "$T/snap_p.want" "snap_p after its write"
expect_same "$(dev_file snap_n)" "$T/snap_n.want" "snap_n after its write"
expect_same "$(dev_file snap_2)" "$T/t0" "snap_2 after the others' writes"
expect_same "$(dev_file origin)" "$T/origin.want" "origin after snapshot writes"

# Later origin writes over chunks a snapshot already holds.
write_at "$(dev_file origin)" 8192 "$T/w3"
write_at "$T/origin.want" 8192 "$T/w3"
expect_same "$(dev_file snap_p)" "$T/snap_p.want" "snap_p after a second origin write"
expect_same "$(dev_file snap_2)" "$T/t0" "snap_2 after a second origin write"

# Reloads hand the store over to the new table and keep everything.
for d in snap_p snap_n snap_2 origin; do table_reloads $d; done
expect_same "$(dev_file snap_p)" "$T/snap_p.want" "snap_p after reload"
expect_same "$(dev_file snap_n)" "$T/snap_n.want" "snap_n after reload"
expect_same "$(dev_file snap_2)" "$T/t0" "snap_2 after reload"
write_at "$(dev_file origin)" 0 "$T/w2"
write_at "$T/origin.want" 0 "$T/w2"
expect_same "$(dev_file snap_n)" "$T/snap_n.want" "snap_n after reload and origin write"

# A persistent store reopened from disk finds all its exceptions.
usage=$(status_of snap_p)
expect_ok dmsetup remove snap_p
expect_ok dmsetup create snap_p --table "0 $sectors snapshot base $cow_p P 8"
expect_eq "$(status_of snap_p)" "$usage" "usage after reopening"
expect_same "$(dev_file snap_p)" "$T/snap_p.want" "snap_p reopened"
# The header's chunk size wins over the table's.
expect_ok dmsetup remove snap_2
expect_ok dmsetup create snap_2 --table "0 $sectors snapshot base $cow_2 P 0"
expect_eq "$(dmsetup table snap_2)" "0 $sectors snapshot base $cow_2 P 16" "chunk from header"
expect_same "$(dev_file snap_2)" "$T/t0" "snap_2 reopened"

# A second live table cannot take a store that is in use.
expect_fail dmsetup create dup --table "0 $sectors snapshot base $cow_p P 8"
expect_match "$ERR" "handover|suspended" "error for a store in use"
dmsetup remove dup >/dev/null 2>&1
expect_same "$(dev_file snap_p)" "$T/snap_p.want" "snap_p after the refused handover"

# Constructor errors.
bad=$(make_image bad.img 1M)
expect_fail dmsetup create bad --table "0 $sectors snapshot base $bad X 8"
expect_match "$ERR" "not P or N" "bad store type"
expect_fail dmsetup create bad --table "0 $sectors snapshot base $bad P 12"
expect_match "$ERR" "power of 2" "bad chunk size"
expect_fail dmsetup create bad --table "0 $sectors snapshot base $bad N 0"
expect_match "$ERR" "chunk size not set" "transient without chunk size"
expect_fail dmsetup create bad --table "0 $sectors snapshot base base P 8"
expect_match "$ERR" "same as origin" "COW = origin"
expect_fail dmsetup create bad --table "0 $sectors snapshot base $bad P 8 1 nosuch"
expect_match "$ERR" "unrecognised feature" "bad feature"
expect_fail dmsetup create bad --table "0 $sectors snapshot base $bad P"
expect_match "$ERR" "4 or more" "too few arguments"
expect_fail dmsetup create bad --table "0 $sectors snapshot-origin base x"
expect_match "$ERR" "incorrect number" "origin with 2 arguments"
head -c 4096 /dev/urandom >"$bad"
expect_fail dmsetup create bad --table "0 $sectors snapshot base $bad P 8"
expect_match "$ERR" "invalid or corrupt" "garbage COW"
dmsetup remove bad >/dev/null 2>&1

# The feature-argument form reparses.
cow_f=$(make_image cow_f.img 1M)
expect_ok dmsetup create snap_f --table \
	"0 $sectors snapshot base $cow_f P 8 2 discard_zeroes_cow discard_passdown_origin"
expect_eq "$(dmsetup table snap_f)" \
	"0 $sectors snapshot base $cow_f P 8 2 discard_zeroes_cow discard_passdown_origin" \
	"table with features"
table_reloads snap_f
for d in snap_f snap_p snap_n snap_2 origin base; do expect_ok dmsetup remove $d; done
pass
