"""The link kinds every contract test runs over, and wall-clock-bounded read helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from harness.link import Link, LinkClosed, MemoryLink, PtyPair, SerialLink, SocketServerLink

#: generous wall-clock bound on any wait in these tests: a hang fails, jitter does not
WALL_S = 10.0

Pair = tuple[Link, Link]  # (harness_end, fsw_end)


@contextmanager
def memory_pair() -> Iterator[Pair]:
    h, f = MemoryLink.pair()
    try:
        yield h, f
    finally:
        h.close()
        f.close()


@contextmanager
def pty_pair() -> Iterator[Pair]:
    """The harness's master; the FSW end is pyserial on the slave path, as a child would."""
    h = PtyPair()
    try:
        f = SerialLink(h.slave_path)
        h.release_slave()  # the FSW end holds the slave now
        try:
            yield h, f
        finally:
            f.close()
    finally:
        h.close()


@contextmanager
def socket_pair() -> Iterator[Pair]:
    """The harness listens; the FSW dials with pyserial ``socket://``."""
    h = SocketServerLink()
    try:
        f = SerialLink(h.url)
        try:
            h.accept(WALL_S)
            yield h, f
        finally:
            f.close()
    finally:
        h.close()


@contextmanager
def loop_pair() -> Iterator[Pair]:
    """pyserial ``loop://``: one port that reads back what it wrote (both 'ends' are it)."""
    link = SerialLink("loop://")
    try:
        yield link, link
    finally:
        link.close()


PAIRS: dict[str, Callable[[], AbstractContextManager[Pair]]] = {
    "memory": memory_pair,
    "pty": pty_pair,
    "socket": socket_pair,
    "loop": loop_pair,
}
#: kinds with two distinct ends, for the close / hang-up contract
DUPLEX = ("memory", "pty", "socket")


def read_exactly(link: Link, n: int, wall_s: float = WALL_S) -> bytes:
    """Read until ``n`` bytes came, failing (not hanging) after ``wall_s`` of wall time."""
    deadline = time.monotonic() + wall_s
    out = bytearray()
    while len(out) < n:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only {len(out)} of {n} bytes within {wall_s} s on {link.name}"
        out += link.read(min(remaining, 1.0))
    assert len(out) == n, f"{len(out) - n} bytes more than expected on {link.name}"
    return bytes(out)


def read_until_closed(link: Link, wall_s: float = WALL_S) -> bytes:
    """Everything ``link`` delivers before it raises ``LinkClosed`` (bounded in wall time)."""
    deadline = time.monotonic() + wall_s
    out = bytearray()
    while time.monotonic() < deadline:
        try:
            out += link.read(0.5)
        except LinkClosed:
            return bytes(out)
    raise AssertionError(f"{link.name}: no LinkClosed within {wall_s} s (got {len(out)} bytes)")
