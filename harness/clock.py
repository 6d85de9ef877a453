"""How time passes in a run, apart from what happens at each tick.

``SimClock`` is the harness's sim time as one shared value: the loop sets it, the line
stamps writes with it, the capture records it. A loop's *pacing* is a ``Clock``:

* ``LockstepClock`` -- the harness owns time (ICD §4): a tick starts as soon as the
  previous answer is in, and the wait for an answer is bounded only by a wall-clock
  watchdog. No sim time passes while the harness waits.
* ``harness.pacing.WallClock`` (real-time mode) paces ticks by absolute
  ``time.monotonic()`` deadlines and records their lateness; it shares everything else
  with the lockstep loop.
"""

from __future__ import annotations

import time
from typing import Protocol


class SimClock:
    """Sim time now (``t_us``), and how far the modelled line may deliver for the tick
    being answered (``horizon_us``: in lockstep, the next tick's time)."""

    __slots__ = ("horizon_us", "t_us")

    def __init__(self) -> None:
        self.t_us = 0
        self.horizon_us = 0

    def now(self) -> int:
        return self.t_us


class Clock(Protocol):
    """A loop's pacing: when a tick may start, and how long its answer may take."""

    mode: str

    def start(self) -> None: ...
    def wait_for_tick(self, k: int, t_us: int) -> None: ...
    def answer_deadline(self) -> float:
        """The ``time.monotonic()`` instant by which the answer to this tick must be in."""
        ...


class LockstepClock:
    """The harness owns time: no waiting between ticks; the answer waits on a watchdog."""

    mode = "lockstep"

    def __init__(self, watchdog_s: float) -> None:
        self.watchdog_s = watchdog_s

    def start(self) -> None:
        pass

    def wait_for_tick(self, k: int, t_us: int) -> None:
        pass

    def answer_deadline(self) -> float:
        return time.monotonic() + self.watchdog_s
