# vfs.rom_ioctl ops 1, 2 and 6 on the test boards' two segments, and calls
# that are refused with -EINVAL (22).
import vfs

n = vfs.rom_ioctl(1)
print("segments", n)
for i in range(n):
    m = vfs.rom_ioctl(2, i)
    print("segment", i, type(m).__name__, len(m), "op6", vfs.rom_ioctl(6, i))

print("bad id", vfs.rom_ioctl(2, n), vfs.rom_ioctl(2, -1), vfs.rom_ioctl(6, n), vfs.rom_ioctl(5, 99))
print("bad op", vfs.rom_ioctl(0), vfs.rom_ioctl(7, 0), vfs.rom_ioctl(-3, 0))
print("bad arity", vfs.rom_ioctl(1, 0), vfs.rom_ioctl(2), vfs.rom_ioctl(5, 0, 0), vfs.rom_ioctl(4, 0, 0))

# op 3 returns the program unit: 32-bit words on the F767, bytes on the NOR.
print("min write", vfs.rom_ioctl(3, 0, 0), vfs.rom_ioctl(3, 1, 0))
# 4-arg prepares must be aligned to op 6 and inside the segment.
print("4-arg", vfs.rom_ioctl(3, 0, 0, 262144), vfs.rom_ioctl(3, 0, 4096, 262144), vfs.rom_ioctl(3, 1, 4096, 4096))
print("4-arg bad", vfs.rom_ioctl(3, 1, 100, 4096), vfs.rom_ioctl(3, 1, 0, 8388608 + 4096), vfs.rom_ioctl(3, 1, -4096, 4096))
# Those refused prepares mark the deploy as failed: op 5 reports -EIO (5) and
# commits nothing.  A prepare at offset 0 starts a new deploy.
print("complete after refusals", vfs.rom_ioctl(5, 0), vfs.rom_ioctl(5, 1))
print("new deploy", vfs.rom_ioctl(3, 0, 0), vfs.rom_ioctl(5, 0), vfs.rom_ioctl(5, 0))

try:
    vfs.rom_ioctl(2, 0)[0] = 1
except TypeError:
    print("segment is read-only")
for bad in ("0", 1.5, None):
    try:
        vfs.rom_ioctl(2, bad)
    except TypeError:
        print("TypeError for", type(bad).__name__)
