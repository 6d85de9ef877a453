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
        #: the FSW's answers not read yet, as it returned them (no copy until a read)
        self._out: list[bytes] = []
        self._idle = threading.Event()  # never set: a timed wait with nothing to wake it

    def _write(self, data: bytes) -> None:
        answer = self._fsw.receive(data if type(data) is bytes else bytes(data))
        if answer:
            self._out.append(answer)

    def _read_some(self, timeout_s: float) -> bytes:
        out = self._out
        if not out:
            if timeout_s <= 0:
                return b""
            self._idle.wait(timeout_s)
            resync = getattr(self._fsw, "resync", None)
            if resync is None:
                return b""
            answer = resync()
            if not answer:
                return b""
            out.append(answer)
        data = out[0] if len(out) == 1 else b"".join(out)
        out.clear()
        return bytes(data) if type(data) is not bytes else data

    def _close(self) -> None:
        self._out.clear()
