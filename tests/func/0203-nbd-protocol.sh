#!/usr/bin/env bash
# Exact protocol behaviour through libnbd (nbdsh): read/write/flush/trim/
# write-zeroes with and without FUA, and the error codes for requests out
# of range, unaligned, too large, or writing to a read-only export. libnbd's
# own checks are switched off (strict mode 0) so the server answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nbd.sh"
requires nbdsh
start_daemon

img=$(make_image a.img 8M)
expect_ok dmsetup create lin --table "0 16384 linear $img 0"
expect_ok dmsetup create -r ro --table "0 2048 linear $img 0"
size=$((16384 * 512))

cat >"$T/rw.py" <<PY
import errno, os
h.set_strict_mode(0)
size = $size
assert h.get_size() == size
def fails(fn, code):
    try:
        fn()
    except nbd.Error as e:
        assert e.errnum == code, f"{fn}: errno {e.errnum}, expected {code}"
        return
    raise AssertionError(f"{fn} succeeded")
data = os.urandom(65536)
h.pwrite(data, 4096)
assert h.pread(65536, 4096) == data
h.pwrite(data[:4096], size - 4096, nbd.CMD_FLAG_FUA)
assert h.pread(4096, size - 4096) == data[:4096]
h.flush()
h.zero(8192, 4096)
assert h.pread(8192, 4096) == bytes(8192)
assert h.pread(4096, 12288) == data[8192:12288]
h.zero(4096, 4096 * 4, nbd.CMD_FLAG_FUA | nbd.CMD_FLAG_NO_HOLE)
assert h.pread(4096, 4096 * 4) == bytes(4096)
h.trim(4096, 4096 * 8)
h.trim(4096, 4096 * 9, nbd.CMD_FLAG_FUA)
# 512-byte granularity is enough.
h.pwrite(b"x" * 512, 512)
assert h.pread(1024, 0)[512:] == b"x" * 512
# Errors, and the connection keeps working after each.
fails(lambda: h.pread(512, size), errno.EINVAL)
fails(lambda: h.pread(1024, size - 512), errno.EINVAL)
fails(lambda: h.pwrite(bytes(512), size), errno.ENOSPC)
fails(lambda: h.zero(1024, size - 512), errno.ENOSPC)
fails(lambda: h.trim(1024, size - 512), errno.EINVAL)
fails(lambda: h.pread(100, 0), errno.EINVAL)
fails(lambda: h.pread(512, 7), errno.EINVAL)
fails(lambda: h.pwrite(bytes(100), 0), errno.EINVAL)
fails(lambda: h.pread((32 << 20) + 4096, 0), errno.EINVAL)
assert h.pread(65536, 4096)[:4096] == bytes(4096)
# Many requests in flight at once, completed in any order.
bufs = [nbd.Buffer(4096) for _ in range(64)]
cookies = [h.aio_pread(b, i * 4096) for i, b in enumerate(bufs)]
while h.aio_in_flight() > 0:
    h.poll(-1)
assert all(h.aio_command_completed(c) for c in cookies)
assert b"".join(b.to_bytearray() for b in bufs) == h.pread(64 * 4096, 0)
PY
nbd_py lin "exec(open('$T/rw.py').read())" || fail "read-write protocol checks"

cat >"$T/ro.py" <<PY
import errno
h.set_strict_mode(0)
assert h.is_read_only()
assert h.pread(4096, 0) == open("$img", "rb").read(4096)
h.flush()
for fn in (lambda: h.pwrite(bytes(512), 0), lambda: h.zero(512, 0), lambda: h.trim(512, 0)):
    try:
        fn()
    except nbd.Error as e:
        assert e.errnum == errno.EPERM, f"errno {e.errnum}"
    else:
        raise AssertionError("write to a read-only export succeeded")
PY
nbd_py ro "exec(open('$T/ro.py').read())" || fail "read-only protocol checks"
pass
