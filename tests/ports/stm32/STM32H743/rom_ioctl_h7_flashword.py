# STM32H743 internal flash: 128K sectors, 32-byte flash words with ECC,
# each programmed once per erase (MP_ROMFS_WRITE_ONCE).  Partition 0, bank 2:
# a deploy starting over an image erases its first sector at once (a
# written flash word cannot be zeroed); a second write into a written flash
# word is refused with -EIO and changes nothing, even one that would only
# clear bits; a tail shorter than a flash word is padded with 0xff and
# closes that word.  Partition 1 ends inside sector 3 of bank 1: that sector
# is never erased, so writes there need blank flash words.
import vfs
import romfs_test
import stm32emu
from romfs_testlib import romfs, unmount_rom


def deploy(seg, img):
    ok = vfs.rom_ioctl(3, seg, len(img)) == 32
    for off in range(0, len(img), 4096):
        ok = vfs.rom_ioctl(4, seg, off, img[off : off + 4096]) == 0 and ok
    return vfs.rom_ioctl(5, seg) == 0 and ok


def stat(seg, i):
    return romfs_test.stats(seg)[i]


unmount_rom()

# Each partition's sector runs as the glue derived them from
# flash_get_sector_info, from the sector holding its first byte.
B = stm32emu.FLASH_BASE
for seg in (0, 1):
    addr, length, base, runs, mask, unit, erased, flags = romfs_test.geometry(seg)
    print("partition", seg, "at flash offset", hex(addr - B), "length", hex(length), "unit", unit, "flags", flags, "op6", vfs.rom_ioctl(6, seg))
    print("  runs from", hex(base - B), [(n, size // 1024) for n, size in runs])

SEG = 0
rom = vfs.rom_ioctl(2, SEG)
img = romfs([(b"a.txt", b"flash words\n" * 100)])
print("deploy", deploy(SEG, img), bytes(rom[: len(img)]) == img)
before = stat(SEG, 0)
print("new deploy", vfs.rom_ioctl(3, SEG, 0, 131072), "erases", stat(SEG, 0) - before, "header gone", bytes(rom[:32]) == b"\xff" * 32)
print("op5", vfs.rom_ioctl(5, SEG))

# Sector 1: one flash word written, then written again.
W = 0x20100
word = bytes(range(32))
print("prepare", vfs.rom_ioctl(3, SEG, 0x20000, 0x20000))
print("write a word", vfs.rom_ioctl(4, SEG, W, word), bytes(rom[W : W + 32]) == word)
before = stat(SEG, 1)
print("same bytes again", vfs.rom_ioctl(4, SEG, W, word), "programs", stat(SEG, 1) - before)
cleared = bytes(b & 0xF0 for b in word)
print("bits cleared", vfs.rom_ioctl(4, SEG, W, cleared), bytes(rom[W : W + 32]) == word)
print("last byte cleared", vfs.rom_ioctl(4, SEG, W, word[:31] + b"\x00"), bytes(rom[W : W + 32]) == word)

# A 16-byte tail: padded with 0xff, and the word cannot be completed.
T = W + 32
half = bytes(range(100, 116))
print("tail", vfs.rom_ioctl(4, SEG, T, half), bytes(rom[T : T + 16]) == half, bytes(rom[T + 16 : T + 32]) == b"\xff" * 16)
print("complete the word", vfs.rom_ioctl(4, SEG, T, half + half), bytes(rom[T : T + 32]) == half + b"\xff" * 16)

# Buffers at each alignment: the glue copies whole flash words through an
# aligned buffer (the emulated flash_write refuses misaligned ones).
src = bytes(range(256)) * 3
for k in range(4):
    mv = memoryview(src)[k : k + 512]
    off = 0x21000 + 1024 * k
    print("buffer offset", k, vfs.rom_ioctl(4, SEG, off, mv), bytes(rom[off : off + 512]) == bytes(mv))
# Op 5 reports the refused writes of this deploy (-EIO) and still does
# the cache maintenance.
c = stm32emu.counters()
print("op5", vfs.rom_ioctl(5, SEG), "I-cache invalidations", stm32emu.counters()[1] - c[1])
print("write at an offset inside a flash word", vfs.rom_ioctl(4, SEG, W + 8, word))

# Partition 1: its last sector (at 0x20000, half of it past the end).
SEG = 1
rom = vfs.rom_ioctl(2, SEG)
P = 0x20000
pat = bytes(range(64))
print("write into the straddling sector", vfs.rom_ioctl(4, SEG, P, pat), bytes(rom[P : P + 64]) == pat)
print("same bytes again", vfs.rom_ioctl(4, SEG, P, pat))
print("other bytes", vfs.rom_ioctl(4, SEG, P, bytes(64)), bytes(rom[P : P + 64]) == pat)
print("the next word, blank", vfs.rom_ioctl(4, SEG, P + 64, pat), bytes(rom[P + 64 : P + 128]) == pat)
r = vfs.rom_ioctl(3, SEG, length), vfs.rom_ioctl(4, SEG, P, bytes(64))
print("prepared, other bytes", r, bytes(rom[P : P + 64]) == pat)
print("op5", vfs.rom_ioctl(5, SEG))

print("D-cache invalidations", stm32emu.counters()[0] > 0)
print("misuse", stm32emu.counters()[7], "violations", stat(0, 5), stat(1, 5))
