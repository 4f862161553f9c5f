"""The frame format, on the host's side and through device_side.py."""

import io

import pytest

from mp_romfs import frames


def reader(data):
    return io.BytesIO(data).read


@pytest.mark.parametrize("wbits", [0, 10, 12])
def test_round_trip_every_byte_value(wbits):
    data = bytes(range(256)) * 20 + b"\r\x10\r\r\x10\x10\x01\x02"
    op, arg, got = frames.decode(reader(frames.encode("W", 0x12345, data, wbits)))
    assert (op, arg, got) == ("W", 0x12345, data)


def test_no_carriage_return_on_the_wire():
    # sys.stdin on the device turns 0x0d into 0x0a: no frame may hold one.
    wire = frames.encode("W", 13, b"\r" * 100 + bytes(range(256)), 0)
    assert b"\r" not in wire


def test_escape_is_undone_exactly():
    for data in [b"\x10\x01", b"\x10\x02", b"\r\x02", b"\x10\r", b"\x10\x10\x01\r"]:
        assert frames.unescape(frames.escape(data)) == data


def test_corrupted_frame_is_detected():
    wire = bytearray(frames.encode("W", 0, b"hello world" * 10))
    wire[40] ^= 1
    with pytest.raises(ValueError):
        frames.decode(reader(bytes(wire)))


def test_sha256_checksum_differs_from_crc():
    assert frames.checksum((b"abc",), "sha256") != frames.checksum((b"abc",))
    assert frames.checksum((b"ab", b"c"), "sha256") == frames.checksum((b"abc",), "sha256")


def test_too_long_frame_is_refused():
    with pytest.raises(ValueError):
        frames.encode("W", 0, bytes(frames.MAX_DATA + 1))
