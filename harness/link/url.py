"""Choose a link from one string, as pyserial does.

* ``/dev/ttyUSB0``, ``/dev/pts/3``, ``socket://host:port``, ``loop://``, ``spy://…``,
  ``rfc2217://…`` → ``SerialLink`` (pyserial)
* ``tcp-listen://127.0.0.1:PORT`` → ``SocketServerLink`` (the FSW dials in; PORT 0 = any)
* ``pty://`` → a fresh ``PtyPair`` (the FSW opens its ``slave_path``)
* ``memory`` → refused: an in-memory link is a pair, made with ``MemoryLink.pair()``
"""

from __future__ import annotations

from urllib.parse import urlsplit

from harness.link.base import Link, LinkError
from harness.link.pty import PtyPair
from harness.link.serial import DEFAULT_BAUDRATE, SerialLink
from harness.link.socket import SocketServerLink

PYSERIAL_SCHEMES = ("socket", "loop", "spy", "rfc2217", "hwgrep", "alt")
OUR_SCHEMES = ("tcp-listen", "pty")


def open_link(url: str, *, baudrate: int = DEFAULT_BAUDRATE) -> Link:
    """Open the link ``url`` names; ``LinkError`` (naming the URL) if it cannot."""
    text = url.strip()
    if text in ("memory", "memory://"):
        raise LinkError(
            f"link {url!r}: an in-memory link comes as a pair — use MemoryLink.pair() "
            "(the launcher's `memory` FSW kind)"
        )
    if "://" not in text:
        if text.startswith("/"):
            return SerialLink(text, baudrate)
        raise LinkError(
            f"link {url!r}: not a device path (/dev/…) nor a URL "
            f"({', '.join(s + '://' for s in PYSERIAL_SCHEMES + OUR_SCHEMES)})"
        )
    scheme = text.split("://", 1)[0].lower()
    if scheme in PYSERIAL_SCHEMES:
        return SerialLink(text, baudrate)
    if scheme == "pty":
        return PtyPair()
    if scheme == "tcp-listen":
        return _listen(url, text)
    raise LinkError(
        f"link {url!r}: unknown scheme {scheme!r}; "
        f"known: {', '.join(PYSERIAL_SCHEMES + OUR_SCHEMES)}, or a device path"
    )


def _listen(url: str, text: str) -> SocketServerLink:
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None or parts.path not in ("", "/") or parts.query:
        raise LinkError(f"link {url!r}: expected tcp-listen://HOST:PORT (PORT 0 = any free)")
    return SocketServerLink(parts.hostname, port)
