"""An in-memory duplex link: the fast in-process mode and every test without hardware.

``MemoryLink.pair()`` gives two ends; bytes written to one are read from the other, in
order. Each direction is an unbounded buffer guarded by a ``threading.Condition``, so the
two ends may live in different threads, yet a single-threaded caller that writes and then
reads never waits (nothing blocks while bytes are buffered).
"""

from __future__ import annotations

import threading

from harness.link.base import Link, LinkClosed, LinkError


class _Direction:
    """One direction of the pair: a byte buffer and whether its writer has closed."""

    __slots__ = ("buffer", "cond", "reader_closed", "writer_closed")

    def __init__(self, cond: threading.Condition) -> None:
        self.cond = cond
        self.buffer = bytearray()
        self.writer_closed = False
        self.reader_closed = False


class MemoryLink(Link):
    """One end of an in-memory pair. Make both with ``MemoryLink.pair()``."""

    def __init__(self, rx: _Direction, tx: _Direction, name: str) -> None:
        self._rx = rx
        self._tx = tx
        self._cond = rx.cond  # both directions share one condition
        self.name = name

    @classmethod
    def pair(cls, name: str = "memory") -> tuple[MemoryLink, MemoryLink]:
        """``(harness_end, fsw_end)``, connected to each other."""
        cond = threading.Condition()
        h2f = _Direction(cond)
        f2h = _Direction(cond)
        harness_end = cls(rx=f2h, tx=h2f, name=f"{name}:harness")
        fsw_end = cls(rx=h2f, tx=f2h, name=f"{name}:fsw")
        return harness_end, fsw_end

    def _write(self, data: bytes) -> None:
        with self._cond:
            if self._tx.reader_closed:
                raise LinkClosed(f"{self.name}: peer closed; {len(data)} bytes not delivered")
            self._tx.buffer += data
            self._cond.notify_all()

    def _read_some(self, timeout_s: float) -> bytes:
        rx = self._rx
        with self._cond:
            if not rx.buffer and not rx.writer_closed and timeout_s > 0:
                self._cond.wait(timeout_s)
            if self._closed:
                raise LinkError(f"{self.name}: read on a closed link")
            if rx.buffer:
                data = bytes(rx.buffer)
                rx.buffer.clear()
                return data
            if rx.writer_closed:
                raise LinkClosed(f"{self.name}: peer closed")
            return b""

    def _close(self) -> None:
        with self._cond:
            self._tx.writer_closed = True
            self._rx.reader_closed = True
            self._rx.buffer.clear()
            self._cond.notify_all()
