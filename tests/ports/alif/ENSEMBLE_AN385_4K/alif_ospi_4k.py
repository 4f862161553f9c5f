# The OSPI partition (segment 0) of the alif glue with the OSPI driver as
# MicroPython has it (no ospi_flash_erase_block_64k): the geometry offers no
# block erase, every erase is one 4 KiB sector, each write call erases at
# most one sector, and a re-deploy erases only what changed.
import vfs
import romfs_test
import alif_emu
from romfs_testlib import prepare, unmount_rom

SEG, DEV = 0, 1


def blank(off, n):
    # Whatever earlier tests on this board left there: erased, by writing
    # 0xff (which only an erase can give), so that the counts below do not
    # depend on them.
    vfs.rom_ioctl(3, SEG, off, n)
    ok = all(vfs.rom_ioctl(4, SEG, o, b"\xff" * 4096) == 0 for o in range(off, off + n, 4096))
    return ok and vfs.rom_ioctl(5, SEG) == 0


def chunk(tag, off):
    return bytes(((off >> 12) * 7 + i * 31 + tag) & 0xFF for i in range(4096))


def deploy(tag, size, changed=None):
    # As mpremote 1.29.0.  Returns (result, sector erases, block erases,
    # modelled ms typ, worst call ms max).
    e0, s0 = alif_emu.state(), romfs_test.stats(DEV)
    prepare(SEG, size)
    ok = True
    worst = 0
    for off in range(0, size, 4096):
        t = romfs_test.stats(DEV)[4]
        buf = chunk(tag + (off == changed), off)
        ok = vfs.rom_ioctl(4, SEG, off, buf) == 0 and ok
        worst = max(worst, romfs_test.stats(DEV)[4] - t)
    ok = vfs.rom_ioctl(5, SEG) == 0 and ok
    e1, s1 = alif_emu.state(), romfs_test.stats(DEV)
    return (ok, e1[3] - e0[3], e1[4] - e0[4], (s1[3] - s0[3]) // 1000000, worst // 1000000)


unmount_rom()

addr, length, base, runs, mask, unit, erased, flags = romfs_test.geometry(SEG)
print("geometry", hex(addr), length, base, runs, hex(mask), unit, erased, flags)
step = vfs.rom_ioctl(6, SEG)
print("op3", vfs.rom_ioctl(3, SEG, 0), "op6", step)
print("made blank", blank(0, 262144), blank(length - 65536, 65536))
print("blank 256K", deploy(1, 262144))
print("again 256K", deploy(2, 262144))
print("same 256K", deploy(2, 262144))
print("one chunk changed", deploy(2, 262144, changed=65536))
rom = vfs.rom_ioctl(2, SEG)
print("bytes match", all(bytes(rom[o : o + 4096]) == chunk(2 + (o == 65536), o) for o in range(0, 262144, 4096)))
before = alif_emu.state()[3]
print("last sector", vfs.rom_ioctl(3, SEG, length - 4096, 4096), vfs.rom_ioctl(4, SEG, length - 4096, b"L" * 4096),
      vfs.rom_ioctl(3, SEG, length - 4096, 4096), vfs.rom_ioctl(4, SEG, length - 4096, b"M" * 4096),
      bytes(rom[-4:]), alif_emu.state()[3] - before)
vfs.rom_ioctl(5, SEG)
print("violations", romfs_test.stats(DEV)[5], "faults", alif_emu.state()[6])
