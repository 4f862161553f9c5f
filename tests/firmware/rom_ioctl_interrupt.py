# Deploys interrupted as Ctrl-C interrupts them on a real board: the test
# board arms a KeyboardInterrupt during the N-th flash operation of a deploy
# (romfs_test.interrupt), and the port's own event poll (its glue calls
# mp_event_handle_nowait() between flash operations) raises it.  For every
# segment, both of mpremote's call sequences (1.29.0 and 1.26.1) and N from
# the first operation to the deploy's last (every N up to 24, then 24 evenly
# spaced ones: a segment of 32-byte units has hundreds of operations; the
# host tests interrupt every poll of every client): an old image is deployed,
# then the new deploy is interrupted at N.  Then:
# - the deploy stopped with KeyboardInterrupt;
# - every later call answers (op 1: no -EBUSY);
# - the segment mounts as the old image, as none, or as the new one (never
#   a mix), and a lone op 5 changes nothing of that;
# - a full deploy right after lands.
# Prints board-independent results only.
import vfs
import romfs_test

MAGIC = b"\xd2\xcd\x31"


def image(length, seed):
    payload = length - 7
    head = MAGIC + bytes([0x80 | (payload >> 21) & 0x7F, 0x80 | (payload >> 14) & 0x7F, 0x80 | (payload >> 7) & 0x7F, payload & 0x7F])
    return head + bytes((i * seed + seed) & 0xFF for i in range(payload))


def deploy(seg, img, new_mpremote):
    step = vfs.rom_ioctl(6, seg)
    size = len(memoryview(vfs.rom_ioctl(2, seg)))
    if new_mpremote and 0 < step < size:
        off = 0
        while off < len(img):
            n = (min(len(img) - off, 32768) + step - 1) // step * step
            unit = vfs.rom_ioctl(3, seg, off, n)
            off += n
    else:
        unit = vfs.rom_ioctl(3, seg, len(img))
    chunk = max(4096, unit)
    for off in range(0, len(img), chunk):
        buf = img[off : off + chunk]
        vfs.rom_ioctl(4, seg, off, buf + bytes(chunk - len(buf)))
    return vfs.rom_ioctl(5, seg)


def stats():
    # The counters of every simulated device.
    out = []
    for dev in range(4):
        try:
            out.append(romfs_test.stats(dev))
        except ValueError:
            pass
    return out


def flash_ops():
    return sum(s[0] + s[1] for s in stats())


def outcome(seg, old, new):
    mem = memoryview(vfs.rom_ioctl(2, seg))
    if bytes(mem[:3]) != MAGIC:
        return "none"
    for name, img in (("old", old), ("new", new)):
        if bytes(mem[: len(img)]) == img:
            return name
    return "mix"


try:
    vfs.umount("/rom")
except OSError:
    pass

names = ("raised", "answers", "old/none/new", "lone op 5", "deploy after")
checks = dict.fromkeys(names, True)
seen = set()
n_segments = vfs.rom_ioctl(1)
for seg in range(n_segments):
    size = len(memoryview(vfs.rom_ioctl(2, seg)))
    old, new = image(min(6000, size // 2), 3), image(min(9000, size // 2), 5)
    for new_mpremote in (True, False):
        # Count the operations from the state each try starts from: the new
        # image (from the deploy that ends each try), then the old one.
        deploy(seg, new, True)
        deploy(seg, old, True)
        start = flash_ops()
        deploy(seg, new, new_mpremote)
        total = flash_ops() - start
        for n in sorted(set(range(1, min(total, 24) + 1)) | set(range(total, 0, -(total // 24 or 1)))):
            deploy(seg, old, True)
            romfs_test.interrupt(n)
            raised = False
            try:
                deploy(seg, new, new_mpremote)
            except KeyboardInterrupt:
                raised = True
            romfs_test.interrupt(0)
            got = outcome(seg, old, new)
            seen.add(got)
            answers = vfs.rom_ioctl(1) == n_segments and vfs.rom_ioctl(6, seg) >= 0
            vfs.rom_ioctl(5, seg)
            lone = outcome(seg, old, new) == got
            after = deploy(seg, new, True) == 0 and outcome(seg, old, new) == "new"
            for name, ok in zip(names, (raised, answers, got != "mix", lone, after)):
                checks[name] = checks[name] and ok

for name in names:
    print(name, checks[name])
print("outcomes seen include none and new:", {"none", "new"} <= seen)
print("violations", sum(s[5] for s in stats()))
