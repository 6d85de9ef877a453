"""Real-time pacing: a wall clock of absolute ``time.monotonic()`` deadlines, and what it
records (step lateness, overruns, command latency) as the run's pacing health.

Step s of the plant is due at ``t0 + t_s / speed`` (t_s its sim time), a deadline
computed from the start, never by adding relative sleeps: a late step does not push
the ones after it, so the run cannot drift. ``wait_for_tick`` sleeps until ``spin_s``
before the deadline, then spins on ``monotonic()`` -- ``time.sleep`` on Linux
overshoots by 50-100 µs (more under load; ``lunar-hil bench --host`` measures it), the
spin absorbs that. Each step's *lateness* (start minus deadline, >= 0) is recorded; a
step whose work ends after the next step's deadline is an *overrun*.

The clock takes ``now`` and ``sleep`` callables so a test can drive it with a fake
clock and check the statistics exactly.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from harness.errors import HarnessError

#: default spin before each deadline (``[run] spin_ms``): above the p99 sleep overshoot,
#: and above the late wake-ups of a long wait on the FSW's port that a VM gives now and
#: then (0.4-1.3 ms here; with 0.5 ms each was an overrun)
DEFAULT_SPIN_S = 0.0025


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the smallest value with ``pct`` % at or below it);
    NaN for no values. Exact, so a test can state the answer."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class PacingRecord:
    """What the wall clock saw: per-step lateness, overruns, and per-command latency."""

    #: lateness of each step's start past its deadline, s
    lateness_s: list[float] = field(default_factory=list)
    overruns: int = 0
    #: the worst overrun: how far a step's work ran past the next deadline, s
    worst_overrun_s: float = 0.0
    #: per command: its arrival (mapped to sim time) minus the time it answers, s
    cmd_latency_s: list[float] = field(default_factory=list)
    #: sim time flown and the wall time it took (from the first deadline)
    sim_s: float = 0.0
    wall_s: float = 0.0
    speed: float = 1.0
    spin_s: float = DEFAULT_SPIN_S
    step_us: int = 10_000
    #: what the OS granted for --rt-priority
    scheduling: str = "SCHED_OTHER"
    #: commands that arrived later than one control period after their tick
    late_commands: int = 0
    #: control periods in which no valid ENGINE_CMD arrived
    missing_commands: int = 0
    #: ENGINE_CMDs read after the last step (they took no effect and have no latency)
    commands_after_end: int = 0

    @property
    def achieved_ratio(self) -> float:
        """Sim seconds per wall second, divided by the asked speed (1.0 = on pace)."""
        if self.wall_s <= 0:
            return math.nan
        return self.sim_s / self.wall_s / self.speed

    def summary(self) -> dict[str, Any]:
        """result.json ``realtime``: milliseconds, as the ICD's budgets are written."""
        late = self.lateness_s
        lat = self.cmd_latency_s
        return {
            "speed": self.speed,
            "steps": len(late),
            "jitter_p50_ms": percentile(late, 50) * 1e3,
            "jitter_p99_ms": percentile(late, 99) * 1e3,
            "jitter_max_ms": max(late) * 1e3 if late else math.nan,
            "overruns": self.overruns,
            "worst_overrun_ms": self.worst_overrun_s * 1e3,
            "achieved_ratio": self.achieved_ratio,
            "sim_s": self.sim_s,
            "wall_s": self.wall_s,
            "commands": len(lat),
            "commands_after_end": self.commands_after_end,
            "cmd_latency_p50_ms": percentile(lat, 50) * 1e3,
            "cmd_latency_p99_ms": percentile(lat, 99) * 1e3,
            "cmd_latency_max_ms": max(lat) * 1e3 if lat else math.nan,
            "late_commands": self.late_commands,
            "missing_commands": self.missing_commands,
            "spin_ms": self.spin_s * 1e3,
            "scheduling": self.scheduling,
        }


class WallClock:
    """The real-time ``harness.clock.Clock``: ticks start on absolute wall deadlines.

    ``step_us`` is the plant step the loop paces; ``speed`` > 1 runs faster than real
    time (for an FSW that follows SYNC). ``start()`` fixes t0 = now.
    """

    mode = "realtime"

    def __init__(
        self,
        step_us: int,
        *,
        speed: float = 1.0,
        spin_s: float = DEFAULT_SPIN_S,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not speed > 0 or not math.isfinite(speed):
            raise ValueError(f"speed must be a finite number > 0, found {speed}")
        self.step_us = step_us
        self.speed = speed
        self.spin_s = spin_s
        self.now = now
        self.sleep = sleep
        self.t0 = 0.0
        self.record = PacingRecord(speed=speed, spin_s=spin_s, step_us=step_us)
        #: the sim time of the last step started (for the overrun check)
        self._last_t_us: int | None = None

    def start(self) -> None:
        self.t0 = self.now()

    def deadline(self, t_us: int) -> float:
        """The wall instant sim time ``t_us`` is due."""
        return self.t0 + t_us / 1e6 / self.speed

    def sim_us_at(self, wall: float) -> int:
        """The sim time a wall instant maps to, µs (for arrivals)."""
        return int((wall - self.t0) * self.speed * 1e6)

    def time_left(self, t_us: int) -> float:
        """Wall seconds until sim time ``t_us`` is due (negative when past)."""
        return self.deadline(t_us) - self.now()

    def wait_for_tick(self, k: int, t_us: int) -> None:
        """Sleep to ``spin_s`` before ``t_us``'s deadline, spin to it; record lateness."""
        due = self.deadline(t_us)
        now = self.now
        rec = self.record
        t = now()
        if self._last_t_us is not None and t > due:  # the previous step ran past this one
            rec.overruns += 1
            rec.worst_overrun_s = max(rec.worst_overrun_s, t - due)
        ahead = due - t - self.spin_s
        if ahead > 0:
            self.sleep(ahead)
        t = now()
        while t < due:
            t = now()
        rec.lateness_s.append(t - due)
        self._last_t_us = t_us

    def answer_deadline(self) -> float:
        """An answer may take until the next step is due; never longer."""
        nxt = self.step_us if self._last_t_us is None else self._last_t_us + self.step_us
        return self.deadline(nxt)

    def finish(self, t_us: int) -> PacingRecord:
        """Close the record at sim time ``t_us`` (the last step flown)."""
        rec = self.record
        rec.sim_s = t_us / 1e6
        rec.wall_s = self.now() - self.t0
        return rec


def request_rt_priority(priority: int, pid: int = 0) -> str:
    """Ask for SCHED_FIFO at ``priority`` for process ``pid`` (0: this one); say what the
    OS granted.

    Raises ``PermissionError``/``OSError`` with the OS's reason when refused; the caller
    words the message. ``SCHED_RESET_ON_FORK``: children forked later run at normal
    priority. The kernel's RT throttling (sched_rt_runtime_us, 95 % by default) still
    leaves the machine a slice if a real-time process spins.
    """
    if not hasattr(os, "sched_setscheduler"):
        raise OSError("this OS has no sched_setscheduler (SCHED_FIFO is Linux-only here)")
    lo, hi = os.sched_get_priority_min(os.SCHED_FIFO), os.sched_get_priority_max(os.SCHED_FIFO)
    if not lo <= priority <= hi:
        raise ValueError(f"--rt-priority must be in [{lo}, {hi}] for SCHED_FIFO, found {priority}")
    policy = os.SCHED_FIFO | getattr(os, "SCHED_RESET_ON_FORK", 0)
    os.sched_setscheduler(pid, policy, os.sched_param(priority))
    return f"SCHED_FIFO priority {priority}"


def drop_rt_priority(pid: int = 0) -> None:
    """Back to SCHED_OTHER (after a run in a process that goes on, e.g. a test)."""
    if hasattr(os, "sched_setscheduler"):
        with suppress(ProcessLookupError):  # the child has exited
            os.sched_setscheduler(pid, os.SCHED_OTHER, os.sched_param(0))


class RtPriorityError(HarnessError):
    """SCHED_FIFO was asked for and the OS refused it; the message says why and what to do."""


@contextmanager
def realtime_priority(priority: int, fsw_pid: int | None = None) -> Iterator[str]:
    """SCHED_FIFO at ``priority`` for the block (0: leave the scheduling alone); yields
    what the process runs under. A refusal raises ``RtPriorityError`` before anything
    flies: a run asked to be real-time-scheduled must not quietly run without it.

    ``fsw_pid``: an FSW process of ours that stands in for a board (the stub on a pty)
    gets ``priority - 1``: a board has its own CPU, a child on a loaded host does not.
    """
    if priority <= 0:
        yield "SCHED_OTHER"
        return
    try:
        granted = request_rt_priority(priority)
        if fsw_pid is not None:
            request_rt_priority(max(1, priority - 1), fsw_pid)
            granted += f" (the FSW process at {max(1, priority - 1)})"
    except PermissionError as exc:
        raise RtPriorityError(
            f"--rt-priority {priority}: the OS refused SCHED_FIFO ({exc.strerror}); run as "
            "root, grant CAP_SYS_NICE (setcap cap_sys_nice+ep on the python binary), or "
            "raise RLIMIT_RTPRIO (`ulimit -r 99`, /etc/security/limits.conf rtprio)"
        ) from None
    except (OSError, ValueError) as exc:
        raise RtPriorityError(f"--rt-priority {priority}: {exc}") from None
    try:
        yield granted
    finally:
        drop_rt_priority()
