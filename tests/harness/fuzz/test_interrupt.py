"""A fuzz run stopped by Ctrl-C or SIGTERM keeps what it did: ``search`` ends with the
cases so far (and a violation it had not finished shrinking), and ``lunar-hil fuzz``
writes fuzz.json and exits 130 / 143 (an interrupted fuzz wrote no fuzz.json)."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import harness.cli
from harness.errors import SignalInterrupt
from harness.fuzz import search as search_mod
from harness.fuzz.driver import Target
from harness.fuzz.reproducer import launcher_factory
from harness.fuzz.search import search
from harness.launcher import FswKind
from tests.harness.fuzz.broken_fsw import BROKEN, endpoint
from tests.harness.fuzz.test_search import PASSING, SETTINGS


def stop_at_play(monkeypatch: pytest.MonkeyPatch, n: int, signum: int) -> None:
    """The ``n``-th case played raises what the CLI's handler raises for ``signum``."""
    real: Callable[..., Any] = search_mod.play
    calls = [0]

    def play(*a: Any, **k: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise SignalInterrupt(signum) if signum != signal.SIGINT else KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(search_mod, "play", play)


def test_search_keeps_the_cases_so_far(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stop_at_play(monkeypatch, 40, signal.SIGTERM)
    target = Target(launcher_factory(FswKind.MEMORY, run_dir=tmp_path), PASSING)
    try:
        res = search(target, cases=1000, run_seed=3, keep_on_interrupt=True)
    finally:
        target.close()
    assert res.interrupted_by == "SIGTERM" and res.cases == 40 and res.failure is None


def test_without_keep_an_interrupt_is_raised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    stop_at_play(monkeypatch, 5, signal.SIGINT)
    target = Target(launcher_factory(FswKind.MEMORY, run_dir=tmp_path), PASSING)
    try:
        with pytest.raises(KeyboardInterrupt):
            search(target, cases=1000, run_seed=3)
    finally:
        target.close()


def test_a_violation_found_before_the_interrupt_is_kept(monkeypatch: pytest.MonkeyPatch):
    def minimize(self: Any, blob: bytes, v: Any, history: list[bytes]) -> Any:
        raise SignalInterrupt(signal.SIGTERM)  # Ctrl-C while shrinking

    monkeypatch.setattr(search_mod._Search, "minimize", minimize)
    target = Target(lambda: endpoint(BROKEN["crashes_on_lrf_zero"]), SETTINGS)
    try:
        res = search(target, cases=3000, run_seed=1, keep_on_interrupt=True)
    finally:
        target.close()
    assert res.failure is None and res.unshrunk is not None
    assert res.unshrunk.oracle == "liveness" and res.interrupted_by == "SIGTERM"


def test_the_fuzz_command_writes_fuzz_json_and_exits_143(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop_at_play(monkeypatch, 25, signal.SIGTERM)
    out = tmp_path / "fz"
    code = harness.cli.main(["fuzz", "--fsw", "memory", "--cases", "1000", "--out", str(out)])
    assert code == 143
    summary = json.loads((out / "fuzz.json").read_text())
    assert summary["interrupted_by"] == "SIGTERM" and summary["cases"] == 25
    assert "interrupted by SIGTERM after 25 cases" in capsys.readouterr().out
