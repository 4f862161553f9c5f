"""Wall time of a real deploy on the emulated device (machine-dependent):
mpremote (the version of this venv) deploys a folder holding a 1 MiB text
file (which mpremote's transfer compression shrinks, as it does real .mpy
and .py files) to segment 1 (the W25Q128 NOR) of the qemu test firmware,
several times over a different image each time.  Prints the median wall time, the bytes
mpremote wrote to the serial port, and the simulator's modelled device time
(typical figures) of the same deploy.

    python tools/bench_wall.py <firmware.elf> [runs]
"""

import io
import random
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from qemu_board import LinkCounter, QemuBoard  # noqa: E402

counter = LinkCounter()
import mpremote.main  # noqa: E402


def mpremote_run(*args):
    """Runs mpremote in this process; returns its output."""
    argv, sys.argv = sys.argv, ["mpremote", *args]
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    try:
        with redirect_stdout(out):
            try:
                mpremote.main.main()
            except SystemExit:
                pass
    finally:
        sys.argv = argv
    return raw.getvalue().decode("utf-8", "replace")


def main():
    kernel = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    walls, bytes_sent, device = [], [], []
    with tempfile.TemporaryDirectory() as tmp, QemuBoard(kernel) as board:
        for i in range(runs):
            folder = Path(tmp) / f"app{i}"
            folder.mkdir()
            rng = random.Random(i)
            words = [bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(3, 9))) for _ in range(4000)]
            text = b"\n".join(b" ".join(rng.choice(words) for _ in range(12)) for _ in range(20000))
            (folder / "data.txt").write_bytes(text[: 1024 * 1024])
            stats = "import romfs_test; print(romfs_test.stats(1)[3])"
            before = int(mpremote_run("connect", board.pty, "exec", stats).split()[-1])
            counter.sent = 0
            t = time.monotonic()
            out = mpremote_run("connect", board.pty, "romfs", "-p", "1", "deploy", str(folder))
            walls.append(time.monotonic() - t)
            bytes_sent.append(counter.sent)
            assert "ROMFS image deployed" in out, out
            after = int(mpremote_run("connect", board.pty, "exec", stats).split()[-1])
            device.append((after - before) / 1e9)
    print(f"1 MiB deploy with mpremote {mpremote.__version__ if hasattr(mpremote, '__version__') else ''} over a different image, {runs} runs:")
    print(f"  wall time (machine-dependent): median {statistics.median(walls):.1f} s  (runs: {', '.join(f'{w:.1f}' for w in walls)})")
    print(f"  bytes sent to the device: median {statistics.median(bytes_sent):,}")
    print(f"  modelled device time of the flash operations (W25Q128, typical): median {statistics.median(device):.2f} s")


if __name__ == "__main__":
    main()
