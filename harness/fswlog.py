"""A launched FSW's output, kept bounded: a babbling child can fill neither the disk nor
the harness's memory.

``BoundedLog`` is handed to the child as its stdout/stderr (a pipe); a thread copies what
comes to ``fsw_stderr.log`` up to ``cap_bytes``, counts the rest, and notes the cap in the
file. ``tail()`` quotes the last lines from a small ring buffer in memory -- the file is
never read back.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from pathlib import Path

#: what a run keeps of its FSW's output (the rest is counted, not kept)
DEFAULT_CAP_BYTES = 8 * 1024 * 1024
_TAIL_BYTES = 64 * 1024
_CHUNK = 65536


class BoundedLog:
    """The write end of a pipe for the child; a thread drains the read end to ``path``."""

    def __init__(self, path: Path, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.path = path
        self.cap_bytes = cap_bytes
        self.kept = 0
        self.discarded = 0
        self._tail: deque[bytes] = deque()
        self._tail_len = 0
        self._fh = path.open("wb")
        self._read_fd, self.write_fd = os.pipe()
        self._thread = threading.Thread(target=self._drain, name="fsw-log", daemon=True)
        self._thread.start()

    def child_started(self) -> None:
        """Close the parent's copy of the write end: the child holds it now."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self._read_fd, _CHUNK)
            except OSError:
                break
            if not data:
                break
            room = self.cap_bytes - self.kept
            keep = data[: max(room, 0)]
            if keep:
                try:
                    self._fh.write(keep)
                    self._fh.flush()
                except (OSError, ValueError):
                    pass
                self.kept += len(keep)
            self.discarded += len(data) - len(keep)
            self._remember(data)
        os.close(self._read_fd)

    def _remember(self, data: bytes) -> None:
        self._tail.append(data)
        self._tail_len += len(data)
        while self._tail_len - len(self._tail[0]) >= _TAIL_BYTES:
            self._tail_len -= len(self._tail.popleft())

    def settle(self, timeout_s: float = 1.0) -> None:
        """After the child is gone: wait (at most ``timeout_s``) until the thread has read
        the pipe to its end, so ``tail`` holds the child's last words."""
        self.child_started()
        self._thread.join(timeout_s)

    def tail(self, lines: int = 15) -> str:
        text = b"".join(self._tail).decode(errors="replace")
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def close(self, timeout_s: float = 2.0) -> None:
        """After the child is gone: drain what is left, note the cap, close the file.
        A second call does nothing (a run closes its endpoint more than once)."""
        if self._fh.closed:
            return
        self.settle(timeout_s)
        try:
            if self.discarded:
                self._fh.write(
                    f"\n[lunar-hil: output capped at {self.cap_bytes} bytes;"
                    f" {self.discarded} more bytes were discarded]\n".encode()
                )
            self._fh.close()
        except OSError:
            pass
