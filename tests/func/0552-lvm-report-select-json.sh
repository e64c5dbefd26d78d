#!/usr/bin/env bash
# -S selections and --reportformat json of ulvm's reports against LVM2's.
# JSON is parsed on both sides (python3 json) and compared as data, and
# ulvm's text must equal LVM2's too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report.sh"
report_vg

same_as_lvm2 lvs -S 'lv_size>20m'
same_as_lvm2 lvs -S 'name=~^l' -o name
same_as_lvm2 lvs -S 'name!~^l' -o name
same_as_lvm2 lvs -S 'name=nomatch'
same_as_lvm2 pvs -o pv_name,pv_size -S 'pv_size>=60m && pv_size<96m'
same_as_lvm2 pvs -o pv_name -S 'pv_size=30m || pv_free=20m'
same_as_lvm2 pvs -o pv_name -S '!(pv_size=30m || pv_free=20m)'
same_as_lvm2 pvs -o pv_name -S 'vg_name=""'
same_as_lvm2 pvs -o pv_name -S 'pv_tags=fast'
same_as_lvm2 vgs -o vg_name -S 'vg_tags={blue}'
same_as_lvm2 lvs -o lv_name -S 'lv_tags=[a1,t2]'
same_as_lvm2 lvs -o lv_name -S 'lv_tags=[t2]'
same_as_lvm2 lvs -o lv_name -S 'lv_tags={t2}'
same_as_lvm2 lvs -o lv_name -S 'lv_tags={t2||zz}'
same_as_lvm2 lvs -o lv_name,stripes -S 'stripes>1 || seg_size_pe=2'
same_as_lvm2 lvs -o lv_name,seg_size -S 'seg_size=8m'
same_as_lvm2 lvs -o lv_name -S 'seg_count=2, lv_size<1g'
same_as_lvm2 vgs -o vg_name,pv_count -S 'pv_count>=2 && vg_free>0'

json_same() {
	local want got
	want=$(lvm2 "$@" --reportformat json)
	got=$(ulvm_cmd "$@" --reportformat json) || fail "ulvm $* --reportformat json failed"
	echo "$got" | python3 -m json.tool >/dev/null || fail "ulvm $*: invalid JSON: $got"
	python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2])
for r in a["report"]:
    for k in r:
        for row in r[k]:
            if "lv_attr" in row: row["lv_attr"] = row["lv_attr"][:4] + "??" + row["lv_attr"][6:]
for r in b["report"]:
    for k in r:
        for row in r[k]:
            if "lv_attr" in row: row["lv_attr"] = row["lv_attr"][:4] + "??" + row["lv_attr"][6:]
sys.exit(a != b)' "$want" "$got" || fail "$* JSON differs: $want // $got"
	[ "$(echo "$got" | mask_state)" = "$(echo "$want" | mask_state)" ] ||
		fail "$* JSON text differs: $(diff <(echo "$want") <(echo "$got"))"
}
json_same lvs
json_same vgs
json_same pvs
json_same lvs --segments
json_same pvs --segments
json_same lvs -o lv_name,devices,seg_pe_ranges,lv_tags
json_same vgs -o vg_name,vg_size,vg_tags --units b
json_same lvs -S 'name=nomatch'
json_same pvs -o pv_name,pv_size,pv_used,pv_mda_free --units m --nosuffix
pass
