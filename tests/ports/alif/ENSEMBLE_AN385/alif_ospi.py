# The OSPI partition (segment 0) of the alif glue on its emulation board: ops
# 3 and 6, writes that are not multiples of 4 bytes (the driver takes only
# whole 32-bit words), 64 KiB block erases through the optional
# ospi_flash_erase_block_64k, erase counts and modelled times of re-deploys,
# and the partition's ends.
import vfs
import romfs_test
import alif_emu
from romfs_testlib import prepare, unmount_rom

SEG, DEV = 0, 1
EINVAL = -22
OUTSIDE = b"\xa5" * 4096


def untouched(addr, n):
    # The emulated memory at CPU address addr still holds what the board
    # put outside the partitions.
    m = alif_emu.mem(addr, n)
    return all(bytes(m[o : o + 4096]) == OUTSIDE[: min(4096, n - o)] for o in range(0, n, 4096))


def blank(off, n):
    # Whatever earlier tests on this board left there: erased, by writing
    # 0xff (which only an erase can give), so that the counts below do not
    # depend on them.
    vfs.rom_ioctl(3, SEG, off, n)
    ok = all(vfs.rom_ioctl(4, SEG, o, b"\xff" * 4096) == 0 for o in range(off, off + n, 4096))
    return ok and vfs.rom_ioctl(5, SEG) == 0


def emu():
    s = alif_emu.state()
    return {"sector": s[3], "block": s[4], "pages": s[5], "faults": s[6]}


def chunk(tag, off):
    return bytes(((off >> 12) * 7 + i * 31 + tag) & 0xFF for i in range(4096))


def deploy(tag, size):
    # As mpremote 1.29.0: 4-arg prepares of up to 32 KiB, then 4 KiB writes
    # (the last one zero-padded), then op 5.  Returns (result, erases,
    # sector erases, block erases, modelled ms typ, worst call ms max).
    e0, s0 = emu(), romfs_test.stats(DEV)
    prepare(SEG, size)
    ok = True
    worst = 0
    for off in range(0, size, 4096):
        t = romfs_test.stats(DEV)[4]
        ok = vfs.rom_ioctl(4, SEG, off, chunk(tag, off)) == 0 and ok
        worst = max(worst, romfs_test.stats(DEV)[4] - t)
    ok = vfs.rom_ioctl(5, SEG) == 0 and ok
    e1, s1 = emu(), romfs_test.stats(DEV)
    return (ok, s1[0] - s0[0], e1["sector"] - e0["sector"], e1["block"] - e0["block"],
            (s1[3] - s0[3]) // 1000000, worst // 1000000)


unmount_rom()

addr, length, base, runs, mask, unit, erased, flags = romfs_test.geometry(SEG)
print("geometry", hex(addr), length, base, runs, hex(mask), unit, erased, flags)
step = vfs.rom_ioctl(6, SEG)
print("op3", vfs.rom_ioctl(3, SEG, 0), "op6", step)
rom = vfs.rom_ioctl(2, SEG)
print("made blank", blank(0, 262144), blank(length - 65536, 65536))

# mpremote 1.26.1's one 3-arg prepare of the whole partition erases nothing
# yet: it returns at once.
before = emu()
print("3-arg prepare of 6 MiB", vfs.rom_ioctl(3, SEG, length), emu()["sector"] - before["sector"],
      emu()["block"] - before["block"])
vfs.rom_ioctl(5, SEG)

# 4-byte rule: misaligned offsets are refused; lengths 1..7 are padded to
# whole words by the core, so the driver only ever sees multiples of 4.
print("misaligned", [vfs.rom_ioctl(4, SEG, 8192 + k, b"abcd") for k in (1, 2, 3)])
print("prepare", vfs.rom_ioctl(3, SEG, 8192, 4096))
ok = True
for n in range(1, 8):
    off = 8192 + 16 * n
    data = bytes(range(0x30 + n, 0x30 + 2 * n))
    raw = bytearray(data + b"\x55" * 8)
    r = vfs.rom_ioctl(4, SEG, off, memoryview(raw)[:n])
    end = (off + n + 3) // 4 * 4
    ok = ok and r == 0 and bytes(rom[off : off + n]) == data
    ok = ok and bytes(rom[off + n : off + 16]) == b"\xff" * (16 - n)
print("tails 1..7", ok, "faults", emu()["faults"])
# A write across 256-byte pages from an odd offset of its buffer.
raw = bytearray(b"?" + bytes(range(256)) * 4)
print("across pages", vfs.rom_ioctl(4, SEG, 8192 + 200, memoryview(raw)[1:1001]), bytes(rom[8392:9392]) == raw[1:1001])

# Deploys of 256 KiB: the first lands on blank flash but for the sector the
# tails above wrote (one 4 KiB erase, not its whole block); a different
# image erases whole 64 KiB blocks; the same image again erases nothing; one
# of 200 KiB erases three blocks and the two 4 KiB sectors of its tail.  Each
# write call takes at most one block erase (1 s at the datasheet maximum).
print("blank 256K", deploy(1, 262144))
print("again 256K", deploy(2, 262144))
print("same 256K", deploy(2, 262144))
print("again 200K", deploy(3, 204800))
print("bytes match", all(bytes(rom[off : off + 4096]) == chunk(3, off) for off in range(0, 204800, 4096)))

# The partition's ends: the last block and the last sector can be erased
# and written; nothing outside changes.
print("last block", vfs.rom_ioctl(3, SEG, length - 65536, 65536),
      all(vfs.rom_ioctl(4, SEG, length - 65536 + o, b"L" * 4096) == 0 for o in range(0, 65536, 4096)))
before = emu()
print("last block again", vfs.rom_ioctl(3, SEG, length - 65536, 65536),
      all(vfs.rom_ioctl(4, SEG, length - 65536 + o, b"M" * 4096) == 0 for o in range(0, 65536, 4096)),
      emu()["block"] - before["block"], emu()["sector"] - before["sector"])
before = emu()
print("last sector", vfs.rom_ioctl(3, SEG, length - 4096, 4096), vfs.rom_ioctl(4, SEG, length - 4, b"end!"),
      bytes(rom[-8:]), emu()["block"] - before["block"], emu()["sector"] - before["sector"])
print("past the end", vfs.rom_ioctl(4, SEG, length - 4, b"12345678"), vfs.rom_ioctl(4, SEG, length, b"1234"),
      vfs.rom_ioctl(3, SEG, length, 4096), vfs.rom_ioctl(3, SEG, length - 4096, 8192))
xip = alif_emu.OSPI_XIP_BASE
print("after the partition untouched", untouched(xip + addr + length, 65536))
print("before the partition untouched", untouched(xip + addr - 65536, 65536))
vfs.rom_ioctl(5, SEG)
s = romfs_test.stats(DEV)
print("violations", s[5], "faults", emu()["faults"])
