"""The real-time loop against FSW programs over a real pty, at 4x or 2x speed on a short
free fall: late and missing commands are counted and the run flies on; a silent, a
babbling and a dead FSW end with the right verdict, never a hang."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from harness.verdict import Verdict
from packets import Apid, cuc_from_us
from tests.harness.test_session_supervision import FreeFallSim, G, _session

PERIOD_US = 50_000


def _fly(
    mode: str, tmp_path: Path, *, n: int = 10, alt0_m: float = 20.0, **settings: Any
) -> tuple[Any, FreeFallSim, list[Any], float]:
    """One real-time session against ``fake_fsw.py MODE`` on a pty, at 4x unless told."""
    flown, sim, elapsed = _session(
        mode, tmp_path, n, FreeFallSim(alt0_m), **{"mode": "realtime", "speed": 4.0, **settings}
    )
    return flown, sim, flown.rows, elapsed


#: for the tests of late and missing commands: a loaded host may starve the fake FSW
#: for a quarter second (21 periods at 4x), which would end the run -- not what they test
PATIENT = 400


def test_a_prompt_fsw_flies_to_the_analytic_touchdown_with_pacing_figures(
    tmp_path: Path,
) -> None:
    outcome, _sim, rows, _elapsed = _fly("good", tmp_path, max_missed_commands=PATIENT)
    t_td = math.sqrt(2 * 20.0 / G)
    assert outcome.verdict is Verdict.CRASH
    assert outcome.touchdown is not None
    assert outcome.touchdown.vz_mps == pytest.approx(-G * t_td, rel=1e-9)
    # paced at 4x: 4.97 s of sim take ~1.24 s of wall (boot excluded)
    assert outcome.wall_time_s == pytest.approx(t_td / 4, rel=0.25)
    assert len(rows) == math.ceil(t_td / 0.05)
    rec = outcome.pacing
    assert rec is not None
    summary = rec.summary()
    assert summary["steps"] == len(rec.lateness_s) >= len(rows) * 5 - 5
    # every tick answered; its command's latency is a wire-and-process time, well under
    # a period even on a loaded machine
    assert summary["commands"] >= 0.8 * len(rows)  # a starved child merges a few
    assert 0.0 < summary["cmd_latency_p50_ms"] < 50.0
    assert outcome.link["engine_cmd_late"] == summary["late_commands"]


def test_a_fsw_a_period_behind_is_late_every_tick_and_still_flies(tmp_path: Path) -> None:
    outcome, _sim, _rows, _ = _fly("hold", tmp_path, max_missed_commands=PATIENT)
    assert outcome.verdict is Verdict.CRASH  # the commands (engine off) changed nothing
    rec = outcome.pacing
    assert rec is not None
    # SYNC(k)'s answer leaves with SYNC(k+1): one period (50 ms) plus the wire
    assert rec.late_commands >= len(rec.cmd_latency_s) - 2 > 50
    assert min(rec.cmd_latency_s[2:]) > PERIOD_US / 1e6
    assert outcome.link["engine_cmd_late"] == rec.late_commands


def test_a_fsw_that_skips_every_other_period_is_missing_half_the_commands(
    tmp_path: Path,
) -> None:
    outcome, sim, rows, _ = _fly("even", tmp_path, speed=2.0, max_missed_commands=PATIENT)
    assert outcome.verdict is Verdict.CRASH  # 1 missed in a row is far below the limit
    rec = outcome.pacing
    assert rec is not None
    periods = len(rows) - 1  # closed before touchdown
    # the odd periods never get one; a command late into the next period leaves its own
    # empty instead, so each late command can add at most one missing period
    assert periods // 2 - 2 <= rec.missing_commands <= periods // 2 + rec.late_commands + 3
    assert 1 <= outcome.link["max_missed_commands_in_row"] <= 20
    assert len(sim.commands) == pytest.approx(len(rows) / 2, abs=5)


def test_a_fsw_that_goes_silent_ends_as_fsw_timeout_not_a_hang(tmp_path: Path) -> None:
    outcome, _sim, _rows, elapsed = _fly("silent", tmp_path, n=10)
    assert outcome.verdict is Verdict.FSW_TIMEOUT
    assert "sent nothing for 21 control periods" in outcome.end_reason
    # 10 answered ticks, then 21 silent periods: ~1.55 s of sim, ~0.4 s of wall at 4x
    assert outcome.sim_time_s == pytest.approx(1.55, abs=0.15)
    assert elapsed < 6.0  # boot included: a Python child on a loaded machine


def test_a_fsw_that_answers_without_commands_is_fsw_protocol(tmp_path: Path) -> None:
    outcome, *_ = _fly("status_only", tmp_path, n=5)
    assert outcome.verdict is Verdict.FSW_PROTOCOL
    assert "no valid ENGINE_CMD for 21 control periods" in outcome.end_reason
    assert "though bytes came" in outcome.end_reason


def test_a_fsw_that_dies_mid_run_is_fsw_crash_with_its_stderr(tmp_path: Path) -> None:
    outcome, _sim, _rows, elapsed = _fly("exit", tmp_path, n=7)
    assert outcome.verdict is Verdict.FSW_CRASH
    assert "code 3" in outcome.end_reason
    assert "exiting after 7 ticks" in outcome.end_reason
    assert elapsed < 6.0  # boot included: a Python child on a loaded machine


def test_a_command_drained_after_the_run_is_counted_not_timed() -> None:
    """What the FSW sent after the last step has no arrival sim time: it took no effect
    and has no latency (it once got arrival 0, a latency of minus the whole flight)."""
    from harness.outcome import ExchangeCounts
    from harness.realtime import CommandIntake
    from packets import EngineCmd
    from packets.codec import Frame

    intake = CommandIntake(ExchangeCounts(), [])
    cmd = Frame(Apid.ENGINE_CMD, 0, cuc_from_us(98 * 50_000), EngineCmd(98, 1, 0.5, 0.0))
    intake.take([cmd], 98 * 50_000 + 2_000, 50_000)  # in flight: 2 ms after its tick
    assert intake.latency_s == [pytest.approx(0.002, abs=1e-4)]
    late = Frame(Apid.ENGINE_CMD, 1, cuc_from_us(99 * 50_000), EngineCmd(99, 1, 0.5, 0.0))
    intake.finish([late])
    assert intake.latency_s == [pytest.approx(0.002, abs=1e-4)]
    assert intake.pending is None and intake.counts.engine_cmd_late == 0
    assert intake.after_end == 1
