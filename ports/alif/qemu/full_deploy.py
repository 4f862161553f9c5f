"""Erase counts and modelled flash time of deploying the whole OSPI
partition (6 MiB) of an alif emulation board, as mpremote 1.29.0 writes it:
once onto blank flash, once more with every 4 KiB chunk changed.  Times are
the simulator's, from the IS25WX256 datasheet figures (typical and
maximum); "worst call" is the largest modelled time of one rom_ioctl call.

    python ports/alif/qemu/full_deploy.py MPREMOTE FIRMWARE.elf...

e.g. with the builds of tools/build-firmware.sh:
    .cache/venv-mpremote-1.29.0/bin/python ports/alif/qemu/full_deploy.py \\
        .cache/venv-mpremote-1.29.0/bin/mpremote \\
        .cache/build/qemu-ports-alif-qemu-ENSEMBLE_AN385/firmware.elf \\
        .cache/build/qemu-ports-alif-qemu-ENSEMBLE_AN385_4K/firmware.elf
"""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
from qemu_board import QemuBoard  # noqa: E402

DEVICE = """
import vfs, romfs_test, alif_emu
SEG, DEV = 0, 1
length = len(vfs.rom_ioctl(2, SEG))
try:
    vfs.umount('/rom')
except OSError:
    pass
def deploy(tag):
    s0, e0 = romfs_test.stats(DEV), alif_emu.state()
    step = vfs.rom_ioctl(6, SEG)
    for off in range(0, length, 32768):
        vfs.rom_ioctl(3, SEG, off, min(length - off, 32768))
    buf = bytearray(4096)
    worst = 0
    for off in range(0, length, 4096):
        for i in range(0, 4096, 512):
            buf[i] = ((off >> 12) + tag) & 0xFF
        t = romfs_test.stats(DEV)[4]
        assert vfs.rom_ioctl(4, SEG, off, buf) == 0
        worst = max(worst, romfs_test.stats(DEV)[4] - t)
    assert vfs.rom_ioctl(5, SEG) == 0
    s1, e1 = romfs_test.stats(DEV), alif_emu.state()
    print('  %-8s sector erases %4d  block erases %3d  page programs %5d  typ %6.1f s  max %6.1f s  worst call (max) %.2f s'
          % (('blank', 'changed')[tag - 1], e1[3] - e0[3], e1[4] - e0[4], e1[5] - e0[5],
             (s1[3] - s0[3]) / 1e9, (s1[4] - s0[4]) / 1e9, worst / 1e9))
deploy(1)
deploy(2)
print('  violations', romfs_test.stats(DEV)[5], 'faults', alif_emu.state()[6])
"""


def main():
    mpremote, elfs = sys.argv[1], sys.argv[2:]
    for elf in elfs:
        print(Path(elf).parent.name)
        with QemuBoard(elf) as board:
            out = subprocess.run([mpremote, "connect", board.pty, "exec", DEVICE], capture_output=True, text=True, timeout=600)
            print(out.stdout + out.stderr, end="")


if __name__ == "__main__":
    main()
