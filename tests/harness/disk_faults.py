"""A disk that fills under a run, injected: the capture's N-th record write fails with
ENOSPC (a tmpfs needs root; an injected OSError takes the same path)."""

from __future__ import annotations

import pytest

from harness.link.capture import CaptureWriter


def capture_disk_fills_at(monkeypatch: pytest.MonkeyPatch, record_n: int) -> None:
    real = CaptureWriter.record
    calls = {"n": 0}

    def record(self: CaptureWriter, sim_us: int, direction: int, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == record_n and self.error is None:
            self.error = OSError(28, "No space left on device")
        real(self, sim_us, direction, data)

    monkeypatch.setattr(CaptureWriter, "record", record)


def run_dir_is_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Taking a run directory's lock fails with EROFS, as on a read-only mount (root
    ignores permission bits, so a chmod would not do)."""
    import errno
    import os

    import harness.rundir

    real_open = os.open

    def ro_open(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(harness.rundir.LOCK_NAME):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode)

    monkeypatch.setattr(harness.rundir.os, "open", ro_open)
