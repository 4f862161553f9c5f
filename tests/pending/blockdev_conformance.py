# The block-device protocol (vfs.AbstractBlockDev, simple and extended
# forms), checked on two devices with the same suite: a plain-Python
# NOR-flash block device of the kind users write for littlefs, and this
# module's view of every ROM segment (romfs.segment(id)).  Both must print
# the same results, so the suite tests the protocol, not one
# implementation.
#
# NOR semantics both follow: an erased block reads 0xff; writeblocks(block,
# buf) erases the blocks it covers and programs them; writeblocks(block,
# buf, offset) never erases and only clears bits; ioctl(6, block) erases one
# block.  Out-of-range reads and writes raise OSError(EINVAL); ioctl returns
# None for unknown ops.
import vfs
import romfs
import romfs_test

EINVAL = 22


class PyNorBlockDev:
    """A RAM-backed NOR flash with the extended block protocol."""

    def __init__(self, blocks, block_size):
        self.bs = block_size
        self.mem = bytearray(b"\xff" * (blocks * block_size))

    def _span(self, block, n, offset):
        start = block * self.bs + offset
        if block < 0 or offset < 0 or n < 0 or start + n > len(self.mem):
            raise OSError(EINVAL)
        return start

    def readblocks(self, block, buf, offset=0):
        start = self._span(block, len(buf), offset)
        buf[:] = self.mem[start : start + len(buf)]

    def writeblocks(self, block, buf, offset=None):
        if offset is None:
            if len(buf) % self.bs:
                raise OSError(EINVAL)
            start = self._span(block, len(buf), 0)
            self.mem[start : start + len(buf)] = b"\xff" * len(buf)
        else:
            start = self._span(block, len(buf), offset)
        for i, b in enumerate(buf):
            self.mem[start + i] &= b

    def ioctl(self, op, arg):
        if op in (1, 2, 3):
            return 0
        if op == 4:
            return len(self.mem) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            if not 0 <= arg < len(self.mem) // self.bs:
                return -EINVAL
            self.mem[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0
        return None


def raises(f, *args):
    try:
        f(*args)
    except OSError as e:
        return "OSError %d" % e.errno
    return "no error"


def suite(dev):
    """Runs the protocol checks; returns a dict of results (no sizes in it,
    so that any device prints the same)."""
    r = {}
    count, bs = dev.ioctl(4, 0), dev.ioctl(5, 0)
    r["count and size are positive ints"] = isinstance(count, int) and isinstance(bs, int) and count > 0 and bs > 0
    r["ioctl 1, 2, 3 succeed"] = [dev.ioctl(op, 0) for op in (1, 2, 3)] == [0, 0, 0]
    r["unknown ioctl is None"] = dev.ioctl(99, 0) is None
    last = count - 1
    # Erase, then extended writes at any offset and length.
    r["erase first block"] = dev.ioctl(6, 0)
    r["erase last block"] = dev.ioctl(6, last)
    r["erase past the end"] = dev.ioctl(6, count)
    r["erase negative"] = dev.ioctl(6, -1)
    buf = bytearray(16)
    dev.readblocks(0, buf, 0)
    r["erased reads 0xff"] = buf == b"\xff" * 16
    dev.writeblocks(0, b"hello", 3)
    dev.writeblocks(0, b"w", 1)
    dev.readblocks(0, buf, 0)
    r["extended writes land"] = bytes(buf[:8]) == b"\xffw\xffhello"
    dev.writeblocks(last, b"end!", bs - 4)
    tail = bytearray(4)
    dev.readblocks(last, tail, bs - 4)
    r["extended write at the last byte"] = tail == b"end!"
    r["extended write past the end"] = raises(dev.writeblocks, last, b"12345", bs - 4)
    r["extended write never erases"] = raises(dev.writeblocks, 0, b"\x00", 1) == "no error"
    dev.writeblocks(0, b"\xff", 1)
    dev.readblocks(0, buf, 0)
    r["extended write only clears bits"] = buf[1] == 0
    # Reads: both forms, across block boundaries, and out of range.
    whole = bytearray(bs)
    dev.readblocks(0, whole)
    r["simple read is block 0"] = whole[3:8] == b"hello"
    if count > 1:
        dev.ioctl(6, 1)
        dev.writeblocks(1, b"abc", 0)
        straddle = bytearray(6)
        dev.readblocks(0, straddle, bs - 3)
        r["read across blocks"] = straddle == b"\xff\xff\xffabc"
    r["read past the end"] = raises(dev.readblocks, last, bytearray(2), bs - 1)
    r["read negative block"] = raises(dev.readblocks, -1, bytearray(1))
    # Simple writes erase the blocks they cover.
    dev.writeblocks(0, bytes([0x5A]) * bs)
    dev.readblocks(0, whole)
    r["simple write erases then programs"] = whole == bytes([0x5A]) * bs
    dev.writeblocks(0, bytes([0xA5]) * bs)
    dev.readblocks(0, whole)
    r["simple write over written data"] = whole == bytes([0xA5]) * bs
    r["simple write of a partial block"] = raises(dev.writeblocks, 0, b"xyz")
    r["simple write past the end"] = raises(dev.writeblocks, count, bytes(bs))
    r["bad argument types"] = [
        _type_error(dev.readblocks, "0", bytearray(1)),
        _type_error(dev.writeblocks, 0, 1234, 0),
        _type_error(dev.ioctl, 6, None),
    ]
    return r


def _type_error(f, *args):
    try:
        f(*args)
    except TypeError:
        return "TypeError"
    except OSError:
        return "OSError"
    return "no error"


reference = suite(PyNorBlockDev(4, 4096))
print("python reference device")
for k in sorted(reference):
    print(" ", k, reference[k])
for seg in range(vfs.rom_ioctl(1)):
    dev = romfs.segment(seg)
    got = suite(dev)
    diff = [k for k in reference if reference[k] != got[k]]
    print("segment", seg, "block size is op 6 (or the segment):", dev.ioctl(5, 0) == (vfs.rom_ioctl(6, seg) or len(vfs.rom_ioctl(2, seg))))
    print("segment", seg, "buffer protocol:", bytes(memoryview(dev)[:3]) == bytes(vfs.rom_ioctl(2, seg)[:3]))
    print("segment", seg, "same results as the reference:", diff == [] or diff)
print("violations", sum(romfs_test.stats(d)[5] for d in range(vfs.rom_ioctl(1))))
