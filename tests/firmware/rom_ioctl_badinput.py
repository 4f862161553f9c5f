# Malformed vfs.rom_ioctl calls, table-driven.  Each row gives the call and
# what it must produce: a negative errno, a value, or an exception type.
# The rows that are not valid must change nothing: they must perform no
# flash operation (the simulated devices' erase and program counters), and
# a CRC-32 of every segment is compared before and after all of them.  Segment w (below) first holds a
# valid image (so that writes over it without a prepare have old bytes to
# hit).  Integers beyond the machine word raise OverflowError (as upstream);
# which integers those are depends on the port's word size, so the expected
# result of those rows is computed from sys.maxsize.
import array
import binascii
import sys
import vfs
import romfs_test
from romfs_testlib import deploy

EINVAL, EIO = -22, -5
n = vfs.rom_ioctl(1)
geoms = [romfs_test.geometry(i) for i in range(n)]
# The segment with the largest program unit, for the alignment rows, among
# those that need an erase before a rewrite (not MP_ROMFS_NO_ERASE, flag 2):
# on MRAM any byte takes any value without a prepare, so the rows that write
# over the old image without one would be valid there.
NO_ERASE = 2
w = max(range(n), key=lambda i: (not geoms[i][7] & NO_ERASE, geoms[i][5]))
size, unit = geoms[w][1], geoms[w][5]
step = vfs.rom_ioctl(6, w)


def crcs(segments=range(n)):
    return [binascii.crc32(vfs.rom_ioctl(2, i)) for i in segments]


def flash_ops():
    # Erases and programs so far, on every simulated device.
    ops = []
    for dev in range(4):
        try:
            ops.append(romfs_test.stats(dev)[:2])
        except ValueError:
            pass
    return ops


def image(length):
    payload = length - 7
    head = bytes([0xD2, 0xCD, 0x31, 0x80 | (payload >> 21) & 0x7F, 0x80 | (payload >> 14) & 0x7F, 0x80 | (payload >> 7) & 0x7F, payload & 0x7F])
    return head + bytes(i * 7 & 0xFF for i in range(payload))


def word(v, result):
    # What a call with integer v gives: OverflowError beyond the word.
    return OverflowError if v > sys.maxsize or v < -sys.maxsize - 1 else result


print("setup", *deploy(w, image(8192), four_arg=False))

# (description, args, expected, valid): valid rows may change flash.
ROWS = [
    ("op as str", ("1",), TypeError, False),
    ("op as float", (1.0,), TypeError, False),
    ("op None", (None,), TypeError, False),
    ("op object", (object(),), TypeError, False),
    ("id as str", (2, "0"), TypeError, False),
    ("id as float", (2, 0.0), TypeError, False),
    ("id None", (2, None), TypeError, False),
    ("len as str", (3, w, "16"), TypeError, False),
    ("len as bytes", (3, w, b"16"), TypeError, False),
    ("offset as float", (4, w, 0.5, b"abcd"), TypeError, False),
    ("buffer int", (4, w, 0, 1234), TypeError, False),
    ("buffer None", (4, w, 0, None), TypeError, False),
    ("buffer list", (4, w, 0, [1, 2, 3, 4]), TypeError, False),
    ("no arguments", (), TypeError, False),
    ("five arguments", (3, w, 0, 0, 0), TypeError, False),
    ("op 0", (0,), EINVAL, False),
    ("op 7", (7, w), EINVAL, False),
    ("op -1", (-1, w), EINVAL, False),
    ("op 1 with an id", (1, 0), EINVAL, False),
    ("op 2 without id", (2,), EINVAL, False),
    ("op 4 without buffer", (4, w, 0), EINVAL, False),
    ("op 5 with extra", (5, w, 0), EINVAL, False),
    ("op 6 with extra", (6, w, 0), EINVAL, False),
    ("id = count", (2, n), EINVAL, False),
    ("id 99", (6, 99), EINVAL, False),
    ("id -1", (5, -1), EINVAL, False),
    ("id 2**31", (2, 2**31), word(2**31, EINVAL), False),
    ("id 2**64", (2, 2**64), OverflowError, False),
    ("prepare len -1", (3, w, -1), EINVAL, False),
    ("prepare len = size + 1", (3, w, size + 1), EINVAL, False),
    ("prepare len 2**32", (3, w, 2**32), word(2**32, EINVAL), False),
    ("prepare len 2**40", (3, w, 2**40), word(2**40, EINVAL), False),
    ("prepare len 2**64", (3, w, 2**64), OverflowError, False),
    ("prepare len -2**100", (3, w, -(2**100)), OverflowError, False),
    ("4-arg prepare negative offset", (3, w, -max(step, 1), max(step, 1)), EINVAL, False),
    ("4-arg prepare past the end", (3, w, size, max(step, 1)), EINVAL, False),
    ("4-arg prepare straddling the end", (3, w, size - max(step, 1), 2 * max(step, 1)), EINVAL, False),
    ("4-arg prepare misaligned offset", (3, w, max(step, 2) // 2, max(step, 1)), EINVAL, False),
    ("4-arg prepare misaligned length", (3, w, 0, max(step, 2) // 2), EINVAL, False),
    ("4-arg prepare offset 2**32 - step", (3, w, 2**32 - max(step, 1), max(step, 1)), word(2**32, EINVAL), False),
    ("write offset -unit", (4, w, -unit, b"\x00" * unit), EINVAL, False),
    ("write past the end", (4, w, size, b"\x00" * unit), EINVAL, False),
    ("write straddling the end", (4, w, size - unit, b"\x00" * (2 * unit)), EINVAL, False),
    ("write offset 2**31", (4, w, 2**31, b"\x00"), word(2**31, EINVAL), False),
    ("write offset 2**64", (4, w, 2**64, b"\x00"), OverflowError, False),
    ("write misaligned", (4, w, 1, b"\x00" * unit), EINVAL if unit > 1 else EIO, False),
    ("write of old bytes' complement, no prepare", (4, w, 0, bytes(255 - b for b in image(8192)[:64])), EIO, False),
    ("odd-length write over the old image, no prepare", (4, w, max(8, unit), b"\xff\xfe\xfd"), EIO, False),
    ("write from the segment's own memory", (4, w, 4096, memoryview(vfs.rom_ioctl(2, w))[: 2 * unit]), EINVAL, False),
    ("empty buffer", (4, w, 0, b""), 0, False),
    ("op 5 without writes", (5, w), EIO, False),
    ("op 5 repeated", (5, w), 0, False),
    ("segment as bool id", (6, True), vfs.rom_ioctl(6, 1) if n > 1 else EINVAL, False),
    ("non-byte memoryview write after a prepare", None, 0, True),
    ("op 5 after that", (5, w), 0, True),
]


def call(args):
    try:
        return vfs.rom_ioctl(*args)
    except Exception as e:
        return type(e)


ok = 0
everything = crcs()
for name, args, want, valid in ROWS:
    if valid and everything is not None:
        print("every segment unchanged by the invalid rows", crcs() == everything)
        everything = None
    if args is None:
        # A write whose buffer is a memoryview of 32-bit items: accepted as
        # its bytes, after a prepare of the range.
        vfs.rom_ioctl(3, w, 8192)
        args = (4, w, 4096, memoryview(array.array("I", [0x11223344] * (2 * unit))))
    before = flash_ops()
    got = call(args)
    same = flash_ops() == before
    good = got == want and (valid or same)
    ok += good
    if not good:
        print("FAIL", name, "got", got, "want", want, "no flash operation" if same else "FLASH OPERATIONS")
print("rows", len(ROWS), "as expected", ok)
print("memoryview write landed", bytes(vfs.rom_ioctl(2, w)[4096 : 4104]) == bytes(array.array("I", [0x11223344] * 2)))
