"""One run of one FSW: the port, the line, supervision and the loop, composed.

``Session.run`` boots the FSW over its ``FswPort`` (PING until PONG, then STATE_INIT),
flies the ``LockstepLoop`` (or, with ``mode="realtime"``, the ``RealtimeLoop`` on a
``WallClock``) and assembles the ``SessionOutcome``. Whatever ends the run --
touchdown, the sim-time limit, a silent or dead FSW, a broken link, Ctrl-C, a harness
bug -- ends here as a verdict with a reason; rows went to the observers as they came.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from harness.clock import LockstepClock, SimClock
from harness.collector import collector_paused
from harness.errors import SignalInterrupt, signal_name
from harness.exchange import TickExchange
from harness.launcher import FswEndpoint
from harness.link.base import Link, LinkError
from harness.link.line import Line, SerialLine
from harness.lockstep import LockstepLoop, RunObserver, SimulatorLike
from harness.outcome import ExchangeCounts, RunEnded, SessionOutcome, causes
from harness.pacing import DEFAULT_SPIN_S, WallClock
from harness.port import BootTimeoutError, FswPort, Received
from harness.realtime import CommandIntake, RealtimeLoop
from harness.supervisor import Supervisor
from harness.verdict import Verdict, broken_limits
from packets import Event, StateInit

#: at the end of a run, read what the link already holds at most this many times
_MAX_DRAIN_READS = 4096


@dataclass(frozen=True)
class SessionSettings:
    period_us: int = 50_000
    max_sim_time_us: int = 400_000_000
    #: wall-clock watchdog on each wait for ENGINE_CMD(k)
    watchdog_s: float = 5.0
    #: PING until PONG for at most this long (a board that is still booting)
    boot_timeout_s: float = 15.0
    ping_interval_s: float = 0.25
    read_slice_s: float = 0.05
    #: a partial frame is given up once the link has been quiet this long; at least
    #: the time the longest valid frame (1028 bytes) takes on the line
    resync_quiet_s: float = 0.2
    #: the serial line model, both directions (None: bytes arrive when written)
    line: SerialLine | None = None
    #: consecutive ticks without a valid ENGINE_CMD before the run is ``fsw_protocol``
    #: (None: 1 s of sim time)
    max_missed_commands: int | None = None
    #: "lockstep" (the harness owns time) or "realtime" (paced by the wall clock)
    mode: str = "lockstep"
    #: real time: the plant step the wall clock paces, sim/wall speed, spin before a deadline
    step_us: int = 10_000
    speed: float = 1.0
    spin_s: float = DEFAULT_SPIN_S

    @property
    def max_missed(self) -> int:
        if self.max_missed_commands is not None:
            return self.max_missed_commands
        return max(1, 1_000_000 // self.period_us)


class Session:
    """Drives one FSW endpoint through one scenario."""

    def __init__(
        self,
        sim: SimulatorLike,
        endpoint: FswEndpoint,
        state_init: StateInit,
        settings: SessionSettings,
        link: Link | None = None,
        *,
        observers: Sequence[RunObserver] = (),
        sim_clock: SimClock | None = None,
        line: Line | None = None,
    ) -> None:
        self.sim = sim
        self.endpoint = endpoint
        self.state_init = state_init
        self.s = settings
        self.simt = sim_clock or SimClock()
        self.line = line or Line.of(settings.line)
        self.port = FswPort(
            link if link is not None else endpoint.link,
            resync_quiet_s=settings.resync_quiet_s,
            clock=self.simt,
        )
        self.supervisor = Supervisor(endpoint)
        self.counts = ExchangeCounts()
        #: the Ctrl-C or signal that ended the run, for the caller to re-raise when done
        self.interrupt: KeyboardInterrupt | None = None
        self.events: list[tuple[float, Event]] = []
        self.loop: LockstepLoop | RealtimeLoop
        if settings.mode == "realtime":
            self.loop = RealtimeLoop(
                sim,
                self.port,
                self.line,
                self.simt,
                WallClock(settings.step_us, speed=settings.speed, spin_s=settings.spin_s),
                self.supervisor,
                CommandIntake(self.counts, self.events),
                step_us=settings.step_us,
                period_us=settings.period_us,
                max_sim_time_us=settings.max_sim_time_us,
                read_slice_s=settings.read_slice_s,
                max_missed_commands=settings.max_missed,
                observers=observers,
            )
            return
        self.loop = LockstepLoop(
            sim,
            self.port,
            self.line,
            self.simt,
            LockstepClock(settings.watchdog_s),
            self.supervisor,
            TickExchange(self.counts, self.events),
            period_us=settings.period_us,
            max_sim_time_us=settings.max_sim_time_us,
            read_slice_s=settings.read_slice_s,
            max_missed_commands=settings.max_missed,
            observers=observers,
        )

    @property
    def t_us(self) -> int:
        return self.simt.t_us

    def _boot(self) -> None:
        try:
            self.port.boot(
                self.state_init,
                timeout_s=self.s.boot_timeout_s,
                ping_interval_s=self.s.ping_interval_s,
                read_slice_s=self.s.read_slice_s,
            )
        except BootTimeoutError as exc:
            if self.supervisor.exited():
                self.supervisor.ended_by_link(str(exc), 0)
            raise RunEnded(Verdict.FSW_TIMEOUT, str(exc)) from None
        except (LinkError, OSError) as exc:
            self.supervisor.ended_by_link(str(exc), 0)

    def _drain(self) -> None:
        """Record what the FSW had sent by the end of the run: read what is there already,
        however it is chunked, without waiting for more."""
        port = self.port
        items: list[Received] = []
        try:
            for _ in range(_MAX_DRAIN_READS):
                before = port.bytes_received
                items += port.read(0.0)
                if port.bytes_received == before:
                    break
        except (LinkError, OSError):
            pass
        self.loop.exchange.finish(items)

    def run(self) -> SessionOutcome:
        wall0 = time.monotonic()
        boot_wall = 0.0
        harness_error: str | None = None
        verdict: Verdict
        try:
            self._boot()
            boot_wall = time.monotonic() - wall0
            wall0 = time.monotonic()
            if self.line.f2h.stages:  # sim time starts with tick 0: the F2H line with it
                self.port.rx_line = self.line.f2h
            with collector_paused():  # the loop makes no cycles: no collector pauses
                verdict, reason = self.loop.run()
            self._drain()
        except RunEnded as end:
            verdict, reason = end.verdict, end.reason
        except KeyboardInterrupt as exc:
            verdict = Verdict.ABORTED
            by = f"terminated by {exc}" if isinstance(exc, SignalInterrupt) else "interrupted"
            reason = f"{by} at t={self.t_us / 1e6:.2f} s"
            self.interrupt = exc
        except Exception as exc:  # a harness bug must not lose the run: keep what it had
            verdict = Verdict.ABORTED
            reason = f"harness error at t={self.t_us / 1e6:.2f} s: {type(exc).__name__}: {exc}"
            harness_error = traceback.format_exc()
        wall = time.monotonic() - wall0
        td = self.sim.touchdown
        loop = self.loop
        found = causes(
            propellant_out=self.sim.propellant_out_us is not None,
            nav_flags_seen=loop.nav_flags_seen,
            exchange=self.counts,
        )
        if td is not None and verdict in (Verdict.CRASH, Verdict.MARGINAL):
            limits = broken_limits(td)
            found += [c.value for c, _ in limits]
            reason += "; " + "; ".join(why for _, why in limits)
        return SessionOutcome(
            verdict=verdict,
            end_reason=reason,
            causes=found,
            touchdown=td,
            events=self.events,
            link=self._link_record(),
            sim_time_s=td.t_s if td is not None else self.t_us / 1e6,
            ticks=loop.ticks,
            wall_time_s=wall,
            boot_wall_s=boot_wall,
            nav_flags_seen=loop.nav_flags_seen,
            propellant_out_us=self.sim.propellant_out_us,
            harness_error=harness_error,
            interrupted_by=None if self.interrupt is None else signal_name(self.interrupt),
            pacing=loop.pacing() if isinstance(loop, RealtimeLoop) else None,
        )

    def _link_record(self) -> dict[str, object]:
        c = self.counts
        out = self.port.summary() | {
            "stale_answers": c.stale_answers,
            "engine_cmd_rejected": c.engine_cmd_rejected,
            "engine_cmd_lost": c.engine_cmd_lost,
            "engine_cmd_late": c.engine_cmd_late,
            "max_missed_commands_in_row": c.max_missed_in_row,
            "unexpected_frames": c.unexpected_frames,
        }
        line = self.line
        if line.serial is not None and not line.serial.unlimited:
            out["line"] = {
                "baud": line.serial.baud,
                "h2f_bytes_in_flight_at_end": line.h2f.bytes_in_flight,
                "f2h_bytes_in_flight_at_end": line.f2h.bytes_in_flight,
            }
        st = self.loop.last_status
        if st is not None:
            out["fsw_rx"] = {
                "rx_frames": st.rx_frames,
                "rx_crc_errors": st.rx_crc_errors,
                "rx_skipped_bytes": st.rx_skipped_bytes,
                "rx_rejected": st.rx_rejected,
            }
        return out
