# STM32F429 internal flash, two banks of 4x16K, 1x64K, 7x128K: the sector
# runs the glue derives from flash_get_sector_info (the emulated flash.c),
# for a partition from bank 1 into bank 2 (five runs: the board's maximum)
# and one ending at the end of the flash; a 128K prepare in bank 2 erases
# its five small sectors; partition 1 moved at run time onto six runs (more than the
# board allows: no geometry, ops 3-6 give -EIO) and onto one sector (the
# layout is derived again), then back.
import vfs
import romfs_test
import stm32emu

K = 1024
EIO = -5
B = stm32emu.FLASH_BASE


def walk(addr, length):
    # The runs from the sector holding addr to the one holding its last
    # byte, asking the emulated flash.c sector by sector.
    runs, at = [], stm32emu.sector_info(addr)[1]
    while at < addr + length:
        size = stm32emu.sector_info(at)[2]
        if runs and runs[-1][1] == size:
            runs[-1] = (runs[-1][0] + 1, size)
        else:
            runs.append((1, size))
        at += size
    return tuple(runs)


def show(seg):
    addr, length, base, runs, mask, unit, erased, flags = romfs_test.geometry(seg)
    print("partition", seg, "at", hex(addr - B), "length", hex(length), "base", hex(base - B))
    print("  runs", [(n, size // K) for n, size in runs], "as flash.c walks:", runs == walk(addr, length))
    print("  unit", unit, "erased", hex(erased), "flags", flags, "op6", vfs.rom_ioctl(6, seg))


try:
    vfs.umount("/rom")
except OSError:
    pass



def info(a):
    # flash_get_sector_info(a): (index, start as a flash offset, KiB)
    r = stm32emu.sector_info(a)
    return r and (r[0], hex(r[1] - B), r[2] // K)


print("sector info: first", info(B), "bank 2", info(B + 0x100000), "last", info(B + 0x1FFFFF))
print("before the flash", info(B - 1), "past the end", info(B + 0x200000))
show(0)
show(1)

# Bank 2's part of partition 0 (sectors 12-16: 4x16K, 1x64K), prepared as
# one 128K step of op 6 and written, then again with other bytes: one erase
# per sector, five.  (The tests before this one left bytes there.)
SEG = 0
rom = vfs.rom_ioctl(2, SEG)
lo, hi = 0x100000, 0x120000


def fill(seed):
    ok = True
    for off in range(lo, hi, 4096):
        ok = vfs.rom_ioctl(4, SEG, off, bytes((seed + off // 4096 + i) & 255 for i in range(256)) * 16) == 0 and ok
    return ok


def check(seed):
    return all(bytes(rom[off : off + 256]) == bytes((seed + off // 4096 + i) & 255 for i in range(256)) for off in range(lo, hi, 4096))


print("prepare", vfs.rom_ioctl(3, SEG, lo, hi - lo), "write", fill(1), check(1))
e0 = romfs_test.stats(SEG)[0]
print("prepare", vfs.rom_ioctl(3, SEG, lo, hi - lo), "other bytes", fill(2), check(2), "erases", romfs_test.stats(SEG)[0] - e0)
print("op5", vfs.rom_ioctl(5, SEG))

# Partition 1 moved onto sectors 0-17 (six runs, the last sector straddling
# its end): more runs than the board's five, so no geometry.
stm32emu.move_partition(1, B, 0x128000)
m = vfs.rom_ioctl(2, 1)
print("six runs: op2", len(m) == 0x128000, "op6", vfs.rom_ioctl(6, 1), "op3", vfs.rom_ioctl(3, 1, 4096), "op4", vfs.rom_ioctl(4, 1, 0, b"1234"), "op5", vfs.rom_ioctl(5, 1))
# Onto sector 17 alone: derived again.
stm32emu.move_partition(1, B + 0x120000, 0x20000)
show(1)
# Back: as before, and a deploy works.
stm32emu.move_partition(1, B + 0x140000, 0xC0000)
show(1)
img = b"\xd2\xcd\x31\x04\x00\x00\x00\x00"
print("deploy", vfs.rom_ioctl(3, 1, 0, 128 * K), vfs.rom_ioctl(4, 1, 0, img), vfs.rom_ioctl(5, 1), bytes(vfs.rom_ioctl(2, 1)[:8]) == img)
print("violations", [romfs_test.stats(d)[5] for d in (0, 1)])
