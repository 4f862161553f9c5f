# What the on-device tests share (tests/firmware, tests/testboard,
# tests/ports): ROMFS images built on the board, and deploys through
# vfs.rom_ioctl with mpremote's call sequences.  run-tests.py sends a
# board only the test's own text, so this module is frozen into every test
# firmware (tests/lib/freeze.mk); a test imports it as romfs_testlib.
import vfs

ROMFS_MAGIC = 0x14A6B1  # an image's first record kind: the bytes d2 cd 31
KIND_PADDING = 1
KIND_DATA = 2  # the file's bytes, verbatim
KIND_FILE = 5


def vuint(n):
    # n as ROMFS encodes kinds and lengths: 7 bits a byte, most significant
    # first, bit 7 set on every byte but the last.
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def record(kind, payload):
    return vuint(kind) + vuint(len(payload)) + payload


def romfs(files):
    # An image holding the files [(name, data), ...] (bytes) in its root,
    # its payload padded to an even length with an empty padding record.
    payload = b"".join(record(KIND_FILE, vuint(len(name)) + name + record(KIND_DATA, data)) for name, data in files)
    if len(payload) % 2:
        payload += record(KIND_PADDING, b"")
    return record(ROMFS_MAGIC, payload)


def file_head(name, n):
    # The bytes of an image holding one file of n bytes, up to the file's
    # data: the image is these bytes and then the data, unpadded.  For
    # images larger than the heap, written a chunk at a time.
    entry = vuint(len(name)) + name + vuint(KIND_DATA) + vuint(n)
    file = vuint(KIND_FILE) + vuint(len(entry) + n) + entry
    return vuint(ROMFS_MAGIC) + vuint(len(file) + n) + file


def unmount_rom():
    # Segment 0 is mounted at /rom at boot if it holds an image; a deploy
    # must not replace a mounted image.
    try:
        vfs.umount("/rom")
    except OSError:
        pass


def prepare(seg, length, four_arg=True):
    # Prepares segment seg for an image of length bytes as mpremote does:
    # with four_arg as 1.29.0 (4-arg prepares of up to 32 KiB, rounded up to
    # op 6's step, where op 6 gives a step smaller than the segment), else
    # as 1.26.1 (one 3-arg prepare).  Returns op 3's result, the program
    # unit.
    step = vfs.rom_ioctl(6, seg)
    if four_arg and 0 < step < len(memoryview(vfs.rom_ioctl(2, seg))):
        off = 0
        while off < length:
            n = (min(length - off, 32768) + step - 1) // step * step
            unit = vfs.rom_ioctl(3, seg, off, n)
            off += n
        return unit
    return vfs.rom_ioctl(3, seg, length)


def deploy(seg, img, four_arg=True):
    # Deploys img to segment seg with mpremote's calls: prepare(), writes
    # of max(4096, program unit) bytes, the last one padded with zeros,
    # and op 5.  Returns what the writes and op 5 returned, each value
    # once, sorted: [0] for a deploy that worked.
    chunk = max(4096, prepare(seg, len(img), four_arg))
    results = set()
    for off in range(0, len(img), chunk):
        buf = img[off : off + chunk]
        results.add(vfs.rom_ioctl(4, seg, off, buf + bytes(chunk - len(buf))))
    results.add(vfs.rom_ioctl(5, seg))
    return sorted(results)
