# vfs.rom_ioctl ops 1, 2, 3 and 6 on every segment of the board, against
# expectations computed here from the geometry the port's glue declares
# (romfs_test.geometry), and calls that must be refused with -EINVAL (22).
# Prints only board-independent results.
import vfs
import romfs_test

EINVAL = -22


def is_boundary(geom, a):
    # A device address that starts a sector, or is past the device's end.
    addr, length, base, runs, mask, unit, erased, flags = geom
    start = base
    for count, size in runs:
        end = start + count * size
        if start <= a < end:
            return (a - start) % size == 0
        start = end
    return a >= start


def expected_op6(geom):
    # The largest sector overlapping the segment, if every multiple of it
    # (the end included) is a sector boundary; else 0.
    addr, length, base, runs, mask, unit, erased, flags = geom
    g = unit
    start = base
    for count, size in runs:
        end = start + count * size
        if start < addr + length and end > addr:
            g = max(g, size)
        start = end
    if length % g:
        return 0
    for off in range(0, length + 1, g):
        if not is_boundary(geom, addr + off):
            return 0
    return g


n = vfs.rom_ioctl(1)
print("segments", n > 0)
# Every check is listed here, so that each board prints the same lines; a
# check that does not apply to a segment stays True.
results = dict.fromkeys(
    (
        "op2 is a memoryview of the segment",
        "op6 as computed from the geometry",
        "op3 returns the program unit",
        "4-arg prepare aligned",
        "4-arg prepare misaligned",
        "4-arg prepare past the end",
        "4-arg prepare negative offset",
        "4-arg prepare refused without op6",
        "3-arg prepare past the end",
        "3-arg prepare negative",
        "write past the end",
        "write straddling the end",
        "write misaligned",
        "op5 after refusals",
        "op5 of a new deploy",
    ),
    True,
)


def check(name, ok):
    results[name] = results.get(name, True) and ok


for i in range(n):
    geom = romfs_test.geometry(i)
    length, unit = geom[1], geom[5]
    m = vfs.rom_ioctl(2, i)
    check("op2 is a memoryview of the segment", type(m).__name__ == "memoryview" and len(m) == length)
    g = vfs.rom_ioctl(6, i)
    check("op6 as computed from the geometry", g == expected_op6(geom))
    check("op3 returns the program unit", vfs.rom_ioctl(3, i, 0) == unit)
    if g > 0:
        check("4-arg prepare aligned", vfs.rom_ioctl(3, i, 0, g) == unit)
        check("4-arg prepare misaligned", vfs.rom_ioctl(3, i, g // 2 or 1, g) == EINVAL)
        check("4-arg prepare past the end", vfs.rom_ioctl(3, i, length, g) == EINVAL)
        check("4-arg prepare negative offset", vfs.rom_ioctl(3, i, -g, g) == EINVAL)
    else:
        check("4-arg prepare refused without op6", vfs.rom_ioctl(3, i, 0, unit) == EINVAL)
    check("3-arg prepare past the end", vfs.rom_ioctl(3, i, length + 1) == EINVAL)
    check("3-arg prepare negative", vfs.rom_ioctl(3, i, -1) == EINVAL)
    check("write past the end", vfs.rom_ioctl(4, i, length, b"\x00" * unit) == EINVAL)
    check("write straddling the end", vfs.rom_ioctl(4, i, length - unit, b"\x00" * (2 * unit)) == EINVAL)
    if unit > 1:
        check("write misaligned", vfs.rom_ioctl(4, i, 1, b"\x00" * unit) == EINVAL)
    # The refused calls above mark the deploy as failed: op 5 says -EIO (5)
    # and commits nothing; a prepare at offset 0 starts a new deploy.
    check("op5 after refusals", vfs.rom_ioctl(5, i) == -5)
    check("op5 of a new deploy", vfs.rom_ioctl(3, i, 0) == unit and vfs.rom_ioctl(5, i) == 0)
for name in sorted(results):
    print(name, results[name])

print("bad id", vfs.rom_ioctl(2, n), vfs.rom_ioctl(2, -1), vfs.rom_ioctl(6, n), vfs.rom_ioctl(5, 99))
print("bad op", vfs.rom_ioctl(0), vfs.rom_ioctl(7, 0), vfs.rom_ioctl(-3, 0))
print("bad arity", vfs.rom_ioctl(1, 0), vfs.rom_ioctl(2), vfs.rom_ioctl(5, 0, 0), vfs.rom_ioctl(4, 0, 0))
try:
    vfs.rom_ioctl(2, 0)[0] = 1
except TypeError:
    print("segment is read-only")
for bad in ("0", 1.5, None):
    try:
        vfs.rom_ioctl(2, bad)
    except TypeError:
        print("TypeError for", type(bad).__name__)
