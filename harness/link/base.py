"""The one small interface every transport implements (after python-can's BusABC).

A ``Link`` moves bytes, nothing else: no framing, no timing model. Capture and fault
injection are wrappers around any link, never special cases inside one.

The base class owns what every backend would otherwise copy: the closed state, the
monotonic deadline of ``read(timeout_s)`` and its loop (python-can's ``BusABC.recv``
over ``_recv_internal``). A backend implements ``_write``, ``_read_some`` -- wait at
most ``timeout_s`` for *some* bytes, ``b""`` if none came (an early empty return is
fine: the base loops until the deadline) -- and ``_close``.
"""

from __future__ import annotations

import abc
import time
from types import TracebackType
from typing import Self

from harness.errors import HarnessError


class LinkError(HarnessError):
    """A link could not be opened, or broke (the message names the URL or device)."""


class LinkClosed(LinkError):  # noqa: N818 (reads as the state it reports)
    """The other end closed the link (EOF, hang-up, process gone)."""


class Link(abc.ABC):
    """Bytes out with ``write``, bytes in with ``read(timeout_s)``."""

    #: a human-readable name: the URL, device path or "memory"
    name: str = "link"
    _closed: bool = False

    def write(self, data: bytes) -> None:
        """Send all of ``data`` (blocking until the OS or peer took it)."""
        if self._closed:
            self._check_open("write")
        if data:
            self._write(data)

    def read(self, timeout_s: float) -> bytes:
        """Whatever bytes arrive within ``timeout_s`` (``b""`` if none).

        Returns as soon as any bytes are available. Raises ``LinkClosed`` at EOF.
        """
        if self._closed:
            self._check_open("read")
        deadline = time.monotonic() + timeout_s  # before the first wait: never 2 × timeout_s
        data = self._read_some(max(timeout_s, 0.0))
        if data or timeout_s <= 0:
            return data
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return b""
            self._check_open("read")
            data = self._read_some(remaining)
            if data:
                return data

    def close(self) -> None:
        """Release the link; idempotent."""
        if not self._closed:
            self._closed = True
            self._close()

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self, op: str) -> None:
        if self._closed:
            raise LinkError(f"{self.name}: {op} on a closed link")

    @abc.abstractmethod
    def _write(self, data: bytes) -> None:
        """Send all of ``data`` (non-empty)."""

    @abc.abstractmethod
    def _read_some(self, timeout_s: float) -> bytes:
        """Bytes available within ``timeout_s`` (``b""`` if none yet); ``LinkClosed`` at EOF."""

    @abc.abstractmethod
    def _close(self) -> None:
        """Release the backend's resources (called once)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
