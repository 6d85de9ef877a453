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
