# The MRAM partition (segment 1) of the alif glue on its emulation board:
# ops 3 and 6, misaligned calls, write tails of every length 1..31 from
# buffers whose next bytes would land in MRAM if anything read past them,
# overwrites without erase, the MPU left read-only after every write, and
# the partition's end (the boot ToC follows it on a real Ensemble).
import vfs
import romfs_test
import alif_emu
from romfs_testlib import unmount_rom

SEG, DEV = 1, 0
EINVAL = -22
OUTSIDE = b"\xa5" * 4096


def untouched(addr, n):
    # The emulated memory at CPU address addr still holds what the board
    # put outside the partitions.
    m = alif_emu.mem(addr, n)
    return all(bytes(m[o : o + 4096]) == OUTSIDE[: min(4096, n - o)] for o in range(0, n, 4096))


def state():
    s = alif_emu.state()
    return {"writable": s[0], "mpu": s[1], "units": s[2], "faults": s[6]}


unmount_rom()

addr, length, base, runs, mask, unit, erased, flags = romfs_test.geometry(SEG)
print("geometry", hex(addr), length, hex(base), runs, mask, unit, erased, flags)
print("op3", vfs.rom_ioctl(3, SEG, 0), "op6", vfs.rom_ioctl(6, SEG))
# Alignment to the 16-byte unit and to op 6 (the shared bad-input test
# checks alignment on an erasable segment).
print("misaligned write", vfs.rom_ioctl(4, SEG, 8, bytes(16)), "prepare", vfs.rom_ioctl(3, SEG, 2048, 4096))
rom = vfs.rom_ioctl(2, SEG)

# Tails: n bytes (n = 1..31) at a 16-byte aligned offset, taken from a
# memoryview of the first n bytes of a bytearray that continues with 0x55;
# then the same from an odd position of a bytearray (unaligned source).
# The area holds zeros before, so the unit's padding (0xff) and the bytes
# after the last unit (still zero) are both visible.
print("prepare", vfs.rom_ioctl(3, SEG, 0, 65536))
ok = {}


def check(name, cond):
    ok[name] = ok.get(name, True) and cond


mpu_calls = {}
for shift in (0, 3):
    for n in range(1, 32):
        off = 4096 + (shift * 32 + n) * 64
        assert vfs.rom_ioctl(4, SEG, off, bytes(64)) == 0
        data = bytes((n * 7 + i * 13 + shift) & 0xFF or 1 for i in range(n))
        raw = bytearray(shift) + bytearray(data) + bytearray(b"\x55" * 48)
        before = state()
        r = vfs.rom_ioctl(4, SEG, off, memoryview(raw)[shift : shift + n])
        after = state()
        end = (off + n + 15) // 16 * 16
        check("returns 0", r == 0)
        check("bytes land", bytes(rom[off : off + n]) == data)
        check("pad is 0xff", bytes(rom[off + n : end]) == b"\xff" * (end - off - n))
        check("next unit untouched", bytes(rom[end : off + 64]) == bytes(off + 64 - end))
        check("no sentinel byte", 0x55 not in bytes(rom[off + n : off + 64]))
        check("mpu read-only after", not after["writable"])
        mpu_calls[after["mpu"] - before["mpu"]] = mpu_calls.get(after["mpu"] - before["mpu"], 0) + 1
for k in sorted(ok):
    print("tail", k, ok[k])
# mpu_config_mram calls per tail write: one open and one close per program
# operation of the core (whole units from the caller's buffer, then the
# padded last unit from the core's own).
print("tail mpu calls per write", sorted(mpu_calls.items()))

# Overwrites without erase: any value over any value, no erase operation,
# and a write of the bytes already there programs nothing.
off = 16384
pats = (bytes(range(256)) * 16, b"\x00" * 4096, b"\xff" * 4096, bytes(255 - b for b in range(256)) * 16)
for pat in pats:
    before = state()
    r = vfs.rom_ioctl(4, SEG, off, pat)
    after = state()
    print("overwrite", pat[:2].hex(), r, bytes(rom[off : off + 4096]) == pat, after["units"] - before["units"],
          after["writable"])
before = state()
print("same bytes again", vfs.rom_ioctl(4, SEG, off, pats[-1]), state()["units"] - before["units"])
print("erases", romfs_test.stats(DEV)[0])

# The partition's end: the last unit can be written, nothing past it.
last = length - 16
print("end prepare", vfs.rom_ioctl(3, SEG, length - 4096, 4096))
print("last unit", vfs.rom_ioctl(4, SEG, last, b"E" * 16), bytes(rom[last:]) == b"E" * 16)
print("last byte tail", vfs.rom_ioctl(4, SEG, last, b"Z"), bytes(rom[last:]) == b"Z" + b"\xff" * 15)
print("past the end", vfs.rom_ioctl(4, SEG, last, b"x" * 32), vfs.rom_ioctl(4, SEG, length, b"x" * 16),
      vfs.rom_ioctl(3, SEG, length, 4096), vfs.rom_ioctl(3, SEG, length + 1))
print("ToC after the partition untouched", untouched(addr + length, 8192))
print("bytes before the partition untouched", untouched(addr - 4096, 4096))

# A whole-partition deploy, to the last byte, then op 5.
print("whole prepare", vfs.rom_ioctl(3, SEG, length))
before = state()
ok = all(vfs.rom_ioctl(4, SEG, off, bytes(((off >> 12) + i) & 0xFF for i in range(4096))) == 0
         for off in range(0, length, 4096))
print("whole writes", ok, vfs.rom_ioctl(5, SEG))
print("whole bytes", all(rom[off + 4095] == ((off >> 12) + 4095) & 0xFF for off in range(0, length, 4096)),
      state()["units"] - before["units"])
print("mpu read-only", not state()["writable"])
s = romfs_test.stats(DEV)
print("stats erases", s[0], "violations", s[5], "faults", state()["faults"])
