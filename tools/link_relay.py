"""A pty-to-pty relay that throttles a serial link to `rate` bytes a
second each way: a UART REPL board (115200 baud: 11520 bytes/s) made of
a qemu board's pty.  Clients open `relay.pty` instead of the board's.

    with LinkRelay("/dev/pts/3", 11520) as relay: ... relay.pty ...
"""

import os
import select
import threading
import time
import tty


class LinkRelay:
    def __init__(self, target, rate):
        self.target, self.rate = target, rate
        self.stopping = False

    def __enter__(self):
        self.master, self.slave = os.openpty()  # the slave stays open: clients come and go
        tty.setraw(self.slave)
        self.pty = os.ttyname(self.slave)
        self.dev = os.open(self.target, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.dev)
        self.threads = [threading.Thread(target=self._pump, args=pair, daemon=True)
                        for pair in ((self.master, self.dev), (self.dev, self.master))]
        for t in self.threads:
            t.start()
        return self

    def _pump(self, src, dst):
        # At most rate/100 bytes at a time, then as long a pause as they
        # take at `rate`.
        due = time.monotonic()
        chunk = max(1, self.rate // 100)
        while not self.stopping:
            if not select.select([src], [], [], 0.1)[0]:
                continue
            try:
                data = os.read(src, chunk)
                due = max(due, time.monotonic()) + len(data) / self.rate
                os.write(dst, data)
            except OSError:
                return
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def __exit__(self, *exc):
        self.stopping = True
        for t in self.threads:
            t.join()
        for fd in (self.master, self.slave, self.dev):
            os.close(fd)
