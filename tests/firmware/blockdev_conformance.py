# The block-device protocol (vfs.AbstractBlockDev, simple and extended
# forms), checked on two devices with one suite: a plain-Python flash block
# device of the kind users write for littlefs, and this module's view of
# each ROM segment (romfs.segment(id)).  For every segment the Python device
# is given that segment's block size, program unit, erased value and write
# rules, and both must give the same results: the suite tests the
# protocol, not one implementation.
#
# Semantics both follow: ioctl(4) blocks, ioctl(5) block size, ioctl(6, n)
# erases block n; writeblocks(n, buf) erases the blocks it covers and
# programs them; writeblocks(n, buf, offset) never erases: it programs any
# bytes at any offset, completing partial program units with the bytes
# there, and raises OSError(EIO) with nothing changed if a unit cannot be
# programmed without an erase.  Out-of-range calls raise OSError(EINVAL)
# (ioctl returns -EINVAL); unknown ioctls return None.
import vfs
import romfs
import romfs_test
from romfs_testlib import unmount_rom

EINVAL = 22
EIO = 5
WRITE_ONCE = 1
NO_ERASE = 2


class PyFlashBlockDev:
    """A RAM-backed flash with the extended block protocol: `count` blocks
    of `bs` bytes, programmed in `unit`-byte units; flags WRITE_ONCE (a
    programmed unit cannot change) and NO_ERASE (any unit can be
    overwritten); `locked`: offset ranges that no erase can reach."""

    def __init__(self, count, bs, unit, erased, flags, locked=()):
        self.bs, self.unit, self.e, self.flags, self.locked = bs, unit, erased, flags, locked
        self.mem = bytearray(bytes([erased]) * (count * bs))

    def _span(self, block, n, offset):
        start = block * self.bs + offset
        if block < 0 or offset < 0 or start + n > len(self.mem):
            raise OSError(EINVAL)
        return start

    def _fits(self, old, new):
        if old == new or self.flags & NO_ERASE:
            return True
        if self.flags & WRITE_ONCE:
            return old == bytes([self.e]) * len(old)
        return all((o ^ self.e) & (o ^ n) == 0 for o, n in zip(old, new))

    def _program(self, start, data, erasing=False):
        # Whole units, merged with the bytes there; all checked first (when
        # erasing, only those that no erase reaches).
        if not data:
            return  # (a bytearray of nothing is UB in MicroPython's objarray.c)
        u = self.unit
        a, b = start - start % u, (start + len(data) + u - 1) // u * u
        new = bytearray(memoryview(self.mem)[a:b])
        new[start - a : start - a + len(data)] = data
        for lo, hi in [(max(lo, a), min(hi, b)) for lo, hi in self.locked] if erasing else [(a, b)]:
            for i in range(lo, hi, u):
                if not self._fits(self.mem[i : i + u], new[i - a : i - a + u]):
                    raise OSError(EIO)
        if erasing:
            self._erase(start, start + len(data))
        self.mem[a:b] = new

    def _erase(self, lo, hi):
        # Erases lo..hi but for the locked ranges.
        blank, at = bytes([self.e]) * 4096, lo
        for l, h in sorted(self.locked) + [(hi, hi)]:
            l, h = max(l, at), min(h, hi)
            for i in range(at, l, 4096):
                n = min(4096, l - i)
                self.mem[i : i + n] = blank[:n]
            at = max(at, h)

    def readblocks(self, block, buf, offset=0):
        start = self._span(block, len(buf), offset)
        buf[:] = self.mem[start : start + len(buf)]

    def writeblocks(self, block, buf, offset=None):
        start = self._span(block, len(buf), offset or 0)
        if offset is None and len(buf) % self.bs:
            raise OSError(EINVAL)
        self._program(start, buf, offset is None)

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
            # Erased but for bytes no erase reaches: -EIO unless those are
            # blank.
            lo, hi = arg * self.bs, (arg + 1) * self.bs
            self._erase(lo, hi)
            for l, h in self.locked:
                if any(self.mem[i] != self.e for i in range(max(l, lo), min(h, hi))):
                    return -EIO
            return 0
        return None


def outcome(f, *args):
    try:
        f(*args)
    except OSError as e:
        return "OSError %d" % e.errno
    except TypeError:
        return "TypeError"
    return "ok"


def same(dev, block, offset, want):
    buf = bytearray(len(want))
    dev.readblocks(block, buf, offset)
    return buf == want


def suite(dev, whole, erased):
    """The protocol checks; returns {check: result}, with no sizes in the
    results so that any device of the same rules gives the same.  `whole`
    is a scratch buffer of one block; `erased` the erased byte."""
    r = {}
    count, bs = dev.ioctl(4, 0), dev.ioctl(5, 0)
    last = count - 1
    r["count and size are positive ints"] = isinstance(count, int) and isinstance(bs, int) and count > 0 and bs > 0
    r["ioctl 1, 2, 3"] = [dev.ioctl(op, 0) for op in (1, 2, 3)]
    r["unknown ioctls are None"] = [dev.ioctl(op, 0) for op in (0, 7, 99, -1)]
    # Blocks 0, 1 and the last erased: what the suite writes to.
    r["erase block 0"] = dev.ioctl(6, 0)
    r["erase block 1"] = dev.ioctl(6, min(1, last))
    r["erase the last block"] = dev.ioctl(6, last)
    r["erase past the end"] = dev.ioctl(6, count)
    r["erase block -1"] = dev.ioctl(6, -1)
    r["erased reads erased"] = same(dev, 0, 0, bytes([erased]) * 64)
    # Extended writes: any offset and length, units completed with the
    # bytes there, never an erase.
    r["write 5 bytes at 3"] = outcome(dev.writeblocks, 0, b"hello", 3)
    r["write 1 byte at 1"] = outcome(dev.writeblocks, 0, b"w", 1)
    r["write 2 bytes at 40"] = outcome(dev.writeblocks, 0, b"\x12\x34", 40)
    r["write the same bytes again"] = outcome(dev.writeblocks, 0, b"\x12\x34", 40)
    r["write other bytes there"] = outcome(dev.writeblocks, 0, b"\x13\x35", 40)
    r["write that clears bits only"] = outcome(dev.writeblocks, 0, b"\x02\x30", 40)
    buf = bytearray(48)
    dev.readblocks(0, buf, 0)
    r["bytes after the writes"] = bytes(buf)
    r["write 4 bytes ending at the last byte"] = outcome(dev.writeblocks, last, b"end!", bs - 4)
    r["read them back"] = same(dev, last, bs - 4, b"end!")
    r["write past the end"] = outcome(dev.writeblocks, last, b"12345", bs - 4)
    r["write at a negative offset"] = outcome(dev.writeblocks, 0, b"1", -1)
    r["write to block -1"] = outcome(dev.writeblocks, -1, b"1", 0)
    r["write nothing at the end"] = outcome(dev.writeblocks, last, b"", bs)
    # Reads: both forms, across a block boundary, out of range.
    dev.readblocks(0, whole)
    r["simple read is block 0 from its start"] = whole[:48] == buf
    if count > 1:
        r["write across blocks"] = outcome(dev.writeblocks, 0, b"abcdef", bs - 3)
        r["read across blocks"] = same(dev, 1, 0, b"def") and same(dev, 0, bs - 3, b"abc")
        r["erase block 1 only"] = dev.ioctl(6, 1)
        r["block 0 kept"] = same(dev, 0, bs - 3, b"abc")
    r["read past the end"] = outcome(dev.readblocks, last, bytearray(2), bs - 1)
    r["read block -1"] = outcome(dev.readblocks, -1, bytearray(1))
    r["read at offset -1"] = outcome(dev.readblocks, 0, bytearray(1), -1)
    # Simple writes erase the blocks they cover, then program.
    for i in range(bs):
        whole[i] = i * 7 & 255
    r["simple write"] = outcome(dev.writeblocks, 0, whole)
    for i in range(bs):
        whole[i] = i * 11 & 255
    r["simple write over it"] = outcome(dev.writeblocks, 0, whole)
    for i in range(bs):
        whole[i] = 0
    dev.readblocks(0, whole)
    r["simple write landed"] = all(whole[i] == i * 11 & 255 for i in range(0, bs, 97))
    r["simple write of part of a block"] = outcome(dev.writeblocks, 0, b"xyz")
    r["simple write past the end"] = outcome(dev.writeblocks, count, whole)
    r["bad argument types"] = [
        outcome(dev.readblocks, "0", bytearray(1)),
        outcome(dev.writeblocks, 0, 1234, 0),
        outcome(dev.ioctl, 6, None),
        outcome(dev.readblocks, 0, b"read-only"),
    ]
    return r


def locked_ranges(addr, length, base, runs):
    # Segment offsets of sectors that are not wholly in the segment: no
    # erase of the segment may reach them.
    out, at = [], base
    for n, size in runs:
        for _ in range(n):
            lo, hi = max(at, addr), min(at + size, addr + length)
            if lo < hi and (at < addr or at + size > addr + length):
                out.append((lo - addr, hi - addr))
            at += size
    return tuple(out)


# The suite's results on a NOR flash of two 4K blocks, programmed by byte:
# what the protocol says, whatever the board.
for k, v in sorted(suite(PyFlashBlockDev(2, 4096, 1, 0xFF, 0), bytearray(4096), 0xFF).items()):
    print(k, v)

unmount_rom()
n = vfs.rom_ioctl(1)
print("romfs.segment of each id; bad ids:", [outcome(romfs.segment, i) for i in (-1, n, "0")])
# Each segment: the same results as a Python device of its rules.
sizes_ok = buffers_ok = True
differences = []
for seg in range(n):
    dev = romfs.segment(seg)
    addr, length, base, runs, _, unit, erased, flags = romfs_test.geometry(seg)
    count, bs = dev.ioctl(4, 0), dev.ioctl(5, 0)
    op6 = vfs.rom_ioctl(6, seg)
    sizes_ok = sizes_ok and bs == (op6 if op6 > 0 else length) and count == length // bs
    view = memoryview(dev)
    buffers_ok = buffers_ok and len(view) == length and view[:16] == memoryview(vfs.rom_ioctl(2, seg))[:16]
    ref = PyFlashBlockDev(min(count, 2), bs, unit, erased, flags, locked_ranges(addr, length, base, runs))
    whole = bytearray(bs)
    want = suite(ref, whole, erased)
    ref = None
    got = suite(dev, whole, erased)
    whole = None
    differences += [(seg, k, want[k], got[k]) for k in want if want[k] != got[k]]
print("block size is op 6 (or the segment), count the blocks in it:", sizes_ok)
print("buffer protocol: the segment's memory:", buffers_ok)
print("results that differ from the Python device's:", differences)
print("violations", sum(romfs_test.stats(d)[5] for d in range(n)))
