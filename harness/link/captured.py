"""Capture as a wrapper around any link (pyserial's ``spy://`` idea, in sim time).

Every byte written is recorded as H2F and every byte read as F2H, stamped with the sim
time ``clock()`` returns at that moment (the capture adds wall time itself). Bytes are
recorded only once they crossed: a write that raised records nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from harness.link.base import Link
from harness.link.capture import F2H, H2F, CaptureWriter


class CapturedLink(Link):
    """``inner`` with every byte in both directions recorded to ``writer``.

    ``close()`` closes ``inner``, not ``writer``: whoever opened the capture closes it.
    """

    def __init__(self, inner: Link, writer: CaptureWriter, clock: Callable[[], int]) -> None:
        self.inner = inner
        self.writer = writer
        self.clock = clock
        self.name = inner.name
        self._lock = threading.Lock()  # a reader and a writer thread share one file

    def read(self, timeout_s: float) -> bytes:
        """Delegated whole: the inner link owns the deadline loop (no second loop)."""
        if self._closed:
            self._check_open("read")
        return self._read_some(timeout_s)

    def _write(self, data: bytes) -> None:
        self.inner.write(data)
        with self._lock:
            self.writer.record(self.clock(), H2F, data if type(data) is bytes else bytes(data))

    def _read_some(self, timeout_s: float) -> bytes:
        data = self.inner.read(timeout_s)
        if data:
            with self._lock:
                self.writer.record(self.clock(), F2H, data)
        return data

    def _close(self) -> None:
        self.inner.close()
