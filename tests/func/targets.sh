# Helpers shared by the 03NN-target-*.sh scenarios; source after lib.sh.

# nbdsh is a bash script running `python3 -m nbd`: the Debian python3 has
# the module, a python3 earlier on PATH (pyenv) may not.
nbdpy() { # nbdpy NAME PYTHON_CODE: run code with `h` connected to export NAME
	PATH="/usr/bin:$PATH" nbdsh -u "$(nbd_uri "$1")" -c "$2"
}

# table_reloads NAME: `dmsetup table NAME` loads back into NAME and, after
# resume, prints the same table again.
table_reloads() {
	local before after
	before=$(dmsetup table "$1") || fail "dmsetup table $1"
	printf '%s\n' "$before" >"$T/reload-$1.table"
	expect_ok dmsetup load "$1" "$T/reload-$1.table"
	expect_ok dmsetup resume "$1"
	after=$(dmsetup table "$1") || fail "dmsetup table $1 after reload"
	expect_eq "$after" "$before" "table of $1 after reloading its own table"
}

# bytes_at FILE OFFSET COUNT: COUNT bytes of FILE from byte OFFSET, on stdout.
bytes_at() {
	dd if="$1" bs=512 iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none
}

# expect_same_bytes FILE1 OFF1 FILE2 OFF2 COUNT [WHAT]
expect_same_bytes() {
	cmp -s <(bytes_at "$1" "$2" "$5") <(bytes_at "$3" "$4" "$5") ||
		fail "${6:-bytes}: $1@$2 and $3@$4 differ over $5 bytes"
}

# check_striped_layout DATA CHUNK_SECTORS "IMG START_SECTOR" ...: DATA was
# written at sector 0 of a striped device over the given stripes; check
# that chunk k of DATA sits on stripe k % n, as its chunk k / n.
check_striped_layout() {
	local data=$1 chunk=$2
	shift 2
	python3 - "$data" "$chunk" "$@" <<'PY' || fail "striped layout of $data is wrong"
import sys
data, chunk = sys.argv[1], int(sys.argv[2]) * 512
stripes = [(p.split()[0], int(p.split()[1]) * 512) for p in sys.argv[3:]]
files = [open(p, "rb") for p, _ in stripes]
with open(data, "rb") as d:
    k = 0
    while True:
        want = d.read(chunk)
        if not want:
            break
        s = k % len(stripes)
        f = files[s]
        f.seek(stripes[s][1] + (k // len(stripes)) * chunk)
        got = f.read(len(want))
        if got != want:
            print(f"chunk {k}: not at stripe {s} offset {(k // len(stripes)) * chunk}")
            sys.exit(1)
        k += 1
print(f"{k} chunks in place")
PY
}
