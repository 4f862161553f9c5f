"""A device in Python for mp-romfs's tests: device_side.py itself runs
(in CPython, in a thread) against a model of vfs.rom_ioctl, behind a
Link whose serial and raw REPL are pipes.

The flash model: NOR semantics (a write can only clear bits, else -EIO
and nothing changes), erase to 0xff at prepare (block: ioctl(6)).
Profiles: "ours" (op 1 refuses extra arguments, op 5 returns 0, the first
bytes of an image written at offset 0 are held until op 5), "stock"
(op 1 ignores them, no op 5), each with or without op 6; "block" (a block
device from op 2).  Every call is logged."""

import builtins
import io
import queue
import sys
import threading
import types
import zlib

from mp_romfs.device import Link, LinkSerial

EIO, EINVAL = 5, 22


class Flash:
    def __init__(self, profile, size, unit, held=8):
        self.profile, self.size, self.unit, self.held_len = profile, size, unit, held
        self.mem = bytearray(b"\xff" * size)
        self.log = []
        self.held = None
        self.refuse_at = None  # an offset whose next write fails with -EIO
        self.refuse_prepare_at = None  # an offset whose prepares fail with -EIO

    def erase(self, off, n):
        self.mem[off : off + n] = b"\xff" * n

    def program(self, off, data):
        data = bytes(data)
        if off < 0 or off + len(data) > self.size:
            return -EINVAL
        if off == self.refuse_at:
            self.refuse_at = None
            return -EIO
        old = self.mem[off : off + len(data)]
        if any(o & d != d for o, d in zip(old, data)):
            return -EIO
        if self.profile == "ours" and off == 0 and data[:3] == b"\xd2\xcd\x31":
            self.held, data = data[: self.held_len], b"\xff" * self.held_len + data[self.held_len :]
        self.mem[off : off + len(data)] = data
        return 0


class BlockDev:
    def __init__(self, flash):
        self.flash = flash

    def ioctl(self, op, arg):
        f = self.flash
        f.log.append(("ioctl", op, arg))
        if op == 4:
            return f.size // f.unit
        if op == 5:
            return f.unit
        if op == 6:
            f.erase(arg * f.unit, f.unit)
            return 0
        return 0

    def readblocks(self, n, buf, off=0):
        a = n * self.flash.unit + off
        buf[:] = self.flash.mem[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        self.flash.log.append(("writeblocks", n, off, len(buf)))
        if self.flash.program(n * self.flash.unit + off, buf):
            raise OSError(EIO, "EIO")


class FakeVfs:
    def __init__(self, flashes):
        self.flashes = flashes

    def rom_ioctl(self, op, *args):
        if op == 1:
            if args and self.flashes[0].profile == "ours":
                return -EINVAL
            return len(self.flashes)
        f = self.flashes[args[0]]
        f.log.append((op,) + tuple(a if isinstance(a, int) else len(a) for a in args[1:]))
        if op == 2:
            return BlockDev(f) if f.profile == "block" else memoryview(f.mem)
        if op == 6:
            if f.unit and f.profile != "block":
                return f.unit
            return -EINVAL
        if op == 3:
            off, n = (0, args[1]) if len(args) == 2 else args[1:]
            if len(args) == 3 and not f.unit:
                return -EINVAL
            if off == f.refuse_prepare_at:
                return -EIO
            if f.profile != "ours" or off != 0:
                f.erase(off, n)
            else:
                f.erase(0, n)
            return 4
        if op == 4:
            return f.program(args[1], args[2])
        if op == 5:
            if f.profile != "ours":
                return -EINVAL
            if f.held:
                f.mem[: len(f.held)] = f.held
                f.held = None
            return 0
        return -EINVAL


class FakeDeflateIO:
    def __init__(self, stream, fmt, wbits):
        self.data = zlib.decompress(stream.read(), -wbits)

    def read(self, n):
        return self.data[:n]


class Pipe:
    """Bytes from one side to the other."""

    def __init__(self):
        self.q = queue.Queue()
        self.buf = b""

    def write(self, data):
        self.q.put(bytes(data))

    def _fill(self, block):
        try:
            while True:
                self.buf += self.q.get(block=block and not self.buf, timeout=5)
                block = False
        except queue.Empty:
            pass

    def readinto(self, b):
        n = len(b)
        while len(self.buf) < n:
            before = len(self.buf)
            self._fill(True)
            if len(self.buf) == before:
                raise OSError(EIO, "host silent")
        b[:] = self.buf[:n]
        self.buf = self.buf[n:]
        return n

    def available(self):
        self._fill(False)
        return len(self.buf)

    def read(self, n):
        self._fill(False)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


class FakeDevice:
    """The device: its modules, its stdin and stdout, its globals."""

    def __init__(self, flashes, features=("crc32", "kbd_intr", "a2b_base64", "DeflateIO"), mpy=6918):
        self.flashes = flashes
        self.stdin, self.stdout = Pipe(), Pipe()
        self.kbd = []
        binascii = types.ModuleType("binascii")
        if "crc32" in features:
            binascii.crc32 = zlib.crc32
        import base64

        binascii.a2b_base64 = base64.b64decode
        micropython = types.ModuleType("micropython")
        if "kbd_intr" in features:
            micropython.kbd_intr = self.kbd.append
        deflate = types.ModuleType("deflate")
        deflate.RAW = -1
        if "DeflateIO" in features:
            deflate.DeflateIO = FakeDeflateIO
        fsys = types.ModuleType("sys")
        fsys.stdin = self.stdin
        fsys.stdout = types.SimpleNamespace(write=lambda s: self.stdout.write(s.encode()))
        fsys.implementation = types.SimpleNamespace(_mpy=mpy)
        vfs = FakeVfs(flashes)
        vfs.VfsRom = self.vfs_rom
        vfs.mount = vfs.umount = lambda *a: None
        gc = types.ModuleType("gc")
        gc.collect = lambda: None
        gc.mem_free = lambda: 1 << 20
        self.modules = {"sys": fsys, "vfs": vfs, "micropython": micropython, "binascii": binascii,
                        "deflate": deflate, "gc": gc, "io": io, "hashlib": __import__("hashlib"),
                        "struct": __import__("struct")}
        fake = dict(vars(builtins))
        fake["__import__"] = self._import
        self.globals = {"__builtins__": fake}

    def vfs_rom(self, seg):
        data = bytes(seg) if isinstance(seg, memoryview) else bytes(seg.flash.mem)
        if not data.startswith(b"\xd2\xcd\x31"):
            raise OSError(19, "ENODEV")

    def _import(self, name, globals=None, locals=None, fromlist=(), level=0):
        if name in self.modules:
            m = self.modules[name]
            if fromlist:
                for a in fromlist:
                    if not hasattr(m, a):
                        raise ImportError(a)
            return m
        raise ImportError(name)

    def run(self, code):
        """Runs `code` as the raw REPL does: (output, error output)."""
        out = io.StringIO()
        try:
            exec(code, self.globals)
            return b"", b""
        except Exception as e:
            return b"", ("Traceback\n%s: %s\n" % (type(e).__name__, e)).encode()


class FakeSerial:
    def __init__(self, device):
        self.device = device
        self.write = device.stdin.write

    @property
    def in_waiting(self):
        return self.device.stdout.available()

    def read(self, n):
        return self.device.stdout.read(n)


class FakeTransport:
    def __init__(self, device):
        self.device = device
        self.in_raw_repl = True

    def exec_raw_no_follow(self, code):
        def run():
            out, err = self.device.run(code)
            self.device.stdout.write(b"\x04" + err + b"\x04")

        threading.Thread(target=run, daemon=True).start()

    def exec(self, code):
        out, err = self.device.run(code)
        if err:
            from mpremote.transport import TransportExecError

            raise TransportExecError(out, err.decode())
        return out

    def eval(self, expr):
        self.device.globals["_rf_result"] = None
        self.exec("_rf_result = " + expr)
        return self.device.globals["_rf_result"]

    def exit_raw_repl(self):
        pass

    def close(self):
        pass


class FakeLink(Link):
    def __init__(self, device):
        self.device = device
        self.transport = FakeTransport(device)
        self.serial = LinkSerial(FakeSerial(device))
