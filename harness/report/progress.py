"""Progress on stderr while a run flies -- only when stderr is a terminal.

A run observer: every half second of wall time it rewrites one status line (sim time,
altitude, vertical speed, ticks, real-time factor). ``Progress.for_stderr()`` is silent
when stderr is not a terminal (CI logs, pipes), so nothing changes for a script.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from harness.outcome import TickRow

INTERVAL_S = 0.5


class Progress:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self._t0 = time.monotonic()
        self._next = self._t0
        #: (sim s, wall s) at the first tick: the rate counts from there, not from boot
        self._first: tuple[float, float] | None = None
        self._shown = False
        if stream is not None:
            stream.write("booting the FSW (PING until PONG)…\r")
            stream.flush()
            self._shown = True

    @classmethod
    def for_stderr(cls) -> Progress:
        err = sys.stderr
        return cls(err if err.isatty() else None)

    def on_tick(self, row: TickRow) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + INTERVAL_S
        t = row.t_us / 1e6
        if self._first is None:
            self._first = (t, now)
        t0, wall0 = self._first
        wall = now - wall0
        rate = f"  ({(t - t0) / wall:.0f}x real time)" if wall > 0 and t > t0 else ""
        self.stream.write(
            f"\r\033[Kt={t:7.1f} s  alt={row.truth.alt_m:8.1f} m  v_z={row.truth.vz_mps:7.1f} m/s"
            + rate
        )
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self.stream is not None and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
