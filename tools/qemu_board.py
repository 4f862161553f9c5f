"""Boot the qemu test firmware with its serial port on a pty, as mpremote
and run-tests.py expect a board."""

import re
import subprocess
import time


def qemu_command(kernel, serial="pty"):
    return [
        "qemu-system-arm", "-machine", "mps2-an385", "-nographic", "-monitor", "none",
        "-semihosting", "-serial", serial, "-kernel", str(kernel),
    ]


class QemuBoard:
    """Context manager: `with QemuBoard(elf) as board: board.pty`."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.proc = None
        self.pty = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            qemu_command(self.kernel), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.monotonic() + 20
        for line in self.proc.stdout:
            m = re.search(r"(/dev/pts/\d+)", line)
            if m:
                self.pty = m.group(1)
                break
            if time.monotonic() > deadline:
                break
        if self.pty is None:
            self.proc.kill()
            raise RuntimeError("qemu did not report its serial pty")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
