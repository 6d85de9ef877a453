"""Transports between the harness and the FSW: one small ``Link`` and its backends.

``open_link(url)`` picks a backend from a string; ``MemoryLink.pair()`` and ``PtyPair()``
make the two local kinds; ``CapturedLink`` records any link; ``SerialLine`` models the
wire's transmission time in sim time.
"""

from harness.link.base import Link, LinkClosed, LinkError
from harness.link.capture import CaptureRecord, CaptureWriter, read_capture
from harness.link.captured import CapturedLink
from harness.link.line import LineCapacityError, SerialLine
from harness.link.memory import MemoryLink
from harness.link.pty import PtyPair
from harness.link.serial import SerialLink
from harness.link.socket import SocketServerLink
from harness.link.url import open_link

__all__ = [
    "CaptureRecord",
    "CaptureWriter",
    "CapturedLink",
    "LineCapacityError",
    "Link",
    "LinkClosed",
    "LinkError",
    "MemoryLink",
    "PtyPair",
    "SerialLine",
    "SerialLink",
    "SocketServerLink",
    "open_link",
    "read_capture",
]
