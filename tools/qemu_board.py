"""Boot the qemu test firmware with its serial port on a pty, as mpremote
and run-tests.py expect a board; and what the scripts that drive such a
board share: the device code that lists a segment's files, and the PASS /
FAIL lines."""

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


# Device code (str.format: {seg}): mounts segment `seg` at /t and prints
# each file as `FILE <path> <length> <crc32>`, reading 4 KiB at a time
# (files may be larger than the heap); leaves /t mounted.
LIST_FILES = """
import vfs, os, binascii
try:
    vfs.umount('/t')
except OSError:
    pass
vfs.mount(vfs.VfsRom(vfs.rom_ioctl(2, {seg})), '/t')
def walk(d):
    for e in os.ilistdir(d):
        p = d + '/' + e[0]
        if e[1] == 0x4000:
            yield from walk(p)
        else:
            yield p
for p in sorted(walk('/t')):
    n = crc = 0
    with open(p, 'rb') as f:
        while chunk := f.read(4096):
            n += len(chunk)
            crc = binascii.crc32(chunk, crc)
    print('FILE', p[3:], n, crc)
"""


class Checks:
    """`check(ok, what, detail)` prints a PASS or FAIL line (and, on a
    failure, the detail indented) and counts the failures."""

    def __init__(self):
        self.failures = 0

    def __call__(self, ok, what, detail=""):
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        if not ok and detail:
            print("  " + detail.strip().replace("\n", "\n  "))
        self.failures += not ok

    def result(self):
        """Prints the count of failures and returns the exit status."""
        print(f"{self.failures} failed" if self.failures else "all passed")
        return 1 if self.failures else 0


class LinkCounter:
    """Counts the bytes the host writes to any serial port (pyserial's
    Serial.write, patched when it is made): `counter.sent`, set to 0 to
    start a count."""

    def __init__(self):
        import serial

        self.sent = 0
        write = serial.Serial.write

        def counting_write(port, data):
            self.sent += len(data)
            return write(port, data)

        serial.Serial.write = counting_write
