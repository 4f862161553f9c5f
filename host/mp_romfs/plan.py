"""Pure planning: which units of a segment differ from a new image, and
the sequence of operations that writes them in a power-safe order for
the firmware and path at hand.  No I/O here; tests compare whole plans."""

from dataclasses import dataclass

from .frames import checksum


@dataclass(frozen=True)
class Segment:
    """What a deploy needs to know about one ROM segment."""

    id: int
    size: int
    block: bool  # a block device (ioctl/writeblocks), else a memoryview (ops 3-5)
    unit: int  # op 6's granularity or the block size; 0: only the 3-argument prepare
    ours: bool  # the firmware runs this module (it holds the header until op 5)


@dataclass(frozen=True)
class Step:
    """One planned operation.  "P": prepare [offset, offset + length)
    (offset -1: the 3-argument prepare of `length` bytes); "W": write the
    image's bytes [offset, offset + length), in pieces, the first piece
    last if `header_last`; "E": erase block `offset`; "K": complete
    (op 5); "S": sync the block device."""

    op: str
    offset: int = 0
    length: int = 0
    header_last: bool = False


def diff_unit(seg, length):
    """The unit the device's checksums are compared in: op 6's granularity
    or the block size; without op 6, the whole image (only "unchanged or
    not" is of use then: every byte is written anyway)."""
    return seg.unit if seg.unit > 0 else length


def unit_checksums(image, unit, kind="crc32"):
    """Checksums of the image's units, each clipped at the image's end."""
    return [checksum((image[a : a + unit],), kind) for a in range(0, len(image), unit)]


def changed_units(image_sums, device_sums):
    """Indices of the units whose checksums differ."""
    return [i for i, (a, b) in enumerate(zip(image_sums, device_sums)) if a != b]


def runs(units):
    """Sorted unit indices as [first, end) runs of consecutive units."""
    out = []
    for u in sorted(units):
        if out and out[-1][1] == u:
            out[-1][1] = u + 1
        else:
            out.append([u, u + 1])
    return [tuple(r) for r in out]


def plan_deploy(seg, length, changed):
    """The operations that put an image of `length` bytes on `seg`, given
    the indices of the units (of diff_unit) that differ.  The image
    stops mounting at the first operation and mounts again only after
    the last write:

    - this module, with op 6: per run of changed units, a prepare then its
      writes, in increasing order; unit 0 (whose header the module holds
      until op 5) and the image's last unit are always written;
    - this module without op 6: one prepare of the image, every byte written;
    - stock firmware with op 6: unit 0 prepared (erased) first, then each
      run of changed units, then unit 0's bytes, the header's piece last;
    - stock firmware without op 6: one prepare (erases all), every byte
      written, the header's piece last;
    - a block device: block 0 erased first, each changed block erased and
      written (with this module's block view also the image's last block:
      its sync commits the held header only once the writes of the deploy
      reached the image's end), then block 0 (its header's piece last),
      then a sync.
    """
    u = seg.unit
    last = (length - 1) // u if u else 0

    def write(a, b):
        return Step("W", a * u, min(b * u, length) - a * u)

    if seg.block:
        steps = [Step("E", 0)]
        for i in sorted(set(changed) | ({last} if seg.ours else set())):
            if i != 0:
                steps += [Step("E", i), write(i, i + 1)]
        return steps + [Step("W", 0, min(u, length), True), Step("S")]
    if u == 0:
        return [Step("P", -1, length), Step("W", 0, length, not seg.ours), Step("K")]
    if seg.ours:
        steps = []
        for a, b in runs(set(changed) | {0, last}):
            steps += [Step("P", a * u, (b - a) * u), write(a, b)]
        return steps + [Step("K")]
    steps = [Step("P", 0, u)]
    for a, b in runs(set(changed) - {0}):
        steps += [Step("P", a * u, (b - a) * u), write(a, b)]
    return steps + [Step("W", 0, min(u, length), True), Step("K")]


def pieces(step, chunk, pad_to):
    """The writes of a "W" step: (offset, length, padded length) pieces of
    at most `chunk` bytes, the image's last piece padded to a multiple of
    `pad_to`; with header_last, the first piece moved to the end."""
    end = step.offset + step.length
    out = []
    for a in range(step.offset, end, chunk):
        n = min(chunk, end - a)
        out.append((a, n, -(-n // pad_to) * pad_to))
    if step.header_last and len(out) > 1:
        out.append(out.pop(0))
    return out


def written_ranges(steps):
    """The [offset, offset + length) ranges the "W" steps write."""
    return [(s.offset, s.length) for s in steps if s.op == "W"]
