#!/usr/bin/env bash
# Merging a snapshot back: the origin changes, the snapshot changes too,
# then the origin's snapshot-origin is replaced by snapshot-merge (as
# lvconvert --merge activates it). The origin reads as the snapshot while
# the merge runs, takes writes meanwhile, another snapshot of the origin
# keeps its own view, and at the end the store is empty (allocated ==
# metadata), an event was sent and the origin holds the snapshot's data.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/targets.sh"
. "$(dirname "$0")/snapshot.sh"
start_daemon

make_stack 32
cow=$(make_image cow.img 16M)
cow_other=$(make_image cow_other.img 16M)
expect_ok dmsetup create snap --table "0 $sectors snapshot base $cow P 8"
cp "$T/t0" "$T/snap.want"
head -c 3000000 /dev/urandom >"$T/w1"
head -c 200000 /dev/urandom >"$T/w2"
write_at "$(dev_file origin)" 1000000 "$T/w1"
write_at "$(dev_file origin)" 20000000 "$T/w2"
write_at "$(dev_file snap)" 10000000 "$T/w2"
write_at "$T/snap.want" 10000000 "$T/w2"
expect_same "$(dev_file snap)" "$T/snap.want" "snapshot before the merge"
before=$(status_of snap)

# A second snapshot, taken now, must not see the merge.
expect_ok dmsetup create other --table "0 $sectors snapshot base $cow_other P 8"
cp "$(dev_file origin)" "$T/other.want"

# lvconvert --merge: the snapshot device goes, the origin merges.
expect_ok dmsetup remove snap
expect_ok dmsetup suspend origin
expect_ok dmsetup load origin --table "0 $sectors snapshot-merge base $cow P 8"
events=$(event_nr origin)
expect_ok dmsetup resume origin
expect_eq "$(dmsetup table origin)" "0 $sectors snapshot-merge base $cow P 8" "merge table"
expect_same "$(dev_file origin)" "$T/snap.want" "origin during the merge"
# A write during the merge lands on top of the merged data.
head -c 100000 /dev/urandom >"$T/w3"
write_at "$(dev_file origin)" 1500000 "$T/w3"
write_at "$T/snap.want" 1500000 "$T/w3"
wait_merged origin
expect_match "$(status_of origin)" "^16/32768 16$" "status of the finished merge (was $before)"
[ "$(event_nr origin)" -gt "$events" ] || fail "no event when the merge finished"
expect_same "$(dev_file origin)" "$T/snap.want" "origin after the merge"
expect_same "$base_img" "$T/snap.want" "base image after the merge"
expect_same "$(dev_file other)" "$T/other.want" "the other snapshot after the merge"
table_reloads origin

# LVM's last step: back to a plain origin.
expect_ok dmsetup suspend origin
expect_ok dmsetup load origin --table "0 $sectors snapshot-origin base"
expect_ok dmsetup resume origin
expect_same "$(dev_file origin)" "$T/snap.want" "origin after the switch back"
expect_same "$(dev_file other)" "$T/other.want" "the other snapshot at the end"

# A transient store cannot merge.
expect_fail dmsetup create bad --table "0 $sectors snapshot-merge base $cow_other N 8"
expect_match "$ERR" "does not support snapshot-merge" "merge of an N store"
dmsetup remove bad >/dev/null 2>&1
for d in other origin base; do expect_ok dmsetup remove $d; done
pass
