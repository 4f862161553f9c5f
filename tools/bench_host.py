"""mp-romfs deploy against mpremote 1.29.0's romfs deploy on the qemu test
board (segment 1, the W25Q128 NOR, op 6 = 4 KiB), wall time and bytes the
host writes to the link, medians of `runs` runs, four cases:

  1. a 1 MiB incompressible image over a different image;
  2. the same image again;
  3. one small .py edited in a 1 MiB tree (code and data);
  4. a 1 MiB compressible tree (text and .py) over a different one;

each on the board's pty as it is and through tools/link_relay.py at
11520 bytes/s each way (a 115200-baud UART REPL).  In the same run, the
raw link rate (random bytes into a device loop doing sys.stdin.readinto
with Ctrl-C off), measured before each case, gives each row's link limit: the bytes that must change
(the 4 KiB units of the new image that differ from the old one) at that
rate.  Each run alternates the tools and the two versions of its case,
so that every deploy of cases 1, 3 and 4 replaces the other version.
Machine-dependent; figures, not a test.

    python tools/bench_host.py <firmware.elf> [runs]
"""

import io
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from link_relay import LinkRelay  # noqa: E402
from qemu_board import LinkCounter, QemuBoard  # noqa: E402

counter = LinkCounter()

import mpremote.main  # noqa: E402
from mp_romfs import cli  # noqa: E402
from mp_romfs.device import Link  # noqa: E402
from mp_romfs.image import MpyCross, build_image, load_source  # noqa: E402

UNIT = 4096
MPY = 6918  # MicroPython 1.26.1: .mpy v6.3


def quiet(fn, *args):
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        try:
            rc = fn(*args)
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue()


def mpremote_deploy(pty, src):
    argv, sys.argv = sys.argv, ["mpremote", "connect", pty, "romfs", "-p", "1", "deploy", str(src)]
    try:
        rc, out = quiet(mpremote.main.main)
    finally:
        sys.argv = argv
    assert "ROMFS image deployed" in out, out
    return out


def mp_romfs_deploy(pty, src):
    rc, out = quiet(cli.main, ["deploy", str(src), "-p", "1", "-d", pty, "--no-progress"])
    assert rc == 0, out
    return out


TOOLS = {"mp-romfs": mp_romfs_deploy, "mpremote": mpremote_deploy}


def timed(fn, pty, src):
    counter.sent = 0
    t = time.monotonic()
    fn(pty, src)
    return time.monotonic() - t, counter.sent


def raw_rate(pty, n=256 * 1024):
    """Bytes/s of random bytes into sys.stdin.readinto on the device."""
    link = Link(pty)
    try:
        link.transport.exec_raw_no_follow(
            "import sys, micropython\nmicropython.kbd_intr(-1)\nb = bytearray(1024)\n"
            "for _ in range(%d):\n    sys.stdin.readinto(b)\nmicropython.kbd_intr(3)\nprint('done')\n" % (n // 1024))
        data = random.Random(0).randbytes(n)
        t = time.monotonic()
        link.serial.write(data)
        assert link.read_until(b"done", 600)
        rate = n / (time.monotonic() - t)
        link.transport.follow(10)
    finally:
        link.close()
    return rate


def python_module(rng, i, lines):
    words = ["flash", "sector", "erase", "image", "deploy", "header", "verify", "unit", "link", "frame"]
    out = [f"VERSION = {i}\n", f"class Part{i}:\n"]
    for j in range(lines):
        a, b = rng.choice(words), rng.choice(words)
        out.append(f"    def {a}_{b}_{j}(self, x):\n        return x * {rng.randint(1, 999)} + len('{a} {b}')\n")
    return "".join(out)


def text(rng, n):
    words = [bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    out = bytearray()
    while len(out) < n:
        out += b" ".join(rng.choice(words) for _ in range(12)) + b"\n"
    return bytes(out[:n])


def make_cases(tmp):
    """Each case's two versions, as (path, path)."""
    tmp = Path(tmp)
    cases = {}
    imgs = []
    for seed in (1, 2):
        folder = tmp / f"random{seed}"
        folder.mkdir()
        (folder / "blob.bin").write_bytes(random.Random(seed).randbytes(1024 * 1024 - 64))
        img = tmp / f"random{seed}.img"
        img.write_bytes(build_image(str(folder)))
        imgs.append(img)
    cases["1 incompressible"] = tuple(imgs)
    cases["2 same again"] = (imgs[0], imgs[0])
    tree = tmp / "tree"
    rng = random.Random(3)
    (tree / "lib").mkdir(parents=True)
    (tree / "assets").mkdir()
    for i in range(30):
        (tree / "lib" / f"mod_{i:02}.py").write_text(python_module(rng, i, 40))
    for i in range(4):
        (tree / "assets" / f"blob{i}.bin").write_bytes(rng.randbytes(225 * 1024))
    (tree / "assets" / "notes.txt").write_bytes(text(rng, 60 * 1024))
    edited = tmp / "tree_edited"
    os.system(f"cp -r {tree} {edited}")
    mod = edited / "lib" / "mod_07.py"
    mod.write_text(mod.read_text().replace("VERSION = 7\n", "VERSION = 7\nNOTE = 'edited'\n"))
    cases["3 one .py edited"] = (tree, edited)
    pair = []
    for seed in (4, 5):
        folder = tmp / f"text{seed}"
        rng = random.Random(seed)
        (folder / "lib").mkdir(parents=True)
        for i in range(40):
            (folder / "lib" / f"m{i:02}.py").write_text(python_module(rng, i, 60))
        for i in range(5):
            (folder / f"doc{i}.txt").write_bytes(text(rng, 175 * 1024))
        pair.append(folder)
    cases["4 compressible"] = tuple(pair)
    return cases


def must_change(old, new):
    """Bytes of the 4 KiB units of `new` that differ from `old`."""
    n = 0
    for a in range(0, len(new), UNIT):
        if new[a : a + UNIT] != old[a : a + UNIT]:
            n += min(UNIT, len(new) - a)
    return n


def main():
    kernel = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    cross = MpyCross(MPY)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, QemuBoard(kernel) as board:
        cases = make_cases(tmp)
        images = {c: [load_source(str(v), cross) for v in pair] for c, pair in cases.items()}
        a, b = images["3 one .py edited"]
        changed = must_change(a, b)
        print(f"image layout: editing one small .py of the 1 MiB tree changes {changed // UNIT} of "
              f"{-(-len(b) // UNIT)} units of 4 KiB (mpremote's order: every later byte shifts)", flush=True)
        for link_name, rate in (("pty", None), ("115200", 11520)):
            def on_link(fn):
                if rate is None:
                    return fn(board.pty)
                with LinkRelay(board.pty, rate) as relay:
                    return fn(relay.pty)

            for case, pair in cases.items():
                # Measured for each case: the machine's load may change.
                limit_rate = on_link(raw_rate)
                imgs = images[case]
                # Each deploy replaces the other version (case 2: the same).
                # mp-romfs's runs first, over its own builds: mpremote's
                # .mpy files hold other source names.
                on_link(lambda p: mp_romfs_deploy(p, pair[1]))
                results = {t: [] for t in TOOLS}
                v = 1
                for tool in ("mp-romfs", "mpremote"):
                    for i in range(runs):
                        v = 1 - v
                        results[tool].append(on_link(lambda p: timed(TOOLS[tool], p, pair[v])))
                need = must_change(imgs[1], imgs[0])
                row = {"link": link_name, "case": case, "image": len(imgs[0]), "must_change": need,
                       "rate": limit_rate, "limit": need / limit_rate}
                for tool, res in results.items():
                    row[tool] = (statistics.median(r[0] for r in res), statistics.median(r[1] for r in res))
                rows.append(row)
                if not rows[:-1] or rows[-2]["link"] != link_name:
                    print(HEAD)
                print_row(row, flush=True)
    print()
    print_table(rows)


HEAD = (f"{'link':7} {'case':18} {'image':>8} {'to change':>9} {'raw KiB/s':>9} {'limit s':>8} | {'mpremote s':>10} {'bytes':>9} | "
        f"{'mp-romfs s':>10} {'bytes':>9} | {'ours/limit':>10} {'mpremote/ours':>13} {'bytes ours/image':>16} {'bytes ours/mpremote':>19}")


def print_row(r, **kw):
    (mt, mb), (ot, ob) = r["mpremote"], r["mp-romfs"]
    lim = f"{ot / r['limit']:10.2f}" if r["limit"] else f"{'-':>10}"
    print(f"{r['link']:7} {r['case']:18} {r['image']:8} {r['must_change']:9} {r['rate'] / 1024:9.1f} {r['limit']:8.1f} | {mt:10.1f} {mb:9} | "
          f"{ot:10.1f} {ob:9} | {lim} {mt / ot:13.1f} {ob / r['image']:16.3f} {ob / mb:19.3f}", **kw)


def print_table(rows):
    print(HEAD)
    for r in rows:
        print_row(r)


if __name__ == "__main__":
    main()
