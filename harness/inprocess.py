"""The FSW stub in-process behind a pure byte interface: the fast "memory" link.

Bytes written are handed synchronously to the stub's ``receive``; what it answers waits
to be read. The same ICD bytes cross as on a pty, without an OS link or a thread. A read
with nothing to give waits out its timeout (nothing can arrive without a write), so a
silent in-process FSW meets the same wall-clock watchdog as one on a pty. A read that
waited out its timeout with nothing to give is a quiet line as the FSW sees it: an FSW
with ``resync()`` then gives up any partial frame it holds (ICD §2 rule 7), as the stub's
pump does on a pty, so the same bytes give the same answers on both.
"""

from __future__ import annotations

import threading
from typing import Protocol

from harness.link.base import Link


class ByteFsw(Protocol):
    def receive(self, data: bytes) -> bytes: ...


class InProcessFswLink(Link):
    name = "memory"

    def __init__(self, fsw: ByteFsw) -> None:
        self._fsw = fsw
        self._out = bytearray()
        self._idle = threading.Event()  # never set: a timed wait with nothing to wake it

    def _write(self, data: bytes) -> None:
        self._out += self._fsw.receive(data if type(data) is bytes else bytes(data))

    def _read_some(self, timeout_s: float) -> bytes:
        if not self._out:
            if timeout_s <= 0:
                return b""
            self._idle.wait(timeout_s)
            resync = getattr(self._fsw, "resync", None)
            if resync is None:
                return b""
            self._out += resync()
            if not self._out:
                return b""
        out = bytes(self._out)
        self._out.clear()
        return out

    def _close(self) -> None:
        self._out.clear()
