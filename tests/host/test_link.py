"""The link's timeouts against the Python device (fake_device.py) with a
clock the test moves: a stall of the host (and of the device with it) is
not counted, and silence of the device for a whole timeout is."""

import threading
import time
import types

import pytest

from fake_device import FakeDevice, FakeLink, Flash
from mp_romfs import device as device_mod
from mp_romfs import frames
from mp_romfs.deploy import Deploy
from mp_romfs.device import DeviceGone, device_info
from test_deploy import K, mounted, random_image


class BusyFlash(Flash):
    """Flash whose first program waits until `release` is set (the device
    busy, or stopped, with a frame's answer still to come)."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.busy, self.release = threading.Event(), threading.Event()

    def program(self, off, data):
        if not self.busy.is_set():
            self.busy.set()
            self.release.wait(10)
        return super().program(off, data)


class Clock:
    """time.monotonic plus an offset the test moves; `on_busy(clock, n)` is
    called at the n-th reading after the device got busy."""

    def __init__(self, flash, on_busy):
        self.flash, self.on_busy, self.offset, self.n = flash, on_busy, 0.0, 0

    def monotonic(self):
        if self.flash.busy.is_set():
            self.n += 1
            self.on_busy(self, self.n)
        return time.monotonic() + self.offset


def deploy_with(monkeypatch, flash, clock, dev=None):
    monkeypatch.setattr(device_mod, "time", types.SimpleNamespace(monotonic=clock.monotonic, sleep=time.sleep))
    dev = dev or FakeDevice([flash])
    link = FakeLink(dev)
    img = random_image(21, 6 * K)
    return img, Deploy(link, img, 0, progress=False, log=lambda m: None).run(device_info(link))


def test_a_stall_of_host_and_device_is_not_a_timeout(monkeypatch):
    # The host waits for an answer; then host and device are both stopped
    # for 100 s (a frozen or starved machine); the host runs again first.
    # It must poll on, not give up before the device could answer.
    flash = BusyFlash("ours", 64 * K, K)

    def on_busy(clock, n):
        if n == 2:  # the host is in its poll loop, after its deadline was set
            clock.offset += 100
            threading.Timer(0.05, flash.release.set).start()

    img, s = deploy_with(monkeypatch, flash, Clock(flash, on_busy))
    assert mounted(flash, img)


def test_a_silent_device_is_a_timeout(monkeypatch):
    # Polled all along, the device silent for the whole timeout: no answer.
    flash = BusyFlash("ours", 64 * K, K)

    def on_busy(clock, n):
        clock.offset += 0.5  # < STALL: each poll's gap counts

    with pytest.raises(DeviceGone, match="no answer from the device in 60 s"):
        deploy_with(monkeypatch, flash, Clock(flash, on_busy))
    flash.release.set()


def test_after_a_timeout_the_device_loop_is_ended(monkeypatch):
    # The device answers only after the host gave up: the host ends the
    # loop (frames.RESYNC), which turns Ctrl-C back on, so that the next
    # mpremote finds the raw REPL instead of a loop waiting for frames.
    flash = BusyFlash("ours", 64 * K, K)
    dev = FakeDevice([flash])
    real_write = dev.stdin.write

    def write(data):
        if bytes(data) == frames.RESYNC:
            flash.release.set()  # the device, slow, answers now
        real_write(data)

    dev.stdin.write = write

    def on_busy(clock, n):
        if not flash.release.is_set():
            clock.offset += 0.5

    with pytest.raises(DeviceGone, match=r"no answer from the device in 60 s \(the device's loop has ended since\)"):
        deploy_with(monkeypatch, flash, Clock(flash, on_busy), dev)
    assert dev.kbd == [-1, 3]


def test_a_device_that_never_answers_is_said_so(monkeypatch):
    flash = BusyFlash("ours", 64 * K, K)

    def on_busy(clock, n):
        clock.offset += 0.5

    with pytest.raises(DeviceGone, match="its loop did not end either: reset the device"):
        deploy_with(monkeypatch, flash, Clock(flash, on_busy))
    flash.release.set()
