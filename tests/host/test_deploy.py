"""Deploys against the Python device (fake_device.py): what reaches the
flash, in which order, and the errors."""

import os
import random

import pytest

from fake_device import FakeDevice, FakeLink, Flash
from mp_romfs import frames
from mp_romfs.deploy import Deploy, DeployError
from mp_romfs.device import ProtocolError, device_info
from mp_romfs.image import ImageError, VfsRomWriter

K = 4096


def image_of(files):
    w = VfsRomWriter()
    for name, data in files:
        w.mkfile(name, data)
    return w.finalise()


def random_image(seed, size):
    return image_of([("blob.bin", random.Random(seed).randbytes(size))])


def deploy(device, image, partition=0, **kw):
    link = FakeLink(device)
    return Deploy(link, image, partition, progress=False, log=lambda m: None, **kw).run(device_info(link))


def writes(flash):
    return [e for e in flash.log if e[0] in (3, 4, 5) or e[0] == "ioctl" and e[1] == 6 or e[0] == "writeblocks"]


def mounted(flash, image):
    return bytes(flash.mem[: len(image)]) == image


@pytest.mark.parametrize("profile, unit", [("ours", K), ("ours", 0), ("stock", K), ("stock", 0), ("block", K)])
def test_first_deploy_then_same_then_one_unit(profile, unit):
    flash = Flash(profile, 64 * K, unit)
    dev = FakeDevice([flash])
    img = random_image(1, 10 * K)
    s = deploy(dev, img)
    assert mounted(flash, img) and s["skipped"] == 0
    flash.log.clear()
    s = deploy(dev, img)
    assert writes(flash) == [] and s["skipped"] == s["units"]
    changed = bytearray(img)
    changed[5 * K + 7] ^= 0xFF
    flash.log.clear()
    s = deploy(dev, bytes(changed))
    assert mounted(flash, bytes(changed))
    if unit:
        written = {e[1] // K for e in flash.log if e[0] == 4} | {e[1] for e in flash.log if e[0] == "writeblocks"}
        expect = {0, 5, (len(img) - 1) // K} if profile == "ours" else {0, 5}
        assert written == expect
        assert s["skipped"] == s["units"] - len(expect)
    assert dev.kbd == [-1, 3] * 3  # Ctrl-C off in each stream, then back on


def test_ours_order_prepare_at_0_first_and_op5_last():
    flash = Flash("ours", 64 * K, K)
    img = random_image(2, 3 * K)
    deploy(FakeDevice([flash]), img)
    ops = [e[:2] for e in writes(flash)]
    assert ops[0] == (3, 0) and ops[-1] == (5,)
    assert [e[1] for e in flash.log if e[0] == 4] == sorted(e[1] for e in flash.log if e[0] == 4)


def test_stock_writes_the_header_last():
    flash = Flash("stock", 64 * K, 0)
    img = random_image(3, 3 * K)
    deploy(FakeDevice([flash]), img, transfer="raw")
    offsets = [e[1] for e in flash.log if e[0] == 4]
    assert offsets[-1] == 0 and offsets[:-1] == sorted(offsets[:-1])


def test_block_device_erases_block0_first():
    flash = Flash("block", 64 * K, K)
    deploy(FakeDevice([flash]), random_image(4, 3 * K))
    ops = writes(flash)
    assert ops[0] == ("ioctl", 6, 0) and ops[-1][:3] == ("writeblocks", 0, 0)


def test_compressible_image_is_deflated():
    flash = Flash("ours", 64 * K, K)
    img = image_of([("a.txt", b"the same words again and again\n" * 2000)])
    s = deploy(FakeDevice([flash]), img)
    assert mounted(flash, img)
    assert s["channel"] == "stream with deflate" and s["sent"] < len(img) / 4


def test_incompressible_image_is_sent_raw_within_5_percent():
    flash = Flash("ours", 64 * K, K)
    img = random_image(5, 40 * K)
    s = deploy(FakeDevice([flash]), img)
    assert s["channel"] == "stream" and s["sent"] < 1.05 * len(img)


def test_exec_fallback_without_kbd_intr():
    flash = Flash("ours", 64 * K, K)
    img = random_image(6, 5 * K)
    s = deploy(FakeDevice([flash], features=("crc32", "a2b_base64")), img)
    assert mounted(flash, img) and s["channel"].startswith("raw-REPL commands")


def test_sha256_without_crc32():
    flash = Flash("ours", 64 * K, K)
    dev = FakeDevice([flash], features=("kbd_intr", "a2b_base64"))
    img = random_image(7, 5 * K)
    deploy(dev, img)
    flash.log.clear()
    deploy(dev, img)
    assert mounted(flash, img) and writes(flash) == []


def test_refused_write_stops_with_op_offset_errno():
    flash = Flash("ours", 64 * K, K)
    flash.refuse_at = 3 * K
    with pytest.raises(DeployError, match=r"write \(op 4\) at offset 12288 failed: errno 5 \(EIO\)"):
        deploy(FakeDevice([flash]), random_image(8, 8 * K))
    # Nothing after the refused write reached the flash.
    assert max(e[1] for e in flash.log if e[0] == 4) == 3 * K
    assert not any(e[0] == 5 for e in flash.log)


def test_refused_prepare():
    flash = Flash("stock", 64 * K, K)
    flash.refuse_prepare_at = K  # the second prepare (unit 0 first, then the run from unit 1)
    with pytest.raises(DeployError, match=r"prepare \(op 3\) at offset 4096, \d+ bytes failed: errno 5 \(EIO\)"):
        deploy(FakeDevice([flash]), random_image(9, 9 * K))
    assert not any(e[0] == 4 for e in flash.log)


@pytest.mark.parametrize("image, partition, error, message", [
    (b"not an image", 0, ImageError, "not a ROMFS image"),
    (None, 0, ImageError, "larger than the partition"),
    (b"\xd2\xcd\x31\x00", 3, DeployError, "no ROMFS partition 3"),
])
def test_bad_input_changes_nothing(image, partition, error, message):
    flash = Flash("ours", 16 * K, K)
    before = bytes(flash.mem)
    with pytest.raises(error, match=message):
        deploy(FakeDevice([flash]), image or random_image(10, 20 * K), partition)
    assert bytes(flash.mem) == before and writes(flash) == []


def test_corrupted_frame_is_refused_by_the_device(monkeypatch):
    flash = Flash("ours", 64 * K, K)
    real = frames.encode

    def corrupt(op, *a, **k):
        wire = real(op, *a, **k)
        return wire[:-3] + b"000" if op == "W" else wire

    monkeypatch.setattr(frames, "encode", corrupt)
    with pytest.raises(ProtocolError, match="checksum"):
        deploy(FakeDevice([flash]), random_image(11, 3 * K))
    assert not any(e[0] == 4 for e in flash.log)


def test_interrupted_deploy_resumes():
    flash = Flash("ours", 64 * K, K)
    dev = FakeDevice([flash])
    img = random_image(12, 20 * K)
    flash.refuse_at = 12 * K  # stands for the cut: units before it are written
    with pytest.raises(DeployError):
        deploy(dev, img)
    flash.log.clear()
    s = deploy(dev, img)
    assert mounted(flash, img)
    assert {e[1] // K for e in flash.log if e[0] == 4} == set(range(12, 21)) | {0}
