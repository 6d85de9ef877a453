"""The real-time loop (ICD §4 "Real time"): the plant paced by the wall clock, the FSW on
its own clock or following SYNC, commands taking effect when they arrive.

For each plant step s (t_s = s · step, due at ``WallClock.deadline(t_s)``):

1. until just before the deadline, read what the FSW sends; each frame's arrival wall
   time maps to sim time. A valid ENGINE_CMD is the newest command; its latency
   (arrival minus the time it answers, its CUC stamp) is recorded;
2. at the deadline: integrate the plant to t_s under the command in force, then apply
   the newest command that arrived (it takes effect at the first step boundary after its
   arrival, t_s); the sensors' emissions due by t_s go on the H2F line as in lockstep;
3. at a control tick (t_s = k · period) close the last period: no valid ENGINE_CMD in it
   is a *missing* command (counted; the last one holds), and more periods in a row than
   allowed ends the run -- ``fsw_timeout`` when the FSW sent nothing at all,
   ``fsw_protocol`` otherwise. Then SYNC(k) goes after the frames due, and the tick's
   row (truth at t_k, the command in force, the latest FSW_STATUS) goes to the observers.

Nothing here waits for ENGINE_CMD(k): a slow FSW is a late or missing command, never a
hang. The port, the line, the supervisor, the observers and the counts are the lockstep
loop's; only the clock and the command intake differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from harness.clock import SimClock
from harness.exchange import describe
from harness.link.base import LinkError
from harness.link.line import Line
from harness.lockstep import (
    RunObserver,
    SimulatorLike,
    flight_over,
    frames_arrived,
    queue_emissions,
)
from harness.outcome import ExchangeCounts, RunEnded, TickRow
from harness.pacing import PacingRecord, WallClock
from harness.port import FswPort, Received
from harness.supervisor import Supervisor
from harness.verdict import Verdict
from packets import Apid, EngineCmd, Event, FswStatus, Lrf, Pong, Rejection, Sync, cuc_from_us
from packets.codec import Frame

_ENGINE_CMD = int(Apid.ENGINE_CMD)
_CUC_PER_S = 65536.0


class CommandIntake:
    """The FSW's frames in stream order, each stamped with its arrival's sim time."""

    def __init__(self, counts: ExchangeCounts, events: list[tuple[float, Event]]) -> None:
        self.counts = counts
        self.events = events
        self.pending: EngineCmd | None = None
        self.last_tick: int | None = None
        self.status: FswStatus | None = None
        #: in the current control period: a valid command came / any byte came / damage
        self.got_command = False
        self.got_anything = False
        self.damaged = False
        self.rejections: list[Rejection] = []
        #: per command: arrival sim time minus the time it answers, s
        self.latency_s: list[float] = []
        self.late = 0
        #: commands read after the run (``finish``): counted, not timed
        self.after_end = 0

    def take(self, items: Sequence[Received], arrival_us: int | None, late_after_us: int) -> None:
        """Take ``items`` arrived at sim time ``arrival_us`` (None: after the run, when
        there is no sim time to stamp them with -- counted, never timed)."""
        c = self.counts
        self.got_anything = True
        for item in items:
            if type(item) is not Frame:
                rej: Rejection = item  # type: ignore[assignment]
                self.rejections = [*self.rejections[-2:], rej]
                if rej.kind == "range" and rej.apid == _ENGINE_CMD:
                    c.engine_cmd_rejected += 1
                else:
                    self.damaged = True
                continue
            self.damaged = False
            p = item.packet
            tp = type(p)
            if tp is EngineCmd:
                if p.tick == self.last_tick:  # type: ignore[union-attr]
                    c.stale_answers += 1  # a duplicate of the command in force
                    continue
                self.pending = p  # type: ignore[assignment]
                self.last_tick = p.tick  # type: ignore[union-attr]
                self.got_command = True
                if arrival_us is None:
                    self.after_end += 1
                    continue
                latency_us = arrival_us - item.cuc * 1_000_000 / _CUC_PER_S
                self.latency_s.append(latency_us / 1e6)
                if latency_us > late_after_us:
                    self.late += 1
                    c.engine_cmd_late += 1
            elif tp is FswStatus:
                self.status = p  # type: ignore[assignment]
            elif tp is Event:
                self.events.append((item.cuc / _CUC_PER_S, p))  # type: ignore[arg-type]
            elif tp is not Pong:
                c.unexpected_frames += 1

    def close_period(self) -> bool:
        """End one control period; True when it had a valid command."""
        got = self.got_command
        if not got and self.damaged:
            self.counts.engine_cmd_lost += 1
        self.got_command = False
        self.damaged = False
        return got

    def finish(self, items: list[Received]) -> None:
        """The run is over: what came since is still recorded (EVENTs, counts); a command
        among it took no effect and has no latency (it arrived after sim time ended)."""
        if items:
            self.take(items, None, 0)
        self.pending = None


class RealtimeLoop:
    """Flies one booted FSW through the scenario on the wall clock."""

    def __init__(
        self,
        sim: SimulatorLike,
        port: FswPort,
        line: Line,
        sim_clock: SimClock,
        clock: WallClock,
        supervisor: Supervisor,
        intake: CommandIntake,
        *,
        step_us: int,
        period_us: int,
        max_sim_time_us: int,
        read_slice_s: float,
        max_missed_commands: int,
        observers: Sequence[RunObserver] = (),
    ) -> None:
        if period_us % step_us:
            raise ValueError(f"period {period_us} µs is not a multiple of the step {step_us} µs")
        self.sim = sim
        self.port = port
        self.line = line
        self.simt = sim_clock
        self.clock = clock
        self.supervisor = supervisor
        self.exchange = intake
        self.step_us = step_us
        self.period_us = period_us
        self.max_sim_time_us = max_sim_time_us
        self.read_slice_s = read_slice_s
        self.max_missed = max_missed_commands
        self.observers = list(observers)
        self.ticks = 0
        self.nav_flags_seen = 0
        self.last_status: FswStatus | None = None
        self.missed_in_row = 0
        self._t_us = 0

    def pacing(self) -> PacingRecord:
        rec = self.clock.finish(self._t_us)
        rec.cmd_latency_s = self.exchange.latency_s
        rec.late_commands = self.exchange.late
        rec.commands_after_end = self.exchange.after_end
        return rec

    def run(self) -> tuple[Verdict, str]:
        """Fly until touchdown or the sim-time limit; ``RunEnded`` for any other end."""
        sim, simt, clock, intake = self.sim, self.simt, self.clock, self.exchange
        step, period = self.step_us, self.period_us
        h2f = self.line.h2f
        framer = self.port.framer
        encode = framer.encode
        on_tick = [o.on_tick for o in self.observers]
        cmd = EngineCmd(0, 0, 0.0, 0.0)
        lrf: Lrf | None = None  # the last LRF frame sent since the previous row
        clock.start()
        t = 0
        while True:
            self._listen(t)
            clock.wait_for_tick(t // step, t)
            emissions = sim.advance_to(t)
            self._t_us = simt.t_us = simt.horizon_us = t
            if intake.pending is not None:  # takes effect at this step boundary
                cmd, intake.pending = intake.pending, None
                sim.command(bool(cmd.engine_on), cmd.throttle, cmd.pitch_cmd_rad)
            over = flight_over(sim, t, self.max_sim_time_us)
            if over is not None:
                return over
            queue_emissions(h2f, framer, emissions)
            tick = t % period == 0
            if tick and t > 0:
                self._close_period(t)
            frames, sent_lrf = frames_arrived(h2f, t)
            if sent_lrf is not None:
                lrf = sent_lrf
            if tick:
                frames.append(encode(Sync(t // period, period), cuc_from_us(t)))
            if frames:
                self._send(b"".join(frames), t)
            if tick:
                self._row(t, cmd, lrf, on_tick)
                lrf = None
            t += step

    def _listen(self, t_next: int) -> None:
        """Read the FSW's frames until ``spin_s`` before ``t_next`` is due -- and at least
        once without waiting, so a loop that has fallen behind still hears the FSW."""
        clock, port, simt, intake = self.clock, self.port, self.simt, self.exchange
        margin = clock.spin_s
        late_after = self.period_us
        f2h = port.rx_line  # the modelled UART, when the scenario has one
        while True:
            left = clock.time_left(t_next) - margin
            simt.t_us = simt.horizon_us = max(self._t_us, clock.sim_us_at(clock.now()))
            wait = max(0.0, min(left, self.read_slice_s))
            if f2h is not None and (due := f2h.next_arrival_us()) is not None:
                wait = min(wait, max(0.0, clock.time_left(due)))  # wake when it lands
            try:
                items = port.read(wait)
            except (LinkError, OSError) as exc:
                self.supervisor.ended_by_link(str(exc), self._t_us)
            if items:
                intake.take(items, clock.sim_us_at(clock.now()), late_after)
            if left <= 0:
                return

    def _close_period(self, t: int) -> None:
        intake = self.exchange
        if self.supervisor.exited():
            self.supervisor.ended_by_link("the FSW process exited", t)
        if intake.close_period():
            self.missed_in_row = 0
            intake.got_anything = False
            return
        self.clock.record.missing_commands += 1
        self.missed_in_row += 1
        c = intake.counts
        c.max_missed_in_row = max(c.max_missed_in_row, self.missed_in_row)
        if self.missed_in_row > self.max_missed:
            raise RunEnded(*self._ended_without_commands(t))

    def _ended_without_commands(self, t: int) -> tuple[Verdict, str]:
        n = self.missed_in_row
        span = f"{n} control periods ({n * self.period_us / 1e6:g} s, at most {self.max_missed})"
        intake = self.exchange
        if not intake.got_anything:
            return Verdict.FSW_TIMEOUT, (
                f"the FSW sent nothing for {span} at t={t / 1e6:.2f} s (real time)"
            )
        why = "; ".join(describe(r) for r in intake.rejections) or "no ENGINE_CMD among them"
        return Verdict.FSW_PROTOCOL, (
            f"no valid ENGINE_CMD for {span} at t={t / 1e6:.2f} s (real time),"
            f" though bytes came: {why}"
        )

    def _send(self, data: bytes, t_us: int) -> None:
        try:
            self.port.send(data)
        except (LinkError, OSError) as exc:
            self.supervisor.ended_by_link(str(exc), t_us)

    def _row(
        self, t: int, cmd: EngineCmd, lrf: Lrf | None, on_tick: Sequence[Callable[[TickRow], None]]
    ) -> None:
        status = self.exchange.status
        self.exchange.status = None
        if status is not None:
            self.last_status = status
            self.nav_flags_seen |= status.nav_flags
        row = TickRow(
            t, self.sim.truth, bool(cmd.engine_on), cmd.throttle, cmd.pitch_cmd_rad, status, lrf
        )
        for f in on_tick:
            f(row)
        self.ticks += 1
