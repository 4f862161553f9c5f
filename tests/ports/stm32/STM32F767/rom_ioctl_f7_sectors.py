# STM32F767 internal flash, partition 0: sectors 1-5 and half of sector 6
# (4x32K, 1x128K, 7x256K).  It starts in the 32K sectors, so op 6 is 0 (no
# 256K step from its start is a sector boundary) and the 3-arg prepare
# does the work; its last sector straddles the partition's end and is never
# erased: writes there need blank (or programmable) flash.  Then 32-bit
# word tails, and writes from buffers at any alignment (the glue copies
# them for flash_write), with the emulated caches.
import vfs
import romfs_test
import stm32emu
from romfs_testlib import file_head, unmount_rom

SEG = 0
K = 1024


def image(name, data):
    # A ROMFS image holding one file, as (header bytes, file data): the
    # header is all that is copied (the heap is small).
    return file_head(name, len(data)), data


def deploy(img):
    head, data = img
    n = len(head) + len(data)
    unit = vfs.rom_ioctl(3, SEG, n)
    ok = unit == 4
    for off in range(0, n, 4096):
        chunk = head[off : off + 4096] + data[max(0, off - len(head)) : off + 4096 - len(head)]
        ok = vfs.rom_ioctl(4, SEG, off, chunk) == 0 and ok
    return vfs.rom_ioctl(5, SEG) == 0 and ok


def erases():
    # (erase operations, modelled typical time in ms)
    s = romfs_test.stats(SEG)
    return s[0], s[3] // 1000000


def delta(a, b):
    return tuple(y - x for x, y in zip(a, b))


unmount_rom()

# The sector runs the glue derived from flash_get_sector_info: from the
# sector holding the first byte to the one holding the last.
addr, length, base, runs = romfs_test.geometry(SEG)[:4]
B = stm32emu.FLASH_BASE
print("partition at flash offset", hex(addr - B), "length", hex(length))
print("runs from", hex(base - B), [(n, size // K) for n, size in runs])
print("op6", vfs.rom_ioctl(6, SEG), "4-arg prepare", vfs.rom_ioctl(3, SEG, 0, 32 * K))

# A 34 KB image spans sectors 1 and 2; a different one replaces it with two
# 32K sector erases (400 ms each, typical).
print("deploy A", deploy(image(b"a.bin", bytes(range(251)) * 136)))
before = erases()
data = bytes((x + 7) & 255 for x in range(251)) * 136
img = image(b"b.bin", data)
print("deploy B", deploy(img), "erases", erases()[0] - before[0])
rom = vfs.rom_ioctl(2, SEG)
print("B is in place", bytes(rom[: len(img[0])]) == img[0] and bytes(rom[len(img[0]) : len(img[0]) + len(data)]) == data)
vfs.mount(vfs.VfsRom(rom), "/r")
with open("/r/b.bin", "rb") as f:
    print("file matches", f.read() == data)
vfs.umount("/r")
data = img = None

# The last sector (256K, at 0x78000 in the partition, half of it outside).
P = 0x78000
pat = bytes(range(64))
other = bytes(b ^ 0xFF for b in pat)
print("write into the straddling sector", vfs.rom_ioctl(4, SEG, P, pat), bytes(rom[P : P + 64]) == pat)
print("same bytes again", vfs.rom_ioctl(4, SEG, P, pat))
before = erases()
print("other bytes", vfs.rom_ioctl(4, SEG, P, other), bytes(rom[P : P + 64]) == pat)
# Even prepared, that sector cannot be erased: the write is refused before
# anything changes (the pending sectors before it, 1 and 2 with image B,
# are not erased either: no erase at all), and op 5 commits nothing.
r = vfs.rom_ioctl(3, SEG, length), vfs.rom_ioctl(4, SEG, P, other)
print("prepared, other bytes", r, bytes(rom[P : P + 64]) == pat, "erases, ms", delta(before, erases()))
print("op5", vfs.rom_ioctl(5, SEG))

# Tails of 1..7 bytes in 32-bit words (sector 4): padded with 0xff, and
# the padding can be programmed later (no ECC on F7 flash).
T = 0x18000
print("prepare", vfs.rom_ioctl(3, SEG, length))
for n in range(1, 8):
    off = T + 8 * n
    buf = bytes(range(16 + n, 16 + 2 * n))
    r = vfs.rom_ioctl(4, SEG, off, buf)
    end = (off + n + 3) // 4 * 4
    print("tail", n, r, bytes(rom[off : off + n]) == buf, bytes(rom[off + n : end]) == b"\xff" * (end - off - n))
W = T + 0x100
print("2 bytes", vfs.rom_ioctl(4, SEG, W, b"\x11\x22"), bytes(rom[W : W + 4]))
print("the word completed", vfs.rom_ioctl(4, SEG, W, b"\x11\x22\x33\x44"), bytes(rom[W : W + 4]))

# Buffers at each alignment: the glue copies through an aligned buffer
# (the emulated flash_write refuses an unaligned one as a misuse).
U = T + 0x1000
src = bytes(range(256)) * 3
for k in range(4):
    mv = memoryview(src)[k : k + 512]
    off = U + 1024 * k
    print("buffer offset", k, vfs.rom_ioctl(4, SEG, off, mv), bytes(rom[off : off + 512]) == bytes(mv))

# Op 5: I-cache invalidated once.  Every erase and program above was read
# back through the emulated D-cache, which shows nothing until invalidated.
c = stm32emu.counters()
print("op5", vfs.rom_ioctl(5, SEG), "I-cache invalidations", stm32emu.counters()[1] - c[1])
print("D-cache invalidations", c[0] > 0)
print("write at an offset not word-aligned", vfs.rom_ioctl(4, SEG, W + 2, b"\x55\x66\x77\x88"))
print("misuse", c[7], "violations", romfs_test.stats(SEG)[5])
