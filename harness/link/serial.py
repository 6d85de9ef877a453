"""Any pyserial URL as a link: ``/dev/ttyUSB0``, ``/dev/pts/N``, ``socket://host:port``,
``loop://``, ``spy://…``, ``rfc2217://…``.

The port is kept non-blocking (pyserial ``timeout=0``) so a read takes whatever is
buffered in one call; waiting is a ``select()`` on the port's fd up to a monotonic
deadline. Ports without an fd (``loop://``) wait through pyserial's own read timeout.
"""

from __future__ import annotations

import select
import socket

import serial

from harness.link.base import Link, LinkClosed, LinkError

DEFAULT_BAUDRATE = 115200
READ_CHUNK_BYTES = 65536


class SerialLink(Link):
    """A pyserial port opened from a URL; errors name the URL."""

    def __init__(
        self,
        url: str,
        baudrate: int = DEFAULT_BAUDRATE,
        *,
        write_timeout_s: float = 10.0,
        exclusive: bool | None = None,
    ) -> None:
        self.name = url
        self.url = url
        try:
            self._port: serial.SerialBase = serial.serial_for_url(
                url,
                baudrate=baudrate,
                timeout=0,
                write_timeout=write_timeout_s,
                exclusive=exclusive,  # True: flock the device (a second opener is "busy")
            )
        except (serial.SerialException, OSError, ValueError) as e:
            raise LinkError(f"cannot open serial link {url!r}: {e}") from e
        self._fileno: int | None
        try:
            self._fileno = self._port.fileno()
        except (AttributeError, OSError, ValueError):
            self._fileno = None  # loop:// and friends: no fd to select on
        sock = getattr(self._port, "_socket", None)
        if isinstance(sock, socket.socket):  # socket://: don't let Nagle hold small frames
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _read_available(self) -> bytes:
        try:
            return bytes(self._port.read(READ_CHUNK_BYTES))
        except serial.SerialException as e:
            # pyserial's words for EOF: "device reports readiness to read but returned
            # no data", "socket disconnected", "read failed: [Errno 5] …"
            raise LinkClosed(f"{self.url}: {e}") from e

    def _read_some(self, timeout_s: float) -> bytes:
        data = self._read_available()
        if data or timeout_s <= 0:
            return data
        if self._fileno is None:
            return self._read_with_port_timeout(timeout_s)
        if select.select([self._fileno], [], [], timeout_s)[0]:
            return self._read_available()
        return b""

    def _read_with_port_timeout(self, timeout_s: float) -> bytes:
        self._port.timeout = timeout_s
        try:
            first = self._port.read(1)
        except serial.SerialException as e:
            raise LinkClosed(f"{self.url}: {e}") from e
        finally:
            self._port.timeout = 0
        if not first:
            return b""
        return bytes(first) + self._read_available()

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except serial.SerialTimeoutException as e:
            raise LinkError(
                f"{self.url}: write of {len(data)} bytes timed out after "
                f"{self._port.write_timeout} s (is the peer reading?)"
            ) from e
        except serial.SerialException as e:
            raise LinkClosed(f"{self.url}: {e}") from e

    def _close(self) -> None:
        self._port.close()
