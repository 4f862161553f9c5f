# A partition whose end is not on an erase unit (SAMD51_TAIL: 60K, whose
# last 4K are the first half of a block whose other half belongs to the
# internal-flash filesystem).  Op 6 is 0 (only the 3-arg prepare).  The
# whole blocks are erased one _flash_erase each; the shared block never is:
# while the partition's part of it is blank it takes writes, once
# programmed it cannot be rewritten (-EIO, nothing touched), and the
# filesystem's half keeps its bytes throughout.
import vfs
import romfs_test
import samd_emu
from romfs_testlib import unmount_rom

flash, fsize, start, size, page, unit, region = samd_emu.layout()
end = start + size
rom = vfs.rom_ioctl(2, 0)
last = (size // unit) * unit  # segment offset of the shared block
unmount_rom()
# The tests share one QEMU run: start from a fresh chip (partition erased,
# counters zero) and the core's RAM state as after a reset.
samd_emu.reset()
romfs_test.reboot()


def pattern(off):
    return 0xA5 ^ ((off >> 2) & 0xFF) ^ ((off >> 10) & 0xFF)


def fs_intact():
    n = unit - (size - last)
    b = samd_emu.peek(end, n)
    return all(b[i] == pattern(end - flash + i) for i in range(n))


def erases(lo=0):
    return [a - start for k, a, n in samd_emu.log() if k == "E" and a - start >= lo]


print("partition", size, "bytes; the block at offset", last, "has", size - last, "bytes in it, the rest is the filesystem's")
print("op 6:", vfs.rom_ioctl(6, 0), "4-arg prepare:", vfs.rom_ioctl(3, 0, last, size - last))
print("filesystem half intact:", fs_intact())

# Whole blocks: fill block 1, rewrite it (one erase of that block).
w = bytes(range(128)) * 4
print("prepare:", vfs.rom_ioctl(3, 0, 2 * unit), "write block 1:", vfs.rom_ioctl(4, 0, unit, w), "op 5:", vfs.rom_ioctl(5, 0))
samd_emu.log()
print("prepare:", vfs.rom_ioctl(3, 0, 2 * unit), "rewrite it:", vfs.rom_ioctl(4, 0, unit, bytes(255 - x for x in w)), "op 5:", vfs.rom_ioctl(5, 0))
print("  erases at", erases(), "bytes land:", bytes(rom[unit : unit + len(w)]) == bytes(255 - x for x in w))

# The shared block: the partition's half takes writes while blank...
a = bytes((i * 13) & 0x7F for i in range(size - last))
print("prepare:", vfs.rom_ioctl(3, 0, size), "write the partial block:", vfs.rom_ioctl(4, 0, last, a), "op 5:", vfs.rom_ioctl(5, 0))
print("  bytes land:", bytes(rom[last:size]) == a, "erases of the shared block:", erases(last))
# ... but bytes that need an erase of the shared block are refused.
b = bytes(255 - x for x in a)
print("prepare:", vfs.rom_ioctl(3, 0, size), "rewrite the partial block:", vfs.rom_ioctl(4, 0, last, b), "op 5:", vfs.rom_ioctl(5, 0))
print("  old bytes kept:", bytes(rom[last:size]) == a, "erases of the shared block:", erases(last))
print("filesystem half intact:", fs_intact())

# The refusal left no state behind: a new deploy works at once (the core
# never puts the shared block in its pending range).
img = b"\xd2\xcd\x31\x20" + bytes(32)
print("deploy:", vfs.rom_ioctl(3, 0, len(img)), vfs.rom_ioctl(4, 0, 0, img), vfs.rom_ioctl(5, 0), bytes(rom[: len(img)]) == img)
st = samd_emu.stats()
print("read-modify-write pages", st["rmw_pages"], "misuse", st["misuse"], "simulator violations", romfs_test.stats(0)[5])
print("filesystem half intact:", fs_intact())
