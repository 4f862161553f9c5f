"""A deploy: compare, write, complete, verify, remount; each device
answer checked, progress per phase, a summary at the end."""

import errno
import sys
import time
import zlib

from tqdm import tqdm

from . import frames, plan
from .device import Call, ExecChannel, StreamChannel
from .image import check_image, parse_header

# Pieces of at most this many bytes per write (more if the program unit is
# larger); compressed pieces are larger, so that deflate sees more context.
CHUNK = 4096
CHUNK_DEFLATE = 16384
# Compressed frames only if deflate saves at least this much of the bytes.
DEFLATE_RATIO = 0.9
# Verify in pieces of this size (so that a mismatch is located closely).
VERIFY_UNIT = 4096
OPS = {"P": "prepare (op 3)", "W": "write (op 4)", "K": "complete (op 5)",
       "E": "block erase (ioctl 6)", "B": "writeblocks", "S": "sync (ioctl 3)"}


class DeployError(Exception):
    pass


class Phase:
    """Where a deploy is, for what to tell the user if it stops."""

    COMPARE, WRITE, VERIFY = "compare", "write", "verify"


def errno_text(code):
    return "errno %d (%s)" % (code, errno.errorcode.get(code, "?"))


def segment_of(info, partition):
    ours, segs = info[0], info[1]
    if not 0 <= partition < len(segs) or segs[partition] is None:
        raise DeployError("no ROMFS partition %d on the device (it has %d)" % (partition, len(segs)))
    kind, size, unit = segs[partition][:3]
    return plan.Segment(partition, size, kind == "block", unit, ours)


def choose_channel(link, info, partition, transfer, log):
    """The stream where the device has what it needs, else one raw-REPL
    command per operation (said so).  Returns (channel, checksum kind)."""
    have, mem_free = info[4], info[3]
    kind = "crc32" if "crc32" in have else "sha256"
    if kind != "crc32":
        log("the device has no binascii.crc32: checksums are SHA-256 (hashlib), slower")
    if transfer == "exec" or "kbd_intr" not in have:
        if transfer != "exec":
            log("the device has no micropython.kbd_intr, which the stream needs: one raw-REPL command per operation")
        return ExecChannel(link, partition, "a2b_base64" in have), kind
    wbits = 0
    if transfer != "raw" and "DeflateIO" in have:
        wbits = 12 if mem_free > 128 * 1024 else 10
    return StreamChannel(link, partition, kind, wbits=wbits), kind


class Deploy:
    def __init__(self, link, image, partition, transfer="auto", progress=True, log=print):
        self.link, self.image, self.partition, self.log = link, image, partition, log
        self.progress = progress
        self.transfer = transfer
        self.phase = Phase.COMPARE
        self.started_writing = False

    def bar(self, desc, total):
        return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                    disable=not self.progress, file=sys.stderr, leave=True)

    def run(self, info):
        t0 = time.monotonic()
        sent0 = self.link.sent
        seg = segment_of(info, self.partition)
        check_image(self.image, seg.size)
        length = len(self.image)
        if seg.id == 0:
            self.link.exec("import vfs\ntry:\n vfs.umount('/rom')\nexcept OSError:\n pass")
        channel, kind = choose_channel(self.link, info, seg.id, self.transfer, self.log)
        self.kind = kind
        try:
            unit = plan.diff_unit(seg, length)
            device_sums = self.checksums(channel, 0, length, unit, "compare")
            changed = plan.changed_units(plan.unit_checksums(self.image, unit, kind), device_sums)
            units = len(device_sums)
            if not changed:
                self.log("partition %d already holds this image: nothing written" % seg.id)
                steps = []
            else:
                steps = plan.plan_deploy(seg, length, changed)
                self.write(channel, seg, steps)
                self.verify(channel, steps)
        finally:
            channel.close()
        self.remount(seg)
        written_units = len({o // unit for a, n in plan.written_ranges(steps) for o in range(a, a + n, unit)})
        return {
            "image": length,
            "sent": self.link.sent - sent0,
            "units": units,
            "skipped": units - written_units,
            "seconds": time.monotonic() - t0,
            "channel": channel.name + (" with deflate" if getattr(channel, "wbits", 0) else ""),
        }

    def checksums(self, channel, offset, length, unit, desc):
        """The device's checksums of the units of [offset, offset + length)."""
        out = []
        with self.bar(desc, length) as bar:

            def answer(call, text):
                out.extend(int(h, 16) for h in text.split())
                bar.update(length)

            channel.run([Call("C", offset, frames.checksum_args(length, unit), 120, answer)])
        if len(out) != -(-length // unit):
            raise DeployError("the device returned %d checksums for %d units" % (len(out), -(-length // unit)))
        return out

    def check(self, call, text, seg):
        """Raises DeployError naming the op, offset and errno if `text` is
        not a success answer for `call`."""
        try:
            r = int(text)
        except ValueError:
            raise DeployError("unexpected answer %r to %s at offset %d" % (text, OPS[call.op], call.arg)) from None
        ok = r > 0 if call.op == "P" else (r == 0 or (call.op == "K" and r == -errno.EINVAL and not seg.ours))
        if not ok:
            what = OPS[call.op]
            if call.op == "P":
                off, n = call.prepare
                where = "of %d bytes" % n if off < 0 else "at offset %d, %d bytes" % (off, n)
            else:
                where = "at offset %d" % call.offset
            raise DeployError("%s %s failed: %s" % (what, where, errno_text(-r) if r < 0 else "result %d" % r))
        return r

    def write(self, channel, seg, steps):
        self.phase = Phase.WRITE
        total = sum(s.length for s in steps if s.op == "W")
        state = {"min_write": None}
        compress = getattr(channel, "wbits", 0) and self.compressible(steps)
        if not compress and getattr(channel, "wbits", 0):
            channel.wbits = 0
        chunk = CHUNK_DEFLATE if compress else CHUNK
        if seg.block:
            chunk = min(chunk, seg.unit)
        with self.bar("write", total) as bar:

            def answer(call, text):
                r = self.check(call, text, seg)
                if call.op == "P" and state["min_write"] is None:
                    state["min_write"] = r
                if call.op in "WB":
                    bar.update(call.length)

            def calls(step_list):
                for s in step_list:
                    if s.op == "P":
                        c = Call("P", 0, frames.prepare_args(s.offset, s.length), 900 if s.offset < 0 and not seg.ours else 60, answer)
                        c.prepare = (s.offset, s.length)
                        yield c
                    elif s.op == "W":
                        size = max(chunk, state["min_write"] or 0)
                        pad = size if seg.block else state["min_write"]
                        for a, n, padded in plan.pieces(s, size, pad):
                            data = self.image[a : a + n] + bytes(padded - n)
                            c = Call("B" if seg.block else "W", a, data, 60, answer)
                            c.offset, c.length = a, n
                            yield c
                    else:
                        c = Call(s.op, s.offset, b"", 60, answer)
                        c.offset = s.offset
                        yield c
                    self.started_writing = True

            # The first operation's answer (the program unit) shapes the writes.
            channel.run(calls(steps[:1]))
            channel.run(calls(steps[1:]))

    def compressible(self, steps):
        data = b"".join(self.image[s.offset : s.offset + s.length] for s in steps if s.op == "W")
        return len(data) > 0 and len(zlib.compress(data, 6)) < DEFLATE_RATIO * len(data)

    def verify(self, channel, steps):
        self.phase = Phase.VERIFY
        bad = []
        for a, n in plan.written_ranges(steps):
            got = self.checksums(channel, a, n, VERIFY_UNIT, "verify")
            want = plan.unit_checksums(self.image[a : a + n], VERIFY_UNIT, self.kind)
            bad += [a + i * VERIFY_UNIT for i in plan.changed_units(want, got)]
        if bad:
            raise DeployError("verify failed: the device's bytes differ from the image at offsets %s"
                              % ", ".join("0x%x" % b for b in sorted(bad)))

    def remount(self, seg):
        if seg.id != 0:
            self.log("/rom is segment 0: partition %d is not mounted by the firmware (mount it with "
                     "vfs.mount(vfs.VfsRom(vfs.rom_ioctl(2, %d)), path))" % (seg.id, seg.id))
            return
        try:
            self.link.exec("import vfs\nvfs.mount(vfs.VfsRom(vfs.rom_ioctl(2,0)),'/rom')")
            self.log("/rom remounted")
        except Exception as e:
            self.log("/rom could not be remounted: %s" % str(e).strip().splitlines()[-1])


def describe_stop(phase, started_writing):
    """What a deploy that stopped in `phase` left on the partition."""
    if phase == Phase.COMPARE or not started_writing:
        return "nothing was changed on the partition"
    if phase == Phase.WRITE:
        return ("the partition holds no mountable image (the old one stopped mounting at the first "
                "prepare/erase, the new header is written last); run the same command again to resume: "
                "units already written are skipped")
    return "the image was written but not verified; run the same command again to verify it"


def header_text(head, size):
    """The image a segment's first bytes describe, for query."""
    n = parse_header(head)
    if n is None:
        return "no valid ROMFS header (raw %s)" % head[:8].hex(":")
    if n > size:
        return "header declares %d bytes, more than the partition" % n
    return "ROMFS image of %d bytes" % n
