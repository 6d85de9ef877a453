"""The FSW stub in-process behind a pure byte interface: the fast "memory" link.

Bytes written are handed synchronously to the stub's ``receive``; what it answers waits
to be read. The same ICD bytes cross as on a pty, without an OS link or a thread.
"""

from __future__ import annotations

from typing import Protocol

from harness.link.base import Link, LinkClosed


class ByteFsw(Protocol):
    def receive(self, data: bytes) -> bytes: ...


class InProcessFswLink(Link):
    name = "memory"

    def __init__(self, fsw: ByteFsw) -> None:
        self._fsw = fsw
        self._out = bytearray()
        self._closed = False

    def write(self, data: bytes) -> None:
        if self._closed:
            raise LinkClosed("memory link closed")
        self._out += self._fsw.receive(bytes(data))

    def read(self, timeout_s: float) -> bytes:
        if self._closed:
            raise LinkClosed("memory link closed")
        out = bytes(self._out)
        self._out.clear()
        return out

    def close(self) -> None:
        self._closed = True
