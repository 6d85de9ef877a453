"""The tick loop (ICD §4): what happens at tick k, with the pacing left to a ``Clock``.

For each tick k (t_k = k · period):

1. integrate the plant to t_k; the sensors' emissions due by then go on the H2F line
   in order of due time, DISCRETES last; what has arrived by t_k is sent, then SYNC(k);
2. take the FSW's answer (``harness.exchange``): ENGINE_CMD(k) settles it; one that
   fails its range checks is known at once; one that is lost (damaged bytes, then a
   quiet line) or late (still on the modelled line) holds the last valid command;
3. apply the command from t_k on and hand the tick's row to the observers.

Only silence past the watchdog ends a run as ``fsw_timeout`` (naming what came for
tick k); more consecutive ticks without a valid command than allowed is
``fsw_protocol``. A broken link or a dead FSW is the supervisor's to judge.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from operator import countOf, itemgetter
from typing import Protocol

from harness.clock import Clock, SimClock
from harness.exchange import TickExchange, describe
from harness.link.base import LinkError
from harness.link.line import Direction, Line
from harness.outcome import RunEnded, TickRow
from harness.plant.state import Touchdown, Truth
from harness.port import FswPort
from harness.sensors.base import Emission
from harness.supervisor import Supervisor
from harness.verdict import Verdict, judge
from packets import EngineCmd, Frame, Framer, FswStatus, Lrf, Sync
from packets.icd import CUC_FINE_PER_S

#: builds a NamedTuple from a tuple of its fields without its Python ``__new__`` frame
_new_tuple = tuple.__new__
#: an Emission's fields, read in C (a tick's frames pass through map and zip, not loops)
_at = Emission._fields.index
_due = itemgetter(_at("due_us"))
_packet_and_cuc = itemgetter(_at("packet"), _at("cuc"))
_sensor = itemgetter(_at("sensor"))


class SimulatorLike(Protocol):
    """What the loop needs of the plant + sensors + faults (harness.simulator)."""

    @property
    def truth(self) -> Truth: ...
    @property
    def touchdown(self) -> Touchdown | None: ...
    @property
    def propellant_out_us(self) -> int | None: ...
    def command(self, engine_on: bool, throttle: float, pitch_rad: float) -> None: ...
    def advance_to(self, t_us: int) -> list[Emission]: ...


class RunObserver(Protocol):
    """Fed one row per tick (telemetry writer, plot recorder, digests)."""

    def on_tick(self, row: TickRow) -> None: ...


def flight_over(sim: SimulatorLike, t_us: int, max_sim_time_us: int) -> tuple[Verdict, str] | None:
    """The verdict and reason once the flight is over at ``t_us``: touchdown, or the
    sim-time limit reached in the air; None while it goes on."""
    td = sim.touchdown
    if td is not None:
        return judge(td), f"touchdown at t={td.t_s:.2f} s"
    if t_us > max_sim_time_us:
        return (
            Verdict.NO_TOUCHDOWN,
            f"sim-time limit {max_sim_time_us / 1e6:g} s reached in the air",
        )
    return None


def _line_order(emissions: list[Emission]) -> list[Emission]:
    """Emissions in order of due time (as given), DISCRETES last (ICD §4)."""
    n_discretes = countOf(map(_sensor, emissions), "discretes")
    if n_discretes > 1 or (n_discretes and _sensor(emissions[-1]) != "discretes"):
        # rare: a DISCRETES not already last goes last
        return [e for e in emissions if e.sensor != "discretes"] + [
            e for e in emissions if e.sensor == "discretes"
        ]
    return emissions


def _last_lrf(sent: list[Emission | None]) -> Lrf | None:
    """The last LRF packet among emissions handed to the FSW."""
    if None in sent:
        sent = [s for s in sent if s is not None]
    if "lrf" not in map(_sensor, sent):  # type: ignore[arg-type]
        return None
    lrfs = [s.packet for s in sent if type(s.packet) is Lrf]  # type: ignore[union-attr]
    return lrfs[-1] if lrfs else None


def queue_emissions(h2f: Direction[Emission], framer: Framer, emissions: list[Emission]) -> None:
    """Sensor emissions onto the H2F line in line order, each framed once, when due, so
    sequence counts follow the line order."""
    if not emissions:
        return
    emissions = _line_order(emissions)
    frames = framer.encode_each(map(_packet_and_cuc, emissions), False)
    h2f.put_all(zip(map(_due, emissions), frames, emissions, strict=True))


def frames_arrived(h2f: Direction[Emission], t_us: int) -> tuple[list[bytes], Lrf | None]:
    """The frames that have reached the FSW by ``t_us``, and the last LRF among them."""
    frames, sent = h2f.arrived_split(t_us)
    return frames, _last_lrf(sent)


def send_due(
    h2f: Direction[Emission], framer: Framer, emissions: list[Emission], t_us: int
) -> tuple[list[bytes], Lrf | None]:
    """``queue_emissions`` then ``frames_arrived(h2f, t_us)``, in one pass over the line
    (``Direction.put_all_arrived``): the lockstep loop's uplink of tick k."""
    if not emissions:
        return frames_arrived(h2f, t_us)
    emissions = _line_order(emissions)
    frames = framer.encode_each(map(_packet_and_cuc, emissions), False)
    arrived, sent = h2f.put_all_arrived(
        zip(map(_due, emissions), frames, emissions, strict=True), t_us
    )
    return arrived, _last_lrf(sent)


class LockstepLoop:
    """Flies one booted FSW through the scenario, tick by tick."""

    def __init__(
        self,
        sim: SimulatorLike,
        port: FswPort,
        line: Line,
        sim_clock: SimClock,
        clock: Clock,
        supervisor: Supervisor,
        exchange: TickExchange,
        *,
        period_us: int,
        max_sim_time_us: int,
        read_slice_s: float,
        max_missed_commands: int,
        observers: Sequence[RunObserver] = (),
    ) -> None:
        self.sim = sim
        self.port = port
        self.line = line
        self.simt = sim_clock
        self.clock = clock
        self.supervisor = supervisor
        self.exchange = exchange
        self.period_us = period_us
        self.max_sim_time_us = max_sim_time_us
        self.read_slice_s = read_slice_s
        self.max_missed = max_missed_commands
        self.observers = list(observers)
        self.ticks = 0
        self.nav_flags_seen = 0
        self.last_status: FswStatus | None = None

    def run(self) -> tuple[Verdict, str]:
        """Fly until touchdown or the sim-time limit; ``RunEnded`` for any other end."""
        sim, port, simt, clock = self.sim, self.port, self.simt, self.clock
        period = self.period_us
        h2f = self.line.h2f
        framer = port.framer
        encode = framer.encode
        on_tick = [o.on_tick for o in self.observers]
        max_sim_time_us, max_missed = self.max_sim_time_us, self.max_missed
        cmd = EngineCmd(0, 0, 0.0, 0.0)
        clock.start()
        k = 0
        while True:
            t_k = k * period
            clock.wait_for_tick(k, t_k)
            emissions = sim.advance_to(t_k)
            simt.t_us = t_k
            simt.horizon_us = t_k + period
            over = flight_over(sim, t_k, max_sim_time_us)
            if over is not None:
                return over
            frames, lrf = send_due(h2f, framer, emissions, t_k)
            cuc = (t_k * CUC_FINE_PER_S + 500_000) // 1_000_000  # cuc_from_us(t_k), inlined
            frames.append(encode(_new_tuple(Sync, (k, period)), cuc))
            self._send(b"".join(frames), t_k)
            ex = self._answer(k, t_k)
            if ex.command is not None:
                cmd = ex.command
            sim.command(bool(cmd.engine_on), cmd.throttle, cmd.pitch_cmd_rad)
            status = ex.status
            if status is not None:
                self.last_status = status
                self.nav_flags_seen |= status.nav_flags
            row = _new_tuple(
                TickRow,
                (t_k, sim.truth, bool(cmd.engine_on), cmd.throttle, cmd.pitch_cmd_rad, status, lrf),
            )
            for f in on_tick:
                f(row)
            self.ticks += 1
            if ex.missed_in_row > max_missed:
                raise RunEnded(Verdict.FSW_PROTOCOL, self._protocol_reason(ex, t_k))
            k += 1

    def _send(self, data: bytes, t_us: int) -> None:
        try:
            self.port.send(data)
        except (LinkError, OSError) as exc:
            self.supervisor.ended_by_link(str(exc), t_us)

    def _answer(self, k: int, t_us: int) -> TickExchange:
        ex = self.exchange
        if ex.begin(k):
            return ex
        port = self.port
        line_f2h = port.rx_line
        # the port's resyncs when this tick's last good frame came: a resync after it
        # gave up bytes that followed it (a frame whose ASM was hit): damage, like a
        # rejection
        resyncs_at_frame: int | None = None
        deadline = self.clock.answer_deadline()
        while True:
            try:
                items = port.read(self.read_slice_s)
            except (LinkError, OSError) as exc:
                self.supervisor.ended_by_link(str(exc), t_us)
            if items:
                if Frame in map(type, items):
                    resyncs_at_frame = port.resyncs
                if ex.take(items):
                    return ex
                continue
            if self.supervisor.exited():
                self.supervisor.ended_by_link("the FSW process exited", t_us)
            quiet = port.quiet_s() >= port.resync_quiet_s
            junk = resyncs_at_frame is not None and port.resyncs > resyncs_at_frame
            if quiet and (ex.damaged or junk):
                ex.give_up("lost")
                return ex
            if quiet and line_f2h is not None and line_f2h.in_flight:
                ex.give_up("late")
                return ex
            if time.monotonic() > deadline:
                raise RunEnded(Verdict.FSW_TIMEOUT, self._timeout_reason(ex, k, t_us))

    def _timeout_reason(self, ex: TickExchange, k: int, t_us: int) -> str:
        watchdog = getattr(self.clock, "watchdog_s", None)
        within = f" within the {watchdog:g} s watchdog" if watchdog is not None else ""
        return (
            f"no ENGINE_CMD({k}){within} at t={t_us / 1e6:.2f} s;"
            f" received for tick {k}: {ex.received_for_tick()}"
        )

    def _protocol_reason(self, ex: TickExchange, t_us: int) -> str:
        n = ex.missed_in_row
        why = "; ".join(describe(r) for r in ex.rejections[-3:]) or ex.how
        return (
            f"no valid ENGINE_CMD for {n} ticks in a row ({n * self.period_us / 1e6:g} s of"
            f" sim time, at most {self.max_missed} allowed) at t={t_us / 1e6:.2f} s;"
            f" the last tick's answer was {ex.how}: {why}"
        )
