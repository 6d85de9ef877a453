"""What one run produced, as values: a telemetry row per tick, the outcome, its causes.

Shared by the loops that make them (lockstep, real time) and the report that reads them,
so neither imports the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

from harness.plant.state import Touchdown, Truth
from harness.verdict import Cause, Verdict
from packets import Event, FswStatus, Lrf, NavFlags


class TickRow(NamedTuple):
    """One telemetry row: truth at t_k beside the FSW's view and its command."""

    t_us: int
    truth: Truth
    engine_on: bool
    throttle: float
    pitch_cmd_rad: float
    status: FswStatus | None
    lrf_sent: Lrf | None


class RunEnded(Exception):  # noqa: N818 (a control-flow signal: the run ends with a verdict)
    """Raised inside a loop to end the run with a verdict and a reason."""

    def __init__(self, verdict: Verdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


@dataclass
class ExchangeCounts:
    """How the FSW's answers went, tick by tick (result.json ``link``)."""

    #: FSW_STATUS / ENGINE_CMD frames answering another tick than the one waited for
    #: (late ones, duplicates, and any that follow ENGINE_CMD(k) in the stream)
    stale_answers: int = 0
    #: ENGINE_CMD(k) that arrived with a good PEC and failed the range checks
    engine_cmd_rejected: int = 0
    #: ticks whose ENGINE_CMD was lost: bytes arrived, failed, and the line went quiet
    engine_cmd_lost: int = 0
    #: ticks whose ENGINE_CMD(k) arrived after the line's horizon for tick k
    engine_cmd_late: int = 0
    #: the most ticks in a row without a valid ENGINE_CMD
    max_missed_in_row: int = 0
    #: frames the harness does not expect from an FSW (sensor APIDs, SYNC, ...)
    unexpected_frames: int = 0
    #: partial frames given up after a quiet line (ICD §2 rule 7)
    resyncs: int = 0


@dataclass
class SessionOutcome:
    verdict: Verdict
    end_reason: str
    causes: list[str]
    touchdown: Touchdown | None
    events: list[tuple[float, Event]]
    link: dict[str, Any]
    sim_time_s: float
    #: ticks flown (rows handed to the observers)
    ticks: int
    #: wall time of the tick loop (after the FSW answered PING)
    wall_time_s: float
    #: wall time from the first PING to the first PONG (process start-up, board boot)
    boot_wall_s: float
    #: OR of every FSW_STATUS nav_flags seen
    nav_flags_seen: int = 0
    propellant_out_us: int | None = None
    #: the traceback when the run ended on a harness error (verdict "aborted")
    harness_error: str | None = None
    #: "SIGINT", "SIGTERM" or "SIGHUP" when a signal ended the run (verdict "aborted")
    interrupted_by: str | None = None
    #: real time only: the wall clock's record (harness.pacing.PacingRecord)
    pacing: Any = None

    @property
    def realtime_factor(self) -> float:
        return self.sim_time_s / self.wall_time_s if self.wall_time_s > 0 else math.inf


def causes(
    *,
    propellant_out: bool,
    nav_flags_seen: int,
    exchange: ExchangeCounts,
) -> list[str]:
    """The causes tagged beside a verdict (docs/design.md "Verdicts")."""
    out = []
    if propellant_out:
        out.append(Cause.FUEL_EXHAUSTED.value)
    if nav_flags_seen & NavFlags.LRF_FAILED:
        out.append(Cause.LRF_LATCHED_FAILED.value)
    if nav_flags_seen & NavFlags.FALLBACK:
        out.append(Cause.LRF_FALLBACK.value)
    if exchange.engine_cmd_rejected:
        out.append(Cause.ENGINE_CMD_REJECTED.value)
    if exchange.engine_cmd_lost:
        out.append(Cause.ENGINE_CMD_LOST.value)
    if exchange.stale_answers:
        out.append(Cause.STALE_ANSWERS.value)
    return out
