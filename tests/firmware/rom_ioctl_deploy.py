# Deploy ROMFS images to every segment through ops 3, 4 and 5 as mpremote
# does (4-arg prepares in op-6 steps, or one 3-arg prepare; zero-padded
# 4 KiB chunks), mount them with vfs.VfsRom, import a module and read a file
# from each; deploy a changed image over it; then writes whose length is not
# a multiple of the program unit.  Prints board-independent results only.
import sys
import vfs
import romfs_test
from romfs_testlib import deploy, romfs, unmount_rom

unmount_rom()

# Every check is listed here, so that each board prints the same lines.
results = dict.fromkeys(
    (
        "deploy returns 0",
        "bytes match",
        "module imports",
        "file matches",
        "changed image deploys",
        "changed bytes match",
        "prepare for tails",
        "tail write returns 0",
        "tail bytes land",
        "tail padded with the erased value",
        "no illegal flash operation",
    ),
    True,
)


def check(name, ok):
    results[name] = results.get(name, True) and ok


data = bytes(range(251)) * 37  # 9287 bytes
for seg in range(vfs.rom_ioctl(1)):
    length = romfs_test.geometry(seg)[1]
    for four_arg in (False, True):
        name = "mod%d%d" % (seg, four_arg)
        img = romfs([(name.encode() + b".py", b"x = %d\n" % (42 + seg)), (b"data.bin", data)])
        if len(img) + 4096 > length:
            img = romfs([(name.encode() + b".py", b"x = %d\n" % (42 + seg))])
        check("deploy returns 0", deploy(seg, img, four_arg) == [0])
        rom = vfs.rom_ioctl(2, seg)
        check("bytes match", bytes(rom[: len(img)]) == img)
        vfs.mount(vfs.VfsRom(rom), "/r")
        sys.path.append("/r")
        check("module imports", __import__(name).x == 42 + seg)
        try:
            with open("/r/data.bin", "rb") as f:
                check("file matches", f.read() == data)
        except OSError:
            pass  # a segment too small for the data file
        sys.path.pop()
        vfs.umount("/r")
    changed = img[:-100] + bytes(b ^ 0xFF for b in img[-100:])
    check("changed image deploys", deploy(seg, changed) == [0])
    check("changed bytes match", bytes(vfs.rom_ioctl(2, seg)[: len(changed)]) == changed)

# Writes of 1..2*unit-1 bytes at the start of a prepared range of the last
# segment: every byte lands, the rest of the last unit stays erased.
seg = vfs.rom_ioctl(1) - 1
geom = romfs_test.geometry(seg)
unit, erased = geom[5], geom[6]
rom = vfs.rom_ioctl(2, seg)
check("prepare for tails", vfs.rom_ioctl(3, seg, geom[1]) == unit)
off = 4096
for n in range(1, 2 * unit):
    buf = bytes((17 * i + n) & 0xFF for i in range(n))
    end = (off + n + unit - 1) // unit * unit
    check("tail write returns 0", vfs.rom_ioctl(4, seg, off, buf) == 0)
    check("tail bytes land", bytes(rom[off : off + n]) == buf)
    check("tail padded with the erased value", bytes(rom[off + n : end]) == bytes([erased]) * (end - off - n))
    off = (end + unit) // unit * unit
vfs.rom_ioctl(5, seg)

# The simulated devices refused no operation (outside a segment, misaligned,
# or programming bits that were not erased).
for dev in range(4):
    try:
        check("no illegal flash operation", romfs_test.stats(dev)[5] == 0)
    except ValueError:
        pass  # no such device on this board
for name in sorted(results):
    print(name, results[name])
