"""The demo: boot the qemu firmware built with this module, deploy
examples/ with the real mpremote, run a program from /rom, deploy again.

    python tools/demo.py <firmware.elf> <mpremote>
"""

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from qemu_board import QemuBoard  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STATS = "import romfs_test; print(*romfs_test.stats(0)[:6])"


def counters(exe, pty, before=None):
    """The flash simulator's counters for segment 0, minus `before`."""
    _, out, _ = mpremote(exe, pty, "exec", STATS)
    now = [int(x) for x in out.split()]
    return now if before is None else [a - b for a, b in zip(now, before)]


def describe(c):
    return (f"erases {c[0]}, program operations {c[1]} ({c[2]} bytes), modelled flash time "
            f"{c[3] / 1e6:.0f} ms typical / {c[4] / 1e6:.0f} ms maximum, illegal operations {c[5]}")


def mpremote(exe, pty, *args):
    t = time.monotonic()
    out = subprocess.run([exe, "connect", pty, *args], capture_output=True, text=True, timeout=300)
    text = "\n".join(line for line in (out.stdout + out.stderr).splitlines() if "Writing at offset" not in line)
    return out.returncode, text, time.monotonic() - t


def show(title, text):
    print(f"\n--- {title}")
    print("\n".join("    " + line for line in text.strip().splitlines()))


def main():
    kernel, exe = sys.argv[1], sys.argv[2]
    with QemuBoard(kernel) as board:
        print(f"QEMU mps2-an385 (Cortex-M3) running the firmware; its serial port is {board.pty}")
        rc, out, _ = mpremote(exe, board.pty, "romfs", "query")
        show("mpremote romfs query (fresh flash)", out)
        rc, out, secs = mpremote(exe, board.pty, "romfs", "deploy", str(ROOT / "examples"))
        show(f"mpremote romfs deploy examples/ to segment 0 (STM32F767 sectors): {secs:.1f} s", out)
        first = counters(exe, board.pty)
        show("flash work of that deploy (blank flash)", describe(first))
        if rc != 0:
            return 1
        rc, out, _ = mpremote(exe, board.pty, "soft-reset", "exec", "import main_demo")
        show("after a soft reset /rom is mounted: import main_demo", out)
        rc2, out, secs = mpremote(exe, board.pty, "romfs", "deploy", str(ROOT / "examples"))
        show(f"the same folder again: {secs:.1f} s; flash work", describe(counters(exe, board.pty, first)))
        print("\nThe image spans sectors 0 and 1 (32 KiB each).  On the re-deploy both are erased:")
        print("sector 0 because the old header must stop mounting before anything changes, sector 1")
        print("because a 4 KiB write shows only part of it and the core keeps no copy of the rest.")
        print("Every write's bytes are checked against the flash before anything is programmed.")
        return rc or rc2


if __name__ == "__main__":
    sys.exit(main())
