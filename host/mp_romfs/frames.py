"""The host's half of the frame format that device_side.py reads (its
header comment describes it), and the checksums both sides compute."""

import hashlib
import struct
import zlib

HEADER_LEN = 24
# A frame's data is at most this long (the device allocates it).
MAX_DATA = 1 << 14
# The host sends this after a bad frame, or to end a loop left waiting by
# an interrupted deploy: it fills any frame the loop is reading, and the
# loop returns after 16 of these bytes in a row.
RESYNC = b"\x03" * (2 * MAX_DATA + 64)


def checksum(parts, kind="crc32"):
    """The checksum the device computes: CRC-32, or where binascii.crc32
    is missing, the first 4 bytes of SHA-256 (little-endian)."""
    if kind == "crc32":
        c = 0
        for p in parts:
            c = zlib.crc32(p, c)
        return c
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return int.from_bytes(h.digest()[:4], "little")


def escape(data):
    """0x10 -> 0x10 0x02, then 0x0d -> 0x10 0x01 (undone by the device)."""
    return data.replace(b"\x10", b"\x10\x02").replace(b"\r", b"\x10\x01")


def unescape(data):
    return data.replace(b"\x10\x01", b"\r").replace(b"\x10\x02", b"\x10")


def encode(op, arg=0, data=b"", wbits=0, kind="crc32"):
    """One frame: operation `op` (one letter) with `arg` and `data`,
    the payload raw-deflated with a 2**wbits window if wbits."""
    if len(data) > MAX_DATA:
        raise ValueError("frame data too long")
    payload = data
    if wbits:
        c = zlib.compressobj(9, zlib.DEFLATED, -wbits)
        payload = c.compress(data) + c.flush()
    payload = escape(payload)
    header = b"RF%s%x%08x%06x%06x" % (op.encode(), wbits, arg, len(data), len(payload))
    return header + payload + b"%08x" % checksum((header, data), kind)


def decode(stream_read, kind="crc32"):
    """Reads one frame with `stream_read(n)`; returns (op, arg, data).
    The inverse of encode, for tests."""
    header = stream_read(HEADER_LEN)
    if header[:2] != b"RF":
        raise ValueError("bad header")
    op, wbits = chr(header[2]), int(header[3:4], 16)
    arg, n, m = int(header[4:12], 16), int(header[12:18], 16), int(header[18:24], 16)
    payload = unescape(stream_read(m))
    data = zlib.decompress(payload, -wbits) if wbits else payload
    if len(data) != n or checksum((header, data), kind) != int(stream_read(8), 16):
        raise ValueError("checksum")
    return op, arg, data


def prepare_args(offset, length):
    """The data of a "P" frame (offset -1: the 3-argument prepare)."""
    return struct.pack("<ii", offset, length)


def checksum_args(length, unit):
    """The data of a "C" frame."""
    return struct.pack("<II", length, unit)
