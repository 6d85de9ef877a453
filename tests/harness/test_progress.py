"""The progress line's real-time factor counts from the first tick: the boot wait is not
flight, and no factor is shown before there is one (it printed "0x real time" at t=0)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from harness.report import progress


def row(t_s: float) -> SimpleNamespace:
    return SimpleNamespace(t_us=round(t_s * 1e6), truth=SimpleNamespace(alt_m=100.0, vz_mps=-2.0))


def test_the_rate_counts_from_the_first_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = [0.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: wall[0])
    out = io.StringIO()
    p = progress.Progress(out)
    wall[0] = 15.0  # the boot took 15 s of wall time
    p.on_tick(row(0.0))  # type: ignore[arg-type]
    first = out.getvalue().rsplit("\r", 1)[-1]
    assert "t=    0.0 s" in first and "real time" not in first
    wall[0] = 16.0  # one wall second later, 200 s of sim time flown
    p.on_tick(row(200.0))  # type: ignore[arg-type]
    assert out.getvalue().endswith("(200x real time)")
