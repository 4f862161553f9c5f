"""The timeout, for real: the qemu test board whose simulated W25Q128 takes
each flash operation's maximum datasheet time in real time (4 KiB erase
0.4 s, 64 KiB erase 2 s, page 3 ms), once with this module and once with a
model of upstream's C algorithm (tests/bench/upstream_shim.c).  mpremote
1.26.1 and 1.29.0 deploy a folder of about 184 KiB to segment 1 of each.

Upstream's algorithm erases everything mpremote 1.26.1 prepares in that one
call: about 46 sectors, 18 s, past mpremote's 10 s timeout.  This module's
prepare returns at once and each write does at most one erase.

    python tools/bench_realtime.py <ours.elf> <upstream.elf> <mpremote 1.26.1> <mpremote 1.29.0>
"""

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from qemu_board import QemuBoard  # noqa: E402


def main():
    ours, upstream, mp126, mp129 = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "app"
        folder.mkdir()
        rng = random.Random(1)
        words = ["flash", "sector", "erase", "program", "image", "deploy", "header", "verify"]
        (folder / "words.txt").write_text("\n".join(" ".join(rng.choice(words) for _ in range(10)) for _ in range(2800)))
        (folder / "main.py").write_text("print('deployed')\n")
        print(f"folder of {sum(p.stat().st_size for p in folder.iterdir()) // 1024} KiB, real flash waits at maximum datasheet figures")
        print(f"{'implementation':34} {'mpremote':9} {'result':28} {'wall':>6}")
        failures = 0
        for name, kernel in [("this module", ours), ("model of upstream's algorithm", upstream)]:
            for version, exe in [("1.26.1", mp126), ("1.29.0", mp129)]:
                with QemuBoard(kernel) as board:
                    t = time.monotonic()
                    out = subprocess.run([exe, "connect", board.pty, "romfs", "-p", "1", "deploy", str(folder)],
                                         capture_output=True, text=True, timeout=900)
                    wall = time.monotonic() - t
                    text = out.stdout + out.stderr
                    if "ROMFS image deployed" in text and out.returncode == 0:
                        result = "deployed"
                    elif "timeout" in text.lower():
                        result = "mpremote timed out"
                    else:
                        result = f"failed ({text.strip().splitlines()[-1][:40] if text.strip() else out.returncode})"
                    print(f"{name:34} {version:9} {result:28} {wall:5.0f}s", flush=True)
                    if name == "this module" and result != "deployed":
                        failures += 1
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
