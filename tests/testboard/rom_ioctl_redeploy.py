# On the test board's two segments (an STM32F767 flash with 32K first
# sectors, a W25Q128 NOR with 4K sectors): deploy, mount and import; then
# re-deploy the same image and one with a changed tail, and count the
# sectors erased: on the NOR only the first sector (whose old magic the
# deploy zeroes) and the changed one; on the F767 its first 32K sector,
# which the 4 KiB writes cannot prove unchanged.  Last, write tails on the
# F767's 32-bit words.
import sys
import vfs
import romfs_test
from romfs_testlib import deploy, romfs, unmount_rom


def erases(seg):
    return romfs_test.stats(seg)[0]


unmount_rom()

data = bytes(range(251)) * 37  # 9287 bytes: chunks end in an odd tail
for seg in range(2):
    for four_arg in (False, True):
        name = "mod%d%d" % (seg, four_arg)
        img = romfs([(name.encode() + b".py", b"x = %d\n" % (6 * 7 + seg)), (b"data.bin", data)])
        print("deploy", seg, "4-arg" if four_arg else "3-arg", len(img), *deploy(seg, img, four_arg))
        rom = vfs.rom_ioctl(2, seg)
        print("  bytes match", bytes(rom[: len(img)]) == img)
        vfs.mount(vfs.VfsRom(rom), "/r")
        sys.path.append("/r")
        print("  import", __import__(name).x)
        with open("/r/data.bin", "rb") as f:
            print("  file matches", f.read() == data)
        sys.path.pop()
        vfs.umount("/r")
    before = erases(seg)
    print("  same image again", *deploy(seg, img), "erases", erases(seg) - before)
    changed = img[:-100] + bytes(b ^ 0xFF for b in img[-100:])
    before = erases(seg)
    print("  changed tail", *deploy(seg, changed), "erases", erases(seg) - before)
    print("  bytes match", bytes(vfs.rom_ioctl(2, seg)[: len(changed)]) == changed)
    print("  violations", romfs_test.stats(seg)[5])

# Writes of 1..7 bytes on the F767 (32-bit words): every byte lands, the rest
# of the last word stays erased.
print("tails", vfs.rom_ioctl(3, 0, 1048576, 262144))
rom = vfs.rom_ioctl(2, 0)
for n in range(1, 8):
    off = 1048576 + 8 * n
    buf = bytes(range(16 + n, 16 + 2 * n))
    r = vfs.rom_ioctl(4, 0, off, buf)
    end = (off + n + 3) // 4 * 4
    print(" ", n, r, bytes(rom[off : off + n]) == buf, bytes(rom[off + n : end]) == b"\xff" * (end - off - n))
print("  unaligned", vfs.rom_ioctl(4, 0, 1048576 + 2, b"ab"))
