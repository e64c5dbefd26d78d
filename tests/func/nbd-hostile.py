"""Hostile NBD clients for 0205-nbd-hostile.sh: raw sockets, no libnbd.

Usage: nbd-hostile.py SOCKET EXPORT
Each case opens its own connection and checks that the server answers
with the right error or hangs up, never crashes or stalls."""
import socket
import struct
import sys

SOCK, EXPORT = sys.argv[1], sys.argv[2].encode()
OPTS_MAGIC = 0x49484156454F5054
REP_MAGIC = 0x3E889045565A9
REQ_MAGIC = 0x25609513
ERR_UNSUP, ERR_INVALID, ERR_UNKNOWN, ERR_TOO_BIG = (0x80000001, 0x80000003,
                                                   0x80000006, 0x80000009)


def connect(flags=3):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(SOCK)
    hello = recv_exact(s, 18)
    assert hello[:16] == b"NBDMAGICIHAVEOPT", hello
    s.sendall(struct.pack(">I", flags))
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def closed(s):
    """True when the server hung up (EOF or reset) within the timeout."""
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def option(s, opt, data=b""):
    s.sendall(struct.pack(">QII", OPTS_MAGIC, opt, len(data)) + data)


def reply(s):
    magic, opt, typ, length = struct.unpack(">QIII", recv_exact(s, 20))
    assert magic == REP_MAGIC, hex(magic)
    return opt, typ, recv_exact(s, length)


def go(s, name=EXPORT):
    option(s, 8)  # structured replies
    assert reply(s)[1] == 1
    option(s, 7, struct.pack(">I", len(name)) + name + struct.pack(">H", 0))
    while True:
        _, typ, _ = reply(s)
        if typ == 1:
            return
        assert typ == 3, hex(typ)


def request(s, cmd, offset, length, flags=0, handle=1):
    s.sendall(struct.pack(">IHHQQI", REQ_MAGIC, flags, cmd, handle, offset, length))


def simple_reply(s):
    magic, err, handle = struct.unpack(">IIQ", recv_exact(s, 16))
    assert magic == 0x67446698, hex(magic)
    return err, handle


def case(name):
    def wrap(fn):
        fn()
        print("ok", name)
    return wrap


@case("bad option magic hangs up")
def _():
    s = connect()
    s.sendall(b"X" * 16)
    assert closed(s)


@case("unknown client flags hang up")
def _():
    assert closed(connect(flags=0x80))


@case("a command before the handshake ends hangs up")
def _():
    s = connect()
    request(s, 0, 0, 512)
    assert closed(s)


@case("unknown option: ERR_UNSUP, then the connection still works")
def _():
    s = connect()
    option(s, 99, b"junk")
    assert reply(s)[1] == ERR_UNSUP
    option(s, 5)  # STARTTLS: not offered
    assert reply(s)[1] == ERR_UNSUP
    option(s, 3, b"x")  # LIST takes no data
    assert reply(s)[1] == ERR_INVALID
    option(s, 3)
    names = []
    while True:
        _, typ, data = reply(s)
        if typ == 1:
            break
        names.append(data[4:])
    assert EXPORT in names, names
    option(s, 2)  # ABORT
    assert reply(s)[1] == 1
    assert closed(s)


@case("oversized option data: ERR_TOO_BIG, data skipped")
def _():
    s = connect()
    option(s, 7, struct.pack(">I", 5000) + b"n" * 5000 + struct.pack(">H", 0))
    assert reply(s)[1] == ERR_TOO_BIG
    option(s, 6, struct.pack(">I", 2) + b"no" + struct.pack(">H", 0))  # INFO
    assert reply(s)[1] == ERR_UNKNOWN
    option(s, 7, struct.pack(">I", 0) + struct.pack(">H", 0))  # "" refused
    assert reply(s)[1] == ERR_UNKNOWN
    option(s, 7, struct.pack(">I", 100) + b"x")  # lengths inconsistent
    assert reply(s)[1] == ERR_INVALID


@case("huge option length hangs up without reading it")
def _():
    s = connect()
    s.sendall(struct.pack(">QII", OPTS_MAGIC, 7, 0x7FFFFFFF))
    assert closed(s)


@case("huge EXPORT_NAME hangs up")
def _():
    s = connect()
    option(s, 1, b"e" * 5000)
    assert closed(s)


@case("oversized write: EINVAL, payload skipped, then I/O works")
def _():
    s = connect()
    go(s)
    request(s, 1, 0, 64 << 20, handle=7)
    assert simple_reply(s) == (22, 7)
    s.sendall(bytes(64 << 20))
    request(s, 1, 4096, 512, handle=8)
    s.sendall(b"w" * 512)
    assert simple_reply(s) == (0, 8)
    request(s, 3, 0, 0, handle=9)  # flush
    assert simple_reply(s) == (0, 9)
    request(s, 1, 0, 0xFFFFFE00, handle=10)  # 4 GiB: answered at once
    assert simple_reply(s) == (22, 10)
    s.close()


@case("beyond the end and unknown commands: errors, connection lives")
def _():
    s = connect()
    go(s)
    request(s, 0, 1 << 60, 512, handle=1)
    # Structured error chunk for a read.
    magic, flags, typ, handle, length = struct.unpack(">IHHQI", recv_exact(s, 20))
    assert (magic, flags, typ, handle) == (0x668E33EF, 1, 0x8001, 1)
    err, = struct.unpack(">I", recv_exact(s, length)[:4])
    assert err == 22, err
    request(s, 42, 0, 512, handle=2)
    assert simple_reply(s) == (22, 2)
    request(s, 1, 0, 512, flags=0x40, handle=3)  # unknown flag; payload follows
    s.sendall(bytes(512))
    assert simple_reply(s) == (22, 3)
    request(s, 2, 0, 0)  # DISC
    assert closed(s)


@case("bad request magic hangs up")
def _():
    s = connect()
    go(s)
    s.sendall(b"\xff" * 28)
    assert closed(s)


@case("disconnect in the middle of a write payload")
def _():
    s = connect()
    go(s)
    request(s, 1, 0, 1 << 20)
    s.sendall(bytes(1000))
    s.close()


@case("disconnect with reads in flight")
def _():
    s = connect()
    go(s)
    for i in range(64):
        request(s, 0, 0, 1 << 20, handle=i)
    s.close()
