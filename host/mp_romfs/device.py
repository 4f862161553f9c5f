"""The device end: a serial link through mpremote's own transport, what
the device reports about its ROM segments, and the two channels that
carry operations to device_side.py: the framed stream, and one raw-REPL
command per operation where the stream cannot run."""

import argparse
import base64
import time
from collections import deque
from importlib import resources

import serial
from mpremote.commands import CommandError, do_connect
from mpremote.main import State
from mpremote.transport import TransportError, TransportExecError

from . import frames


# A gap between two polls of the link longer than this (s) is not counted
# in a timeout (Link.read_until).
STALL = 1.0


class DeviceGone(Exception):
    """The link broke (device reset, unplugged, emulator stopped)."""


class NoAnswer(DeviceGone):
    """The device said nothing for a whole timeout."""


class ProtocolError(Exception):
    """The device answered something other than the protocol's answer."""


def _link_errors(fn):
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (serial.SerialException, OSError, TransportError) as e:
            if isinstance(e, TransportExecError):
                raise
            raise DeviceGone("the link to the device broke (%s)" % (str(e) or type(e).__name__)) from None

    return wrapper


class LinkSerial:
    """The serial port with a read-ahead buffer in front of it (shared by
    mpremote's transport and the stream) and a count of bytes written."""

    def __init__(self, port):
        self.port, self.buf, self.sent = port, b"", 0

    def fill(self):
        """Reads what has arrived (waits 0.5 ms if nothing); True if any."""
        n = self.port.in_waiting
        if n:
            self.buf += self.port.read(n)
        else:
            time.sleep(0.0005)
        return bool(n)

    @property
    def in_waiting(self):
        return len(self.buf) + self.port.in_waiting

    def inWaiting(self):
        return self.in_waiting

    def read(self, n=1):
        if not self.buf:
            return self.port.read(n)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def write(self, data):
        self.sent += len(data)
        return self.port.write(data)

    def close(self):
        self.port.close()


class Link:
    """A device in the raw REPL, through mpremote's SerialTransport (so
    device names, raw REPL and raw-paste handling are mpremote's)."""

    @_link_errors
    def __init__(self, device):
        state = State()
        try:
            do_connect(state, argparse.Namespace(device=[device]))
        except CommandError as e:
            raise DeviceGone(str(e)) from None
        self.transport = state.transport
        self.serial = self.transport.serial = LinkSerial(self.transport.serial)
        self._end_stale_loop()
        self.transport.enter_raw_repl(soft_reset=True)

    def _end_stale_loop(self):
        # A deploy killed mid-stream leaves device_side's loop reading a
        # frame, with Ctrl-C off.  If Ctrl-C and Ctrl-A do not bring the
        # raw REPL, fill that frame and end the loop (frames.RESYNC).
        self.serial.write(b"\r\x03\r\x01")
        if not self.read_until(b"raw REPL; CTRL-B to exit\r\n>", 1.0):
            self.serial.write(frames.RESYNC)
            self.read_until(b"raw REPL; CTRL-B to exit\r\n>", 1.0)
        self.drop_input()

    @property
    def sent(self):
        """Bytes written to the link so far."""
        return self.serial.sent

    @_link_errors
    def read_until(self, ending, timeout):
        """Reads up to and including `ending`; returns those bytes, or None
        on timeout (what was read stays buffered).  The timeout counts the
        time this process was polling: a gap between two polls longer than
        STALL (this process, or the machine, was stopped or starved; an
        emulator on the same machine was most likely stopped with it) is
        added to the deadline, so that a device is never given up on at
        the first poll after such a gap, before it could answer."""
        now = time.monotonic()
        deadline = now + timeout
        s = self.serial
        while True:
            i = s.buf.find(ending)
            if i >= 0:
                i += len(ending)
                data, s.buf = s.buf[:i], s.buf[i:]
                return data
            last, got, now = now, s.fill(), time.monotonic()
            if now - last > STALL:
                deadline += now - last
            if not got and now > deadline:
                return None

    def drop_input(self):
        """Forgets what was read ahead."""
        self.serial.buf = b""

    @_link_errors
    def exec(self, code):
        return self.transport.exec(code)

    @_link_errors
    def eval(self, expr):
        return self.transport.eval(expr)

    @_link_errors
    def close(self):
        if self.transport.in_raw_repl:
            self.transport.exit_raw_repl()
        self.transport.close()


# What query and deploy need to know, in one command.
INFO = """
import vfs, sys, gc, micropython
def _rf_info():
    try:
        ours = vfs.rom_ioctl(1, 0) < 0
    except Exception:
        ours = False
    segs = []
    for i in range(vfs.rom_ioctl(1)):
        s = vfs.rom_ioctl(2, i)
        if isinstance(s, int):
            segs.append(None)
            continue
        if hasattr(s, 'ioctl'):
            bs = s.ioctl(5, 0)
            info = ['block', s.ioctl(4, 0) * bs, bs]
            head = bytearray(16)
            try:
                s.readblocks(0, head, 0)
            except Exception:
                head = b''
        else:
            try:
                g = vfs.rom_ioctl(6, i)
            except Exception:
                g = 0
            info = ['memoryview', len(s), g if isinstance(g, int) and g > 0 else 0]
            head = s[:16]
        try:
            vfs.VfsRom(s)
            mounts = True
        except Exception:
            mounts = False
        segs.append(info + [bytes(head), mounts])
    have = []
    for m, a in (('micropython', 'kbd_intr'), ('binascii', 'crc32'), ('binascii', 'a2b_base64'), ('deflate', 'DeflateIO')):
        try:
            if hasattr(__import__(m), a):
                have.append(a)
        except ImportError:
            pass
    gc.collect()
    return [ours, segs, getattr(sys.implementation, '_mpy', None), gc.mem_free(), have]
"""


def device_info(link):
    """(ours, segments, mpy, mem_free, features) as INFO reports them."""
    link.exec(INFO)
    return link.eval("_rf_info()")


def device_program(seg_id):
    """device_side.py's text, for segment `seg_id`."""
    text = resources.files(__package__).joinpath("device_side.py").read_text()
    return text.replace("_RF_ID", str(int(seg_id)))


class Call:
    """One operation sent to the device, and what to do with its answer."""

    def __init__(self, op, arg=0, data=b"", timeout=60.0, on_answer=None):
        self.op, self.arg, self.data, self.timeout, self.on_answer = op, arg, data, timeout, on_answer


class StreamChannel:
    """Operations as frames to device_side's loop, up to `window` frames
    in flight, each answered by one line."""

    name = "stream"

    @_link_errors
    def __init__(self, link, seg_id, kind, window=4, wbits=0):
        self.link, self.kind, self.window, self.wbits = link, kind, window, wbits
        self.dead = False
        link.transport.exec_raw_no_follow(device_program(seg_id) + "\n_rf_loop()\n")
        first = self.readline(30)  # it compiles the device program first
        if first != "R":
            link.drop_input()
            out, err = link.transport.follow(5)
            raise ProtocolError("the device loop did not start: " + (first + out.decode() + err.decode()).strip())

    @_link_errors
    def readline(self, timeout):
        line = self.link.read_until(b"\n", timeout)
        if line is None:
            raise NoAnswer("no answer from the device in %g s" % timeout)
        return line.decode("utf-8", "replace").strip()

    def run(self, calls):
        """Sends each call and hands its answer to call.on_answer, which
        may raise to stop: then the frames in flight are drained."""
        pending = deque()
        calls = iter(calls)
        more = True
        try:
            while True:
                while more and len(pending) < self.window:
                    call = next(calls, None)
                    if call is None:
                        more = False
                        break
                    self._send(call)
                    pending.append(call)
                if not pending:
                    return
                call = pending.popleft()
                answer = self.readline(call.timeout)
                if answer.startswith("X"):
                    self.dead = True
                    self.link.serial.write(frames.RESYNC)
                    self._follow()
                    raise ProtocolError("the device refused a frame (%s)" % answer[1:].strip())
                call.on_answer(call, answer)
        except NoAnswer as e:
            self.dead = True
            raise NoAnswer("%s (%s)" % (e, self._end_loop())) from None
        except DeviceGone:
            self.dead = True
            raise
        except BaseException:
            if not self.dead:
                for _ in pending:
                    self.readline(60)
            raise

    @_link_errors
    def _send(self, call):
        wbits = self.wbits if call.op == "W" or call.op == "B" else 0
        self.link.serial.write(frames.encode(call.op, call.arg, call.data, wbits, self.kind))

    def close(self):
        """Ends the loop (its answer to "Q" is "0") and the raw command."""
        if self.dead:
            return
        self.dead = True
        self._send(Call("Q"))
        try:
            while self.readline(30) != "0":
                pass
        except NoAnswer as e:
            raise NoAnswer("%s (%s)" % (e, self._end_loop())) from None
        self._follow()

    def _end_loop(self):
        # After a timeout, the loop may be reading a frame, or waiting for
        # one, with Ctrl-C off: as at the next start (Link._end_stale_loop),
        # frames.RESYNC fills any frame and ends the loop, once the device
        # has answered what it still had, so that the device is left in the
        # raw REPL for mpremote.  Says what became of the loop.
        try:
            self.link.serial.write(frames.RESYNC)
            self._follow()
            return "the device's loop has ended since"
        except (DeviceGone, ProtocolError, serial.SerialException, OSError):
            return "its loop did not end either: reset the device"

    def _follow(self):
        # The raw command's end: its output and error output, each ended by 0x04.
        out = self.link.read_until(b"\x04", 30)
        err = self.link.read_until(b"\x04", 30)
        if out is None or err is None:
            raise DeviceGone("the device loop did not end")
        if err[:-1].strip():
            raise ProtocolError("the device loop failed: " + err[:-1].decode("utf-8", "replace").strip())


class ExecChannel:
    """Operations as raw-REPL commands calling device_side's _rf_do: for
    devices without micropython.kbd_intr, which the stream needs."""

    name = "raw-REPL commands (mpremote-style)"

    def __init__(self, link, seg_id, base64_ok):
        self.link, self.base64_ok = link, base64_ok
        link.exec(device_program(seg_id))
        if base64_ok:
            link.exec("from binascii import a2b_base64")

    def run(self, calls):
        for call in calls:
            if self.base64_ok:
                data = "a2b_base64(%r)" % base64.b64encode(call.data).decode()
            else:
                data = repr(bytes(call.data))
            answer = self.link.eval("_rf_do(%r,%d,%s)" % (call.op, call.arg, data))
            call.on_answer(call, str(answer))

    def close(self):
        pass
