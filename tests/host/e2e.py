"""mp-romfs on a qemu board, over its pty, on every segment:

- a first deploy of a folder (its .py compiled by mpy-cross), the mounted
  files compared with the folder's and a module imported;
- the same folder again: nothing written (the simulated flash's erase
  and program counters do not move);
- one small .py edited: fewer units written where the segment has units;
- a deploy killed mid-stream, then the same command again: it resumes
  (skips the units already written, where the segment has units) and
  finishes;
- on segment 0, the new module imports without a reset (/rom remounted);
- with --refuse (stock models' test hook): a refused write stops the
  deploy with the op, the offset and the errno, and a deploy after it
  succeeds;
- with --gone: the emulator stopped mid-deploy gives an error that says
  what the partition holds and that a re-run resumes.

    python e2e.py --kernel firmware.elf [--refuse] [--gone]

Prints one line per check; exits 1 if any failed.
"""

import argparse
import binascii
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from qemu_board import LIST_FILES, Checks, QemuBoard  # noqa: E402

BIN = Path(sys.executable).parent
MP_ROMFS = str(BIN / "mp-romfs")
MPREMOTE = str(BIN / "mpremote")

# Lists the files of segment `seg` (mounted at /t) with lengths and CRCs.
LIST = LIST_FILES + """
vfs.umount('/t')
# Erases and programs so far on every simulated device of the board.
import romfs_test
n = []
for dev in range(4):
    try:
        n.append(romfs_test.stats(dev)[:2])
    except ValueError:
        pass
print('COUNTERS', n)
"""


def run(*args, timeout=300):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def mpremote(pty, *args):
    return run(MPREMOTE, "connect", pty, *args)[1]


def make_folder(root, tag, blob):
    """A package with a module, a text file and a binary file; the module
    and the text depend on `tag`, the binary (`blob` bytes) does not."""
    module = "app_" + tag
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "blob.bin").write_bytes(random.Random(1).randbytes(blob))
    (root / "notes.txt").write_text("deployed by mp-romfs\n" * 40)
    (root / f"{module}.py").write_text(f"MARK = {tag!r}\n")
    return module


def expected_files(root):
    """What the mounted segment must hold: the folder, .py as .mpy."""
    files = {}
    for p in root.rglob("*"):
        if p.is_file():
            rel = str(p.relative_to(root))
            if rel.endswith(".py"):
                files[rel[:-3] + ".mpy"] = None  # compiled: its import is checked
            else:
                data = p.read_bytes()
                files[rel] = (len(data), binascii.crc32(data))
    return files


def mounted_files(pty, seg):
    """The files on segment `seg`, and the flash counters' line."""
    out = mpremote(pty, "exec", LIST.format(seg=seg))
    files = {f: (int(n), int(c)) for line in out.splitlines() if line.startswith("FILE ")
             for _, f, n, c in [line.split()]}
    return files, [line for line in out.splitlines() if line.startswith("COUNTERS")]


def same_files(got, want):
    return got.keys() == want.keys() and all(v is None or got[k] == v for k, v in want.items())


def summary(out):
    """(sent, skipped, units) from mp-romfs's last line."""
    m = re.search(r"^deployed \d+ bytes to partition \d+: (\d+) bytes sent, (\d+) of (\d+) units skipped", out, re.M)
    return m and tuple(int(g) for g in m.groups())


def deploy(pty, folder, seg, *extra):
    return run(MP_ROMFS, "deploy", str(folder), "-p", str(seg), "-d", pty, "--no-progress", *extra)


def writing_deploy(pty, folder, seg):
    """A deploy, started, once it has written 30 % (or has ended)."""
    p = subprocess.Popen([MP_ROMFS, "deploy", str(folder), "-p", str(seg), "-d", pty],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(p.stdout.fileno(), False)
    seen = b""
    deadline = time.monotonic() + 60
    # tqdm's write bar at 30 % or more: the first units are on the device.
    while not re.search(rb"write: +([3-9]\d|100)%", seen) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        seen += p.stdout.read() or b""
    return p


def killed_deploy(pty, folder, seg):
    """A deploy killed (SIGKILL) while it is writing; False if it ended first."""
    p = writing_deploy(pty, folder, seg)
    finished = p.poll() is not None
    p.send_signal(signal.SIGKILL)
    p.wait()
    return not finished


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--blob", type=int, default=24_000, help="bytes of the binary file")
    ap.add_argument("--refuse", action="store_true", help="the board has the stock models' rom_ioctl(7) hook")
    ap.add_argument("--gone", action="store_true", help="end with the emulator stopped mid-deploy")
    args = ap.parse_args()
    check = Checks()

    with tempfile.TemporaryDirectory() as tmp, QemuBoard(args.kernel) as board:
        pty = board.pty
        rc, out = run(MP_ROMFS, "query", "-d", pty)
        segs = out.count("\nsegment ") + out.startswith("segment ")
        check(rc == 0 and segs > 0, f"mp-romfs query lists {segs} segments", out)
        size_of = {int(line.split()[1][:-1]): int(line.split()[2]) for line in out.splitlines() if line.startswith("segment ")}
        for seg in range(segs):
            blob = min(args.blob, size_of[seg] // 4)
            name = f"s{seg}"
            folder = Path(tmp) / name
            module = make_folder(folder, name, blob)
            rc, out = deploy(pty, folder, seg)
            check(rc == 0 and summary(out), f"segment {seg}: first deploy", out)
            files, before = mounted_files(pty, seg)
            check(same_files(files, expected_files(folder)), f"segment {seg}: mounted files equal the folder's")
            if seg == 0:
                imp = mpremote(pty, "resume", "exec", f"import sys; sys.path.insert(0, '/rom'); import {module}; print('MARK', {module}.MARK)")
                check(f"MARK {name}" in imp, "segment 0: the new module imports without a reset", imp)

            rc, out = deploy(pty, folder, seg)
            files, after = mounted_files(pty, seg)
            s = summary(out)
            check(rc == 0 and "nothing written" in out and s and s[1] == s[2], f"segment {seg}: the same folder again writes nothing", out)
            check(before and before == after, f"segment {seg}: no erase or program on the device", str(before + after))

            (folder / f"{module}.py").write_text(f"MARK = {name + 'e'!r}\n")
            rc, out = deploy(pty, folder, seg)
            check(rc == 0 and summary(out), f"segment {seg}: one .py edited", out)
            check(same_files(mounted_files(pty, seg)[0], expected_files(folder)), f"segment {seg}: mounted files after the edit")

            (folder / "lib" / "blob.bin").write_bytes(random.Random(2).randbytes(blob))
            check(killed_deploy(pty, folder, seg), f"segment {seg}: a deploy killed mid-stream")
            rc, out = deploy(pty, folder, seg)
            s = summary(out)
            # Where the image spans units, some were written before the kill.
            check(rc == 0 and s and (s[1] > 0 or s[2] == 1), f"segment {seg}: the same command again resumes and finishes"
                  + (f" ({s[1]} of {s[2]} units skipped)" if s else ""), out)
            check(same_files(mounted_files(pty, seg)[0], expected_files(folder)), f"segment {seg}: mounted files after the resumed deploy")

        if args.refuse:
            folder = Path(tmp) / "s0"
            (folder / "notes.txt").write_text("refused\n" * 3000)  # unit 0 (its header) is always written
            mpremote(pty, "exec", "import vfs; vfs.rom_ioctl(7, 1, 0)")
            rc, out = deploy(pty, folder, 1, "--transfer", "raw")
            check(rc == 1 and "write (op 4) at offset 0 failed: errno 5 (EIO)" in out, "a refused write stops the deploy with op, offset and errno", out)
            rc, out = deploy(pty, folder, 1)
            check(rc == 0 and same_files(mounted_files(pty, 1)[0], expected_files(folder)), "the deploy after the refusal succeeds", out)

        rc, out = deploy(pty, Path(tmp) / "s0", 0, "--transfer", "exec")
        check(rc == 0 and "raw-REPL commands" in out, "the mpremote-style fallback (--transfer exec) deploys", out)
        rc, out = deploy(pty, Path(tmp) / "nothing", 0)
        check(rc == 1 and "cannot read" in out, "a missing source is an error", out)
        rc, out = run(MP_ROMFS, "deploy", str(Path(tmp) / "s0"), "-p", "9", "-d", pty)
        check(rc == 1 and "no ROMFS partition 9" in out, "an unknown partition is an error", out)

        if args.gone:
            folder = Path(tmp) / "gone"
            make_folder(folder, "gone", 200_000)
            p = writing_deploy(pty, folder, 1)
            board.proc.kill()
            os.set_blocking(p.stdout.fileno(), True)
            out = p.communicate(timeout=120)[0].decode("utf-8", "replace")
            check(p.returncode == 1 and "run the same command again to resume" in out, "the device gone mid-deploy: the state and how to resume", out)
    return check.result()


if __name__ == "__main__":
    sys.exit(main())
