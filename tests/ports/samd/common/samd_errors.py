# The NVM's failures reach Python as -EIO (5), through the emulated NVM's
# lock regions (the NVM ignores commands there and sets LOCKE, which ASF4
# does not read; its HPL functions, which the glue calls, report nothing):
#  - _flash_append into a locked region leaves the pages as they were: the
#    core's read-back fails;
#  - _flash_erase of a row/block in a locked region does nothing: the core
#    finds the unit not erased and refuses to write;
#  - an append that starts in an unlocked region and runs into a locked one
#    programs the unlocked pages only: the core's read-back fails.
# A failed write makes op 5 refuse the deploy; once unlocked, a new deploy
# works.  Nothing outside the partition is touched.
import vfs
import romfs_test
import samd_emu
from romfs_testlib import unmount_rom

EIO = -5
flash, fsize, start, size, page, unit, region = samd_emu.layout()
punit = romfs_test.geometry(0)[5]
rom = vfs.rom_ioctl(2, 0)
unmount_rom()
# The tests share one QEMU run: start from a fresh chip (partition erased,
# counters zero) and the core's RAM state as after a reset.
samd_emu.reset()
romfs_test.reboot()


def region_of(off):
    return (start + off - flash) // region


def calls():
    return [(k, a - start, n) for k, a, n in samd_emu.log()]


print("lock regions of", region, "bytes; the partition spans", region_of(size - 1) - region_of(0) + 1)
x = 2 * unit  # a unit-aligned offset past the header's unit
a = bytes(range(64))
print("prepare:", vfs.rom_ioctl(3, 0, size), "write:", vfs.rom_ioctl(4, 0, x, a), bytes(rom[x : x + 64]) == a)
print("op 5:", vfs.rom_ioctl(5, 0))
samd_emu.log()

samd_emu.lock(start + x, True)
st = samd_emu.stats()["locked_skips"]
print("locked; write to blank bytes:", vfs.rom_ioctl(4, 0, x + 64, bytes(64)), "pages ignored by the locked NVM:", samd_emu.stats()["locked_skips"] - st)
print("  calls", calls(), "bytes unchanged:", bytes(rom[x + 64 : x + 128]) == b"\xff" * 64)
print("  op 5 refuses the deploy:", vfs.rom_ioctl(5, 0))

st = samd_emu.stats()["locked_skips"]
c = bytes(255 - i for i in range(64))  # not programmable over `a`: needs an erase
print("new deploy, prepare:", vfs.rom_ioctl(3, 0, size), "rewrite (needs an erase):", vfs.rom_ioctl(4, 0, x, c))
print("  calls", calls(), "ignored by the locked NVM:", samd_emu.stats()["locked_skips"] - st)
print("  bytes unchanged:", bytes(rom[x : x + 64]) == a, "op 5:", vfs.rom_ioctl(5, 0))
samd_emu.lock(start + x, False)

if region_of(size - 1) > region_of(0):
    b = (region_of(0) + 1) * region + flash - start  # the next region boundary in the partition
    samd_emu.lock(start + b, True)
    data = bytes((i * 5) & 0x7F for i in range(4096))
    print("prepare:", vfs.rom_ioctl(3, 0, size), "write across into a locked region:", vfs.rom_ioctl(4, 0, b - 2048, data))
    print("  appends", [c for c in calls() if c[0] == "A"])
    print("  before the boundary programmed:", bytes(rom[b - 2048 : b]) == data[:2048],
          "after it unchanged:", bytes(rom[b : b + 2048]) == b"\xff" * 2048)
    print("  op 5:", vfs.rom_ioctl(5, 0))
    samd_emu.lock(start + b, False)
else:
    print("(the partition lies in one lock region)")

img = b"\xd2\xcd\x31\x20" + bytes(range(32))  # a small ROMFS image (an empty one, padded)
print("unlocked; deploy:", vfs.rom_ioctl(3, 0, len(img)), vfs.rom_ioctl(4, 0, 0, img), vfs.rom_ioctl(5, 0))
print("  bytes match:", bytes(rom[: len(img)]) == img)
st = samd_emu.stats()
print("misuse", st["misuse"], "read-modify-write pages", st["rmw_pages"], "simulator violations", romfs_test.stats(0)[5])
