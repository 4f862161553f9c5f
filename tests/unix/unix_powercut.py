"""Power cuts in a real process: the unix test firmware deploys a new ROMFS
image over an old one on its file-backed flash, with mpremote 1.29.0's call
sequence and with 1.26.1's, and is killed at a chosen flash operation
($MICROPY_ROMFS_CUT: the simulated flash tears that operation and the
process exits at once, status 99).  A fresh process then asks MicroPython's
own vfs.VfsRom what mounts.

For every operation index of each deploy, on both segments of the test
board, and each tear model: the outcome must be the old image, no
mountable image, or the new image.  Prints the counts and exits 1 on any
violation.  The images are what mpremote builds from a folder
(mpremote.romfs), so this runs in the mpremote 1.29.0 venv:

    .cache/venv-mpremote-1.29.0/bin/python unix_powercut.py <unix micropython>
"""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mpremote.romfs import make_romfs

# The deploy, in the firmware: romfs_testlib (tests/lib, frozen into it)
# makes mpremote's calls.
DEPLOY = """
import romfs_test, romfs_testlib
seg = {seg}
with open({path!r}, 'rb') as f:
    romfs_testlib.deploy(seg, f.read(), four_arg={new})
s = romfs_test.stats(seg)
print('OPS', s[0] + s[1])
"""

CHECK = """
import vfs
seg = {seg}
rom = vfs.rom_ioctl(2, seg)
try:
    vfs.VfsRom(rom)
except OSError:
    print('NONE')
else:
    old, new = open({old!r}, 'rb').read(), open({new!r}, 'rb').read()
    print('NEW' if bytes(rom[:len(new)]) == new else 'OLD' if bytes(rom[:len(old)]) == old else 'OTHER')
"""


def image(folder, name, size):
    """The image `mpremote romfs deploy` builds from `folder`, which gets
    one file `name` of `size` bytes."""
    folder.mkdir()
    (folder / name).write_bytes(bytes((i * 31 + len(name)) & 0xFF for i in range(size)))
    with contextlib.redirect_stdout(io.StringIO()):  # its listing of the folder
        return make_romfs(str(folder), mpy_cross=False)


def run(exe, files, script, cut=None):
    env = dict(os.environ, MICROPY_ROMFS_DIR=str(files))
    env.pop("MICROPY_ROMFS_CUT", None)
    if cut:
        env["MICROPY_ROMFS_CUT"] = cut
    p = subprocess.run([exe, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout


def main():
    exe = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old, new = tmp / "old.img", tmp / "new.img"
        old.write_bytes(image(tmp / "old", "old.bin", 20000))
        new.write_bytes(image(tmp / "new", "new.bin", 30000))
        for seg in (0, 1):
            for new_mpremote in (True, False):
                # The old image in place, as the starting flash of every run.
                base = tmp / f"base{seg}"
                base.mkdir(exist_ok=True)
                rc, out = run(exe, base, DEPLOY.format(seg=seg, new=True, path=str(old)))
                assert rc == 0, out
                # How many flash operations the new deploy takes.
                probe = tmp / "probe"
                shutil.rmtree(probe, ignore_errors=True)
                shutil.copytree(base, probe)
                rc, out = run(exe, probe, DEPLOY.format(seg=seg, new=new_mpremote, path=str(new)))
                ops = int(out.split()[-1])
                counts = {"OLD": 0, "NONE": 0, "NEW": 0, "OTHER": 0}
                for cut in range(ops + 1):
                    for tear in (0, 1, 2):
                        if cut == ops and tear:
                            continue
                        work = tmp / "work"
                        shutil.rmtree(work, ignore_errors=True)
                        shutil.copytree(base, work)
                        rc, _ = run(exe, work, DEPLOY.format(seg=seg, new=new_mpremote, path=str(new)), f"{seg}:{cut}:{tear}")
                        if rc != (99 if cut < ops else 0):
                            print(f"FAIL: the run cut at {cut}/{ops} ended with status {rc}")
                            failures += 1
                        _, out = run(exe, work, CHECK.format(seg=seg, old=str(old), new=str(new)))
                        outcome = out.strip() or "OTHER"
                        counts[outcome] = counts.get(outcome, 0) + 1
                        if outcome not in ("OLD", "NONE", "NEW"):
                            print(f"FAIL: cut at {cut}/{ops} tear {tear}: {out!r}")
                            failures += 1
                name = f"segment {seg}, mpremote {'1.29.0' if new_mpremote else '1.26.1'} sequence"
                total = sum(counts.values())
                print(f"{name}: {ops} operations, {total} cuts: old {counts['OLD']}, none {counts['NONE']}, "
                      f"new {counts['NEW']}, violations {counts['OTHER']}")
                if not (counts["OLD"] and counts["NONE"] and counts["NEW"]):
                    print(f"FAIL: {name}: not every outcome was reached")
                    failures += 1
    print("all passed" if not failures else f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
