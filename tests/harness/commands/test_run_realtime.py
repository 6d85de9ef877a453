"""`lunar-hil run --mode realtime [--speed X] [--rt-priority]`: the options reach the run,
the summary prints the pacing health, and a refused SCHED_FIFO stops before anything
flies with the reason and the remedy."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.cli import main

CONFIGS = Path(__file__).resolve().parents[3] / "hil_configs"
HOP = ["--set", "initial.alt_m=12", "--set", "initial.vz_mps=-2", "--set", "initial.vx_mps=0"]


def test_run_in_real_time_at_4x_prints_and_records_the_pacing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    argv = ["run", str(CONFIGS / "nominal.toml"), "--mode", "realtime", "--speed", "4"]
    rc = main([*argv, "--fsw", "memory", "--out", str(out), "--no-plot", *HOP])
    text = capsys.readouterr().out
    assert rc == 0
    result = json.loads((out / "result.json").read_text())
    assert result["mode"] == "realtime"
    assert result["verdict"] == "soft"
    rt = result["realtime"]
    assert rt["speed"] == 4.0 and rt["scheduling"] == "SCHED_OTHER"
    # 10.6 s of sim at 4x: ~2.6 s of wall
    assert result["wall_time_s"] == pytest.approx(result["sim_time_s"] / 4, rel=0.3)
    assert "pacing (SCHED_OTHER, speed 4x): step jitter p50/p99/max" in text
    assert f"{rt['commands']} arrived" in text
    assert not (out / "jitter.png").exists()  # --no-plot


def test_a_refused_rt_priority_stops_before_the_run_with_the_remedy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(pid: int, policy: int, param: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    out = tmp_path / "run"
    argv = ["run", str(CONFIGS / "nominal.toml"), "--mode", "realtime", "--rt-priority"]
    rc = main([*argv, "--fsw", "memory", "--out", str(out), "--no-plot", *HOP])
    err = capsys.readouterr().err
    assert rc == 2
    assert "--rt-priority 50: the OS refused SCHED_FIFO (Operation not permitted)" in err
    assert "CAP_SYS_NICE" in err
    assert not (out / "result.json").exists()
