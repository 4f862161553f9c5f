# W25Q128JV on QSPI, partition 1: device addresses 0x8000-0x3f8000, 4K
# sectors, 32K and 64K blocks.  Replacing a prepared 196 KiB range erases
# one 32K block at 0x8000 (not 64K-aligned), two 64K blocks, then a 32K block
# and a 4K sector where the prepared range ends: 5 commands instead of 49
# sector erases.  A small image erases only the sectors it prepared,
# whatever blocks the chip has.  Counts come from the emulated bus (the
# commands seen) and the simulated chip (the erases done).
import vfs
import romfs_test
import stm32emu
from romfs_testlib import file_head, prepare, unmount_rom

SEG = 1


class Data:
    # `n` bytes of a period-251 pattern set by `seed`, made a chunk at a
    # time (the heap is smaller than the images).
    def __init__(self, seed, n):
        self.p = bytes((x + seed) & 255 for x in range(251)) * 18
        self.n = n

    def at(self, off, n):
        n = max(0, min(n, self.n - off))
        return self.p[off % 251 : off % 251 + n]


def image(name, data):
    # A ROMFS image holding one file: header bytes, then the file's data.
    return file_head(name, data.n), data


def chunk(img, off, n):
    head, data = img
    return head[off : off + n] + data.at(max(0, off - len(head)), off + n - max(off, len(head)))


def deploy(img, four_arg):
    # As mpremote does: 4-arg prepares of 32K steps, or one 3-arg prepare;
    # 4 KiB writes; op 5.
    n = len(img[0]) + img[1].n
    prepare(SEG, n, four_arg)
    ok = True
    for off in range(0, n, 4096):
        ok = vfs.rom_ioctl(4, SEG, off, chunk(img, off, 4096)) == 0 and ok
    return vfs.rom_ioctl(5, SEG) == 0 and ok


def in_place(rom, img):
    n = len(img[0]) + img[1].n
    return all(bytes(rom[off : min(n, off + 4096)]) == chunk(img, off, 4096) for off in range(0, n, 4096))


def file_matches(rom, name, data):
    vfs.mount(vfs.VfsRom(rom), "/r")
    ok = True
    with open("/r/" + name, "rb") as f:
        off = 0
        while b := f.read(4096):
            ok = ok and b == data.at(off, 4096)
            off += len(b)
    vfs.umount("/r")
    return ok and off == data.n


def snapshot():
    # (4K, 32K, 64K erase commands), chip erases, modelled typical ms
    c = stm32emu.counters()
    s = romfs_test.stats(SEG)
    return (c[3], c[4], c[5]), s[0], s[3] // 1000000


def erased_since(before):
    after = snapshot()
    cmds = tuple(b - a for a, b in zip(before[0], after[0]))
    return cmds, after[1] - before[1]


unmount_rom()

geom = romfs_test.geometry(SEG)
print("device address", hex(geom[0]), "length", hex(geom[1]))
print("blocks", [1 << k for k in range(32) if geom[4] >> k & 1], "unit", geom[5], "op6", vfs.rom_ioctl(6, SEG))

rom = vfs.rom_ioctl(2, SEG)
for four_arg in (False, True):
    # Two different images of 199997 bytes (49 sectors).
    print("deploy A", deploy(image(b"a.bin", Data(0, 199977)), four_arg))
    before = snapshot()
    img = image(b"b.bin", Data(7, 199977))
    ok = deploy(img, four_arg)
    cmds, chip = erased_since(before)
    print("deploy B", "4-arg" if four_arg else "3-arg", ok, len(img[0]) + img[1].n, "commands 4K/32K/64K", cmds, "chip erases", chip)
    print("  B is in place", in_place(rom, img), "file matches", file_matches(rom, "b.bin", img[1]))

# A 5000-byte image over B: two prepared sectors, two 4K erases; B's bytes
# after them stay (nothing outside the prepared range is erased).
kept = bytes(rom[0x2000:0x3000])
before = snapshot()
img = image(b"c.bin", Data(3, 4900))
ok = deploy(img, False)
cmds, chip = erased_since(before)
print("deploy C", ok, len(img[0]) + img[1].n, "commands 4K/32K/64K", cmds, "chip erases", chip)
print("  C is in place", in_place(rom, img), "file matches", file_matches(rom, "c.bin", img[1]))
print("  bytes after the prepared range kept", bytes(rom[0x2000:0x3000]) == kept)

c = stm32emu.counters()
print("misuse", c[7], "violations", romfs_test.stats(SEG)[5])
