"""The one small interface every transport implements (after python-can's BusABC).

A ``Link`` moves bytes, nothing else: no framing, no timing model. Capture and fault
injection are wrappers around any link, never special cases inside one.
"""

from __future__ import annotations

import abc
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

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of ``data`` (blocking until the OS or peer took it)."""

    @abc.abstractmethod
    def read(self, timeout_s: float) -> bytes:
        """Whatever bytes arrive within ``timeout_s`` (``b""`` if none).

        Returns as soon as any bytes are available. Raises ``LinkClosed`` at EOF.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the link; idempotent."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
