"""A board on a TCP socket for bench tests: the stub's ``FlightSoftware`` behind a
listener on 127.0.0.1 (as ser2net or QEMU's ``-serial tcp::PORT,server`` exposes a board),
optionally dropping every Nth byte it receives before its deframer sees it."""

from __future__ import annotations

import select
import socket
import threading
from types import TracebackType

from fsw_stub.core import make


class FakeBoard:
    def __init__(self, drop_every: int = 0) -> None:
        self.drop_every = drop_every
        self.fsw = make("robust")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.bytes_in = 0
        self.bytes_dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeBoard:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()

    def _keep(self, data: bytes) -> bytes:
        if not self.drop_every:
            self.bytes_in += len(data)
            return data
        out = bytearray()
        for b in data:
            self.bytes_in += 1
            if self.bytes_in % self.drop_every == 0:
                self.bytes_dropped += 1
            else:
                out.append(b)
        return bytes(out)

    def _serve(self) -> None:
        while not self._stop.is_set():
            if select.select([self.listener], [], [], 0.05)[0]:
                conn, _ = self.listener.accept()
                with conn:
                    self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        while not self._stop.is_set():
            if not select.select([conn], [], [], 0.05)[0]:
                continue
            data = conn.recv(65536)
            if not data:
                return
            out = self.fsw.receive(self._keep(data))
            if out:
                conn.sendall(out)
