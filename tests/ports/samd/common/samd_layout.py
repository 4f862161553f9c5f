# The partition the samd linker script places right after the firmware, as
# the glue describes it to the core and as its ASF4 calls treat it: where it
# starts and ends, the geometry and op 6; two deploys whose erases are each
# one _flash_erase of exactly one whole row/block on a unit boundary inside
# the partition (ASF4's direct path, never its read-modify-write), whose
# programs are _flash_append calls of whole units; and the firmware (and
# filesystem) bytes around the partition unchanged.
import vfs
import romfs_test
import samd_emu
from romfs_testlib import deploy, romfs, unmount_rom


def pattern(off):
    return 0xA5 ^ ((off >> 2) & 0xFF) ^ ((off >> 10) & 0xFF)


flash, fsize, start, size, page, unit, region = samd_emu.layout()
end = start + size


def intact(a, n):
    # The pattern the emulation put outside the partition is still there.
    for at in range(a, a + n, 1024):
        b = samd_emu.peek(at, min(1024, a + n - at))
        if any(b[i] != pattern(at - flash + i) for i in range(len(b))):
            return False
    return True


def calls():
    erases, appends, other = [], [], []
    for kind, a, n in samd_emu.log():
        (erases if kind == "E" else appends if kind == "A" else other).append((a, n))
    return erases, appends, other


unmount_rom()
# The tests share one QEMU run: start from a fresh chip (partition erased,
# counters zero) and the core's RAM state as after a reset.
samd_emu.reset()
romfs_test.reboot()

print("flash 0x%x bytes, page %d, erase unit %d" % (fsize, page, unit))
print("partition at +0x%x, %d bytes, up to +0x%x" % (start - flash, size, end - flash))
print("starts on a unit:", (start - flash) % unit == 0, "ends on a unit:", (end - flash) % unit == 0)
addr, length, base, runs, mask, punit, erased, flags = romfs_test.geometry(0)
print("segment is the partition:", addr == start and length == size)
print("geometry: base is the flash:", base == flash, "runs", runs, "block mask", mask)
print("program unit", punit, "erased 0x%02x" % erased, "flags", flags)
print("op 6:", vfs.rom_ioctl(6, 0), "op 3:", vfs.rom_ioctl(3, 0, 0), "op 5:", vfs.rom_ioctl(5, 0))
samd_emu.log()

data = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(min(12000, size - 2048)))
img = romfs([(b"m.py", b"x = 1\n"), (b"data.bin", data)])
changed = romfs([(b"m.py", b"x = 2\n"), (b"data.bin", bytes(255 - b for b in data))])
for name, image in (("blank", img), ("changed", changed)):
    print("deploy over", name, len(image), "bytes:", deploy(0, image))
    rom = vfs.rom_ioctl(2, 0)
    print("  bytes match:", bytes(rom[: len(image)]) == image)
    erases, appends, other = calls()
    print("  _flash_erase calls:", len(erases))
    print("  each one unit at a unit boundary in the partition:",
          all(n == unit // page and (a - flash) % unit == 0 and start <= a and a + unit <= end for a, n in erases))
    print("  _flash_append calls whole units in the partition:",
          len(appends) > 0 and all(a % punit == 0 and n % punit == 0 and start <= a and a + n <= end for a, n in appends))
    print("  other calls:", other)
vfs.mount(vfs.VfsRom(vfs.rom_ioctl(2, 0)), "/r")
print("mounted:", open("/r/m.py").read().strip(), open("/r/data.bin", "rb").read() == bytes(255 - b for b in data))
vfs.umount("/r")

st = samd_emu.stats()
print("read-modify-write pages", st["rmw_pages"], "misuse", st["misuse"], "errors", st["errors"])
print("simulator violations", romfs_test.stats(0)[5])
# The two erase units before the partition, and up to two after it.
print("firmware before the partition intact:", intact(start - 2 * unit, 2 * unit))
after = min(2 * unit, flash + fsize - end)
print("%d bytes after the partition intact:" % after, intact(end, after))
