"""Deploys that the real client abandons, on the qemu board whose simulated
W25Q128 takes every flash operation's maximum datasheet time in real time
(ports/qemu/ROMFS_REALTIME), segment 1:

    python abort_test.py --kernel ROMFS_REALTIME.elf --mpremote 1.26.1=EXE --mpremote 1.29.0=EXE

1. mpremote 1.26.1 deploys a folder holding a 1 MB file; a deploy of a
   different 1 MB folder is killed (SIGKILL) after 8 s; then a small folder
   deploys, within mpremote's timeouts: the new deploy's first prepare does
   not pay for the killed one's leftovers (upstream's C spends about 30 s
   there at maximum timings, past mpremote's 10 s timeout).
2. For each version: a deploy of a 1 MB folder is killed after 8 s; the
   next mpremote (`resume`: no soft reset; its Ctrl-C interrupts the flash
   operation under way) calls a lone rom_ioctl(5, 1); the segment then
   mounts as the previous folder or as nothing, never as a part of the new
   one; then a small folder deploys at once.
3. The same with `soft-reset` between the kill and the lone op 5 (the
   per-segment state that a soft reset keeps in .bss must not commit).

Prints one line per check, with wall times, and exits 1 if any failed.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from deploy_test import VERIFY, VIOLATIONS, make_folder, same_files  # noqa: E402
from qemu_board import Checks, QemuBoard  # noqa: E402

SEG = 1
BIG = 1_000_000
SMALL = 20_000
KILL_AFTER = 8

# The files on segment 1 (as VERIFY prints them), or "none" if it does not
# mount as a ROMFS image.
OUTCOME = """
import vfs
try:
    vfs.VfsRom(vfs.rom_ioctl(2, {seg}))
except OSError as e:
    print('NO IMAGE', e)
"""


def run(exe, pty, *args, timeout=300):
    t = time.monotonic()
    out = subprocess.run([exe, "connect", pty, *args], capture_output=True, text=True, timeout=timeout)
    return out.returncode, out.stdout + out.stderr, time.monotonic() - t


def killed_deploy(exe, pty, folder):
    """Starts a deploy of `folder` and kills mpremote after KILL_AFTER s."""
    proc = subprocess.Popen([exe, "connect", pty, "romfs", "--partition", str(SEG), "deploy", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(KILL_AFTER)
    finished = proc.poll() is not None
    proc.kill()
    proc.wait()
    return not finished


def files_on_segment(exe, pty, module, *resume):
    """(files, text): the files segment 1 mounts with (None if no image)."""
    _, out, _ = run(exe, pty, *resume, "exec", OUTCOME.format(seg=SEG))
    if "NO IMAGE" in out:
        return None, out
    _, out, _ = run(exe, pty, *resume, "exec", VERIFY.format(seg=SEG, module=module))
    files = {f: (int(n), int(crc)) for line in out.splitlines() if line.startswith("FILE ") for _, f, n, crc in [line.split()]}
    return files, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mpremote", action="append", required=True, help="VERSION=EXECUTABLE")
    args = ap.parse_args()
    clients = dict(spec.split("=", 1) for spec in args.mpremote)
    check = Checks()

    with tempfile.TemporaryDirectory() as tmp, QemuBoard(args.kernel) as board:
        count = 0

        def folder(size):
            nonlocal count
            count += 1
            tag = f"f{count}"
            return (Path(tmp) / tag, *make_folder(Path(tmp) / tag, tag, size))

        def deploy(exe, version, path, module, files, what, *resume):
            rc, out, secs = run(exe, board.pty, *resume, "romfs", "--partition", str(SEG), "deploy", str(path))
            check(rc == 0 and "ROMFS image deployed" in out, f"mpremote {version} deploys {what} ({secs:.1f} s)", out)
            got, text = files_on_segment(exe, board.pty, module, *resume)
            check(got is not None and same_files(got, files), f"segment {SEG} holds the {len(files)} files of {what}", text)
            return module, files

        # 1. The leftovers of a killed 1.26.1 deploy.
        exe = clients["1.26.1"]
        previous = deploy(exe, "1.26.1", *folder(BIG), "a 1 MB folder")
        path, *_ = folder(BIG)
        check(killed_deploy(exe, board.pty, path), f"mpremote 1.26.1 killed {KILL_AFTER} s into a second 1 MB deploy")
        previous = deploy(exe, "1.26.1", *folder(SMALL), "a small folder right after")

        # 2, 3. A lone op 5 after a killed deploy, without and with a soft reset.
        for version, exe in clients.items():
            for reset in (False, True):
                how = "a soft reset" if reset else "no reset"
                path, *_ = folder(BIG)
                check(killed_deploy(exe, board.pty, path), f"mpremote {version} killed {KILL_AFTER} s into a 1 MB deploy")
                steps = ["soft-reset"] if reset else []
                rc, out, _ = run(exe, board.pty, "resume", *steps, "exec", f"import vfs; print('OP5', vfs.rom_ioctl(5, {SEG}))")
                check(rc == 0 and "OP5" in out, f"then, after {how}, a lone rom_ioctl(5, {SEG}) answers ({out.split('OP5')[-1].strip()})", out)
                got, text = files_on_segment(exe, board.pty, previous[0], "resume")
                check(got is None or same_files(got, previous[1]),
                      f"segment {SEG} mounts as the previous folder or as nothing ({'nothing' if got is None else 'previous'})", text)
                previous = deploy(exe, version, *folder(SMALL), f"a small folder after {how}", "resume")

        _, out, _ = run(exe, board.pty, "exec", VIOLATIONS)
        check(out.split() == ["0"], "no illegal flash operation on any simulated device", out)
    return check.result()


if __name__ == "__main__":
    sys.exit(main())
