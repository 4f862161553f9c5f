# SAMD51: the CMCC (which samd_qspiflash.c turns on after each QSPI command)
# caches reads of the internal flash and does not see NVM writes.  With the
# emulated CMCC on, every _flash_erase and _flash_append of the glue is
# followed by an invalidation (MAINT0.INVALL) with the cache turned back on;
# with it off the glue leaves it alone.
import vfs
import romfs_test
import samd_emu
from romfs_testlib import unmount_rom

flash, fsize, start, size, page, unit, region = samd_emu.layout()
rom = vfs.rom_ioctl(2, 0)
unmount_rom()
# The tests share one QEMU run: start from a fresh chip (partition erased,
# counters zero) and the core's RAM state as after a reset.
samd_emu.reset()
romfs_test.reboot()


def deploy(img):
    rcs = [vfs.rom_ioctl(3, 0, len(img))]
    for off in range(0, len(img), 4096):
        rcs.append(vfs.rom_ioctl(4, 0, off, img[off : off + 4096]))
    rcs.append(vfs.rom_ioctl(5, 0))
    return rcs


def ops(before, after):
    return sum(after[k] - before[k] for k in ("erase_calls", "append_calls"))


img1 = b"\xd2\xcd\x31\x80\x40" + bytes(range(256)) * 40 + bytes(3)
img2 = b"\xd2\xcd\x31\x80\x40" + bytes(255 - (i & 0xFF) for i in range(10240)) + bytes(3)
for on, img in ((False, img1), (True, img2), (False, img1)):
    samd_emu.cmcc(on)
    s0 = samd_emu.stats()
    rcs = deploy(img)
    s1 = samd_emu.stats()
    print("CMCC", "on " if on else "off", "deploy", rcs, "bytes match", bytes(rom[: len(img)]) == img)
    print("  flash ops", ops(s0, s1) > 0, "invalidated after each:", s1["cmcc_invalidations"] - s0["cmcc_invalidations"] == (ops(s0, s1) if on else 0),
          "stale:", s1["cmcc_stale"] - s0["cmcc_stale"])
samd_emu.cmcc(False)
print("simulator violations", romfs_test.stats(0)[5])
