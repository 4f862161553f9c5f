# The program mp-romfs runs on the device (MicroPython), sent once per
# deploy through the raw REPL, with _RF_ID (the segment) filled in.
#
# `_rf_do(op, arg, data)` performs one operation on the segment and returns
# its result; `_rf_loop()` reads framed operations from stdin and answers
# each with one line.  Where the loop cannot run, the host calls `_rf_do`
# itself, one raw-REPL command per operation.
#
# A frame: a 24-byte ASCII header  "RF" op flag arg(8 hex) n(6 hex) m(6 hex),
# then m bytes of payload, then 8 hex digits: the checksum of the header
# and the n data bytes.  The payload is the data with 0x10 sent as
# 0x10 0x02 and 0x0d as 0x10 0x01 (sys.stdin turns 0x0d into 0x0a; the
# header is plain text for the same reason), raw-deflated first with a
# window of 2**flag bytes if flag (a hex digit) is not 0.  The answer to a frame: an integer result, the unit checksums
# in hex (op "C"), "-" for a frame skipped after a failed one, or
# "X <reason>" for a bad frame, after which the loop drops input until
# 16 bytes 0x03 in a row (the host sends them) and returns.
import sys, struct, vfs, micropython

try:
    from binascii import crc32

    def _rf_cs(parts):
        c = 0
        for p in parts:
            c = crc32(p, c)
        return c

except ImportError:
    import hashlib

    def _rf_cs(parts):
        h = hashlib.sha256()
        for p in parts:
            h.update(p)
        return int.from_bytes(h.digest()[:4], "little")


_rf_seg = vfs.rom_ioctl(2, _RF_ID)
_rf_blk = hasattr(_rf_seg, "ioctl")
_rf_bs = _rf_seg.ioctl(5, 0) if _rf_blk else 0
# The bytes as mapped, where the object has them (a memoryview, or this
# module's block view): readblocks shows a header the block view holds
# in RAM until ioctl(3), which an interrupted deploy never sent, and that
# image does not mount.
try:
    _rf_mem = memoryview(_rf_seg)
except TypeError:
    _rf_mem = None


def _rf_parts(off, n):
    # The segment's bytes [off, off + n), as buffers.
    if _rf_mem is not None:
        yield _rf_mem[off : off + n]
        return
    b = bytearray(min(n, 4096))
    while n:
        k = min(n, len(b))
        m = memoryview(b)[:k]
        _rf_seg.readblocks(off // _rf_bs, m, off % _rf_bs)
        yield m
        off += k
        n -= k


def _rf_do(op, arg, d):
    # One operation: an int (0 or more: done, negative: -errno) or, for
    # "C", the checksums of the units of a range, in hex.
    if op == "C":  # checksum of each unit of [arg, arg + n)
        n, u = struct.unpack("<II", d)
        return " ".join("%x" % _rf_cs(_rf_parts(a, min(u, arg + n - a))) for a in range(arg, arg + n, u))
    try:
        if op == "P":  # prepare (off < 0: the 3-argument form)
            off, n = struct.unpack("<ii", d)
            return vfs.rom_ioctl(3, _RF_ID, n) if off < 0 else vfs.rom_ioctl(3, _RF_ID, off, n)
        if op == "W":  # write at offset arg
            return vfs.rom_ioctl(4, _RF_ID, arg, d)
        if op == "K":  # complete
            return vfs.rom_ioctl(5, _RF_ID)
        if op == "E":  # erase block arg
            return _rf_seg.ioctl(6, arg) or 0
        if op == "B":  # write into a block, at segment offset arg
            _rf_seg.writeblocks(arg // _rf_bs, d, arg % _rf_bs)
            return 0
        if op == "S":  # sync
            return _rf_seg.ioctl(3, 0) or 0
    except OSError as e:
        return -e.errno
    return -22


def _rf_frame(inp, hdr):
    # Reads one frame; returns (op, arg, data) or a reason string.
    if inp.readinto(hdr) != 24 or hdr[:2] != b"RF":
        return "bad header"
    h = bytes(hdr)
    op, w = chr(h[2]), int(h[3:4], 16)
    arg, n, m = int(h[4:12], 16), int(h[12:18], 16), int(h[18:24], 16)
    p = bytearray(m + 8)
    if inp.readinto(p) != m + 8:
        return "short frame"
    d = bytes(memoryview(p)[:m]).replace(b"\x10\x01", b"\r").replace(b"\x10\x02", b"\x10")
    if w:
        import io, deflate

        d = deflate.DeflateIO(io.BytesIO(d), deflate.RAW, w).read(n)
    if len(d) != n or _rf_cs((h, d)) != int(bytes(p[m:]), 16):
        return "checksum"
    return op, arg, d


def _rf_loop():
    inp = sys.stdin
    out = sys.stdout.write
    hdr = bytearray(24)
    failed = False
    micropython.kbd_intr(-1)
    try:
        out("R\n")
        while True:
            try:
                f = _rf_frame(inp, hdr)
                if isinstance(f, tuple):
                    op, arg, d = f
                    if op == "Q":  # the host's last frame
                        out("0\n")
                        return
                    r = "-" if failed else _rf_do(op, arg, d)
            except Exception as e:
                f = repr(e)
            if not isinstance(f, tuple):
                out("X %s\n" % f)
                run = 0
                c = bytearray(1)
                while run < 16:
                    inp.readinto(c)
                    run = run + 1 if c[0] == 3 else 0
                return
            out("%s\n" % r)
            if isinstance(r, int) and r < 0 and op != "K":
                failed = True
    finally:
        micropython.kbd_intr(3)
