"""Ctrl-C, for real: the unix test firmware deploys two 1 MiB images in
turn, over and over (the issue's probe, with writes that always change
flash), and gets SIGINT after a delay from 0.2 s to 2 s.  The unix test
variant schedules the KeyboardInterrupt as the flash ports do
(MICROPY_ASYNC_KBD_INTR 0), and the port's poll hook, between flash
operations, raises it through mp_event_handle_nowait().  After it, in the
same process: op 1 gives the segment count and op 6 the granularity (no
-EBUSY), a lone op 5 commits nothing of an interrupted deploy (no image
mounts), and a new deploy lands.

    python unix_sigint.py <unix micropython>

Prints one line per signal (where it landed) and exits 1 on a failure, or
if no signal landed in a write.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

PROBE = """
import vfs
# Two 1 MiB images (a header, then padding records) written in turn, each
# in one call, over and over: every write erases and programs (no bytes
# stay the same), and the signal lands in a call almost always.
n = 1 << 20
head = b'\\xd2\\xcd\\x31' + bytes([0x80 | ((n - 7) >> 21) & 0x7F, 0x80 | ((n - 7) >> 14) & 0x7F, 0x80 | ((n - 7) >> 7) & 0x7F, (n - 7) & 0x7F])
imgs = (head + bytes(n - 7), head + b'\\x02\\x00' * ((n - 7) // 2) + bytes(1))
print('READY')
i = 0
try:
    while True:
        where = 'prepare'
        vfs.rom_ioctl(3, 1, 0, n)
        where = 'write'
        vfs.rom_ioctl(4, 1, 0, imgs[i & 1])
        where = 'between calls'
        i += 1
except KeyboardInterrupt:
    print('IN', where)
print('OP1', vfs.rom_ioctl(1))
print('OP6', vfs.rom_ioctl(6, 1))
# -5 if the deploy under way failed or its image is not all written, 0 if
# it was complete (a lone op 5 commits a complete image).
op5 = vfs.rom_ioctl(5, 1)
mem = vfs.rom_ioctl(2, 1)
try:
    vfs.VfsRom(mem)
    state = 'new' if bytes(mem[:n]) == imgs[i & 1] else 'mix'
except OSError:
    state = 'none'
print('OP5', op5, state)
small = b'\\xd2\\xcd\\x31\\x01\\x00' + bytes(4091)
unit = vfs.rom_ioctl(3, 1, len(small))
print('DEPLOY', vfs.rom_ioctl(4, 1, 0, small), vfs.rom_ioctl(5, 1), unit > 0)
vfs.VfsRom(vfs.rom_ioctl(2, 1))
print('DEPLOYED')
"""

# The lines after "IN <where>": in a write (the port's poll raised), the
# deploy failed and no image mounts; between the calls the image written
# last was complete and a lone op 5 commits it.
EXPECT = {
    "write": ["OP1 2", "OP6 4096", "OP5 -5 none", "DEPLOY 0 0 True", "DEPLOYED"],
    "prepare": ["OP1 2", "OP6 4096", "OP5 -5 none", "DEPLOY 0 0 True", "DEPLOYED"],
    "between calls": ["OP1 2", "OP6 4096", "OP5 0 new", "DEPLOY 0 0 True", "DEPLOYED"],
}


def main():
    exe = sys.argv[1]
    failures = inside = 0
    delays = (0.2, 0.5, 1.0, 1.5, 2.0)
    with tempfile.TemporaryDirectory() as files:
        env = dict(os.environ, MICROPY_ROMFS_DIR=files)
        for delay in delays:
            proc = subprocess.Popen([exe, "-X", "heapsize=8M", "-c", PROBE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
            assert proc.stdout.readline().strip() == "READY"
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=60)
            lines = out.splitlines()
            where = lines[0][3:] if lines and lines[0].startswith("IN ") else "?"
            ok = proc.returncode == 0 and lines[1:] == EXPECT.get(where)
            inside += where == "write"
            print(f"{'PASS' if ok else 'FAIL'} SIGINT after {delay} s, in {where}: " + "; ".join(lines[1:4]))
            if not ok:
                print("  " + out.replace("\n", "\n  "))
            failures += not ok
    print(f"{inside} of {len(delays)} signals landed in a write")
    if not inside:
        print("FAIL: no signal landed in a write: nothing was tested")
        failures += 1
    print("all passed" if not failures else f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
