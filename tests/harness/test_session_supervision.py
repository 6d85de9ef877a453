"""The session against misbehaving FSW programs over a real pty: every run ends with the
right verdict or counts, within its watchdog, and leaves no process behind."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from harness.launcher import FswKind, launch
from harness.link.line import SerialLine
from harness.outcome import SessionOutcome
from harness.plant.state import Touchdown, Truth
from harness.report.observers import RowRecorder
from harness.sensors.base import Emission
from harness.session import Session, SessionSettings
from harness.verdict import Verdict
from packets import Lrf, StateInit, cuc_from_us

FAKE = Path(__file__).with_name("fake_fsw.py")
G = 1.62


class FreeFallSim:
    """Analytic stand-in for the simulator: free fall from 20 m, an LRF at 10 Hz."""

    def __init__(self, alt0_m: float = 20.0) -> None:
        self.alt0 = alt0_m
        self.t_us = 0
        self._td: Touchdown | None = None
        self.commands: list[tuple[bool, float, float]] = []

    def _truth(self, t_us: int) -> Truth:
        t = t_us / 1e6
        alt = self.alt0 - 0.5 * G * t * t
        return Truth(t_us, 0.0, alt, alt, 0.0, -G * t, 0.0, 0.0, 500.0, 0.0, 0.0, False,
                     0.0, 0.0, False)  # fmt: skip

    @property
    def truth(self) -> Truth:
        return self._truth(self.t_us)

    @property
    def touchdown(self) -> Touchdown | None:
        return self._td

    @property
    def propellant_out_us(self) -> int | None:
        return None

    def command(self, engine_on: bool, throttle: float, pitch_rad: float) -> None:
        self.commands.append((engine_on, throttle, pitch_rad))

    def advance_to(self, t_us: int) -> list[Emission]:
        t_td = math.sqrt(2 * self.alt0 / G)
        if t_us / 1e6 >= t_td:
            self._td = Touchdown(t_td, -G * t_td, 0.0, 0.0, 0.0, 100.0)
            self.t_us = int(t_td * 1e6)
            return []
        out = []
        for t in range(self.t_us + 10_000, t_us + 1, 10_000):
            if t % 100_000 == 0:
                rng = self._truth(t).alt_m
                out.append(Emission(t, cuc_from_us(t), Lrf(rng, 1, 200, t // 100_000), "lrf", t))
        self.t_us = t_us
        return out


class Flown:
    """A session's outcome, with the rows its observer recorded."""

    def __init__(self, outcome: SessionOutcome, rows: list[Any]) -> None:
        self.outcome = outcome
        self.rows = rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self.outcome, name)


def _session(
    fake: str,
    tmp_path: Path,
    n: int = 10,
    sim: FreeFallSim | None = None,
    split: bool = False,
    **settings: Any,
) -> tuple[Flown, FreeFallSim, float]:
    """One session against ``fake_fsw.py FAKE`` on a pty; asserts the child was reaped."""
    endpoint = launch(
        FswKind.PROCESS,
        run_dir=tmp_path,
        fsw_config=tmp_path / "FSW.toml",
        command=f"{sys.executable} {FAKE} {fake} {{port}} {n}" + (" split" if split else ""),
    )
    sim = sim or FreeFallSim()
    recorder = RowRecorder()
    s = Session(
        sim,
        endpoint,
        StateInit(20.0, 0.0, 0.0, 0.0, 500.0, 1.0, 0.1),
        SessionSettings(**{"watchdog_s": 1.0, "boot_timeout_s": 5.0, **settings}),
        observers=[recorder],
    )
    try:
        t0 = time.monotonic()
        outcome = s.run()
        elapsed = time.monotonic() - t0
    finally:
        endpoint.close()
    assert endpoint.process is not None
    assert endpoint.process.poll() is not None, "child left running"
    return Flown(outcome, recorder.rows), sim, elapsed


def test_good_fsw_reaches_touchdown_with_the_free_fall_verdict(tmp_path: Path) -> None:
    outcome, sim, _ = _session("good", tmp_path)
    assert outcome.verdict is Verdict.CRASH  # 20 m free fall: 8 m/s
    assert outcome.touchdown is not None
    assert outcome.touchdown.vz_mps == pytest.approx(-math.sqrt(2 * G * 20.0), rel=1e-9)
    ticks = len(outcome.rows)
    assert ticks == len(sim.commands) == math.ceil(math.sqrt(2 * 20.0 / G) / 0.05)
    assert outcome.link["received"]["by_name"]["ENGINE_CMD"] == ticks
    assert outcome.link["received"]["crc_errors"] == 0
    assert outcome.link["fsw_rx"]["rx_crc_errors"] == 0


def test_fsw_that_exits_mid_run_is_fsw_crash_with_its_stderr(tmp_path: Path) -> None:
    outcome, sim, elapsed = _session("exit", tmp_path, n=7)
    assert outcome.verdict is Verdict.FSW_CRASH
    assert "code 3" in outcome.end_reason
    assert "exiting after 7 ticks" in outcome.end_reason
    assert len(sim.commands) == 7
    assert elapsed < 5.0


def test_fsw_that_goes_silent_is_fsw_timeout_after_the_watchdog(tmp_path: Path) -> None:
    outcome, sim, elapsed = _session("silent", tmp_path, n=5, watchdog_s=0.5)
    assert outcome.verdict is Verdict.FSW_TIMEOUT
    assert "ENGINE_CMD(5)" in outcome.end_reason
    assert len(sim.commands) == 5
    assert elapsed < 4.0


def test_fsw_that_never_answers_ping_is_fsw_timeout(tmp_path: Path) -> None:
    outcome, _, _ = _session("mute", tmp_path, boot_timeout_s=0.6, ping_interval_s=0.1)
    assert outcome.verdict is Verdict.FSW_TIMEOUT
    assert "no PONG" in outcome.end_reason
    assert outcome.link["frames_sent"]["PING"] >= 3


def test_garbage_between_answers_is_skipped_and_counted(tmp_path: Path) -> None:
    outcome, _, _ = _session("garbage", tmp_path)
    ticks = len(outcome.rows)
    assert outcome.verdict is Verdict.CRASH  # the run completes despite the babble
    assert outcome.link["received"]["skipped_bytes"] == 37 * ticks
    assert outcome.link["received"]["by_name"]["ENGINE_CMD"] == ticks


def test_nan_throttles_are_rejected_counted_and_the_last_command_held(tmp_path: Path) -> None:
    outcome, sim, _ = _session("nan", tmp_path)
    ticks = len(outcome.rows)
    assert outcome.link["engine_cmd_rejected"] == ticks
    assert outcome.link["received"]["rejected"] == ticks
    assert all(c == (False, 0.0, 0.0) for c in sim.commands)  # never a NaN in the plant
    assert "engine_cmd_rejected" in outcome.causes


class InterruptingSim(FreeFallSim):
    """Raises KeyboardInterrupt (as Ctrl-C would) once sim time passes 1 s."""

    def advance_to(self, t_us: int) -> list[Emission]:
        if t_us > 1_000_000:
            raise KeyboardInterrupt
        return super().advance_to(t_us)


def test_ctrl_c_ends_the_run_as_aborted_with_what_it_had(tmp_path: Path) -> None:
    outcome, _, _ = _session("good", tmp_path, sim=InterruptingSim())
    assert outcome.verdict is Verdict.ABORTED
    assert "interrupted" in outcome.end_reason
    assert len(outcome.rows) == 21  # ticks 0..20 (t <= 1 s) were flown and are kept


def test_a_slow_line_delays_frames_by_their_transmission_time(tmp_path: Path) -> None:
    """2400 baud, 10 bits a byte: a 26-byte LRF frame takes 108.4 ms on the line, so the
    LRF due at 100 ms arrives at 208.4 ms and is sent before SYNC(5) (250 ms), not SYNC(2)."""
    line = SerialLine(2400)
    assert line.tx_time_us(26) == 108_334
    instant, _, _ = _session("good", tmp_path)
    slow, _, _ = _session("good", tmp_path, line=line)
    sent_at = [[r.t_us for r in o.rows if r.lrf_sent is not None][:3] for o in (instant, slow)]
    assert sent_at[0] == [100_000, 200_000, 300_000]  # instant line
    assert sent_at[1] == [250_000, 350_000, 450_000]  # 108.3 ms later, next tick


class BrokenSim(FreeFallSim):
    """A harness bug half-way through the run."""

    def advance_to(self, t_us: int) -> list[Emission]:
        if t_us > 500_000:
            raise ZeroDivisionError("plant bug")
        return super().advance_to(t_us)


def test_a_harness_error_keeps_what_the_run_had(tmp_path: Path) -> None:
    outcome, _, _ = _session("good", tmp_path, sim=BrokenSim())
    assert outcome.verdict is Verdict.ABORTED
    assert "ZeroDivisionError: plant bug" in outcome.end_reason
    assert outcome.harness_error is not None and "Traceback" in outcome.harness_error
    assert len(outcome.rows) == 11  # ticks 0..10 (t <= 0.5 s)
