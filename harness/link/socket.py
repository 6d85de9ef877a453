"""A TCP listener that accepts one FSW: the FSW dials ``socket://127.0.0.1:PORT`` (pyserial).

The listener binds at construction (so the port — ephemeral with ``port=0`` — is known
before the FSW is started); ``accept()`` waits for the FSW under a monotonic deadline and
is called implicitly by the first read or write. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import select
import socket
import time

from harness.link.base import Link, LinkClosed, LinkError

DEFAULT_HOST = "127.0.0.1"
READ_CHUNK_BYTES = 65536


class SocketServerLink(Link):
    """Listens on ``host:port``, accepts one connection, then moves bytes over it."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        accept_timeout_s: float = 10.0,
        write_timeout_s: float = 10.0,
    ) -> None:
        self.host = host
        self.accept_timeout_s = accept_timeout_s
        self.write_timeout_s = write_timeout_s
        self._conn: socket.socket | None = None
        try:
            self._listener: socket.socket | None = socket.create_server((host, port))
        except OSError as e:
            raise LinkError(f"cannot listen on {host}:{port}: {e}") from e
        self.port: int = self._listener.getsockname()[1]
        self.name = f"tcp-listen://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The pyserial URL the FSW opens to reach this listener."""
        return f"socket://{self.host}:{self.port}"

    def accept(self, timeout_s: float | None = None) -> None:
        """Wait for the FSW to connect (``LinkError`` naming host:port after the timeout)."""
        if self._conn is not None:
            return
        if self._closed or self._listener is None:
            raise LinkError(f"{self.name}: accept on a closed link")
        timeout = self.accept_timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LinkError(f"no FSW connected to {self.host}:{self.port} within {timeout} s")
            ready, _, _ = select.select([self._listener], [], [], remaining)
            if not ready:
                continue
            try:
                conn, _peer = self._listener.accept()
            except BlockingIOError:
                continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.settimeout(self.write_timeout_s)  # bounds sendall; reads select first
            self._conn = conn
            self._listener.close()  # one FSW per run
            self._listener = None
            return

    def _connection(self) -> socket.socket:
        if self._conn is None:
            self.accept()
        assert self._conn is not None
        return self._conn

    def _read_some(self, timeout_s: float) -> bytes:
        conn = self._connection()
        if not select.select([conn], [], [], timeout_s)[0]:
            return b""
        try:
            data = conn.recv(READ_CHUNK_BYTES)
        except (BlockingIOError, TimeoutError):
            return b""
        except OSError as e:  # reset, aborted
            raise LinkClosed(f"{self.name}: {e}") from e
        if data == b"":
            raise LinkClosed(f"{self.name}: the FSW closed the connection")
        return data

    def _write(self, data: bytes) -> None:
        conn = self._connection()
        try:
            conn.sendall(data)
        except TimeoutError as e:
            raise LinkError(
                f"{self.name}: write of {len(data)} bytes timed out after "
                f"{self.write_timeout_s} s (is the FSW reading?)"
            ) from e
        except OSError as e:  # EPIPE, reset
            raise LinkClosed(f"{self.name}: {e}") from e

    def _close(self) -> None:
        for sock in (self._conn, self._listener):
            if sock is not None:
                sock.close()
        self._conn = None
        self._listener = None
