"""One run in lockstep (ICD §4): the harness owns sim time and waits for the FSW.

For each tick k: send every sensor frame due by t_k (in order of due time, DISCRETES
last), then SYNC(k); wait -- under a wall-clock watchdog -- for ENGINE_CMD(k); apply
it from t_k on; integrate the plant to t_{k+1}. No sim time passes while the harness
waits. A silent, crashed or babbling FSW ends the run with a verdict, never a hang.
"""

from __future__ import annotations

import math
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from harness.launcher import FswEndpoint
from harness.link.base import Link, LinkError
from harness.link.line import SerialLine, TxQueue
from harness.plant.state import Touchdown, Truth
from harness.report.metrics import milestones
from harness.sensors.base import Emission
from harness.verdict import Cause, Verdict, judge, touchdown_causes
from packets import (
    SPECS,
    Apid,
    Deframer,
    EngineCmd,
    Event,
    Framer,
    FswStatus,
    Lrf,
    NavFlags,
    Ping,
    Pong,
    StateInit,
    Sync,
    cuc_from_us,
)
from packets.model import CLASS_OF_APID

_ENGINE_CMD_HEADER_APID = int(Apid.ENGINE_CMD)
_NAME_OF = {cls: SPECS[apid].name for apid, cls in CLASS_OF_APID.items()}


class SimulatorLike(Protocol):
    """What the session needs of the plant + sensors + faults (harness.simulator)."""

    @property
    def truth(self) -> Truth: ...
    @property
    def touchdown(self) -> Touchdown | None: ...
    @property
    def propellant_out_us(self) -> int | None: ...
    def command(self, engine_on: bool, throttle: float, pitch_rad: float) -> None: ...
    def advance_to(self, t_us: int) -> list[Emission]: ...


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
    #: the H2F serial line model (None: frames arrive when due)
    line: SerialLine | None = None


class TickRow(NamedTuple):
    """One telemetry row: truth at t_k beside the FSW's view and its command."""

    t_us: int
    truth: Truth
    engine_on: bool
    throttle: float
    pitch_cmd_rad: float
    status: FswStatus | None
    lrf_sent: Lrf | None


@dataclass
class SessionOutcome:
    verdict: Verdict
    end_reason: str
    causes: list[str]
    touchdown: Touchdown | None
    rows: list[TickRow]
    events: list[tuple[float, Event]]
    metrics: dict[str, Any]
    link: dict[str, Any]
    sim_time_s: float
    #: wall time of the tick loop (after the FSW answered PING)
    wall_time_s: float
    #: wall time from the first PING to the first PONG (process start-up, board boot)
    boot_wall_s: float
    #: the traceback when the run ended on a harness error (verdict "aborted")
    harness_error: str | None = None

    @property
    def realtime_factor(self) -> float:
        return self.sim_time_s / self.wall_time_s if self.wall_time_s > 0 else math.inf


class _RunEndedError(Exception):
    def __init__(self, verdict: Verdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


@dataclass
class _Counters:
    frames_sent: dict[str, int] = field(default_factory=dict)
    bytes_sent: int = 0
    bytes_received: int = 0
    stale_answers: int = 0
    engine_cmd_rejected: int = 0
    unexpected_frames: int = 0
    resyncs: int = 0


class Session:
    """Drives one FSW endpoint through one scenario, tick by tick."""

    def __init__(
        self,
        sim: SimulatorLike,
        endpoint: FswEndpoint,
        state_init: StateInit,
        settings: SessionSettings,
        link: Link | None = None,
        *,
        dry_mass_kg: float = 0.0,
    ) -> None:
        self.dry_mass_kg = dry_mass_kg
        self.sim = sim
        self.endpoint = endpoint
        self.link = link if link is not None else endpoint.link
        self.state_init = state_init
        self.s = settings
        self.t_us = 0  # the harness's sim clock, read by the capture wrapper
        self._framer = Framer()
        self._deframer = Deframer()
        self._counters = _Counters()
        self._rejections_seen = 0
        self._events: list[tuple[float, Event]] = []
        self._last_status: FswStatus | None = None
        self._status_k: FswStatus | None = None
        self._last_pong: Pong | None = None
        self._last_rx = time.monotonic()
        self._line: TxQueue[Emission] = TxQueue(settings.line)

    # --- link I/O ------------------------------------------------------------

    def _send(self, data: bytes) -> None:
        try:
            self.link.write(data)
        except LinkError as exc:  # closed, hung up, or a write that timed out
            self._ended_by_link(str(exc))
        except OSError as exc:
            self._ended_by_link(f"write failed: {exc}")
        self._counters.bytes_sent += len(data)

    def _ended_by_link(self, why: str) -> None:
        code = self._wait_exit(0.5)
        if code is not None:
            tail = self.endpoint.stderr_tail()
            raise _RunEndedError(
                Verdict.FSW_CRASH,
                f"FSW exited with code {code} at t={self.t_us / 1e6:.2f} s"
                + (f"; its stderr ends:\n{tail}" if tail else ""),
            )
        raise _RunEndedError(Verdict.LINK_LOST, f"link lost at t={self.t_us / 1e6:.2f} s: {why}")

    def _wait_exit(self, within_s: float) -> int | None:
        """The child's exit code if it exits within ``within_s``; None otherwise."""
        proc = self.endpoint.process
        if proc is None:
            return None
        try:
            return proc.wait(timeout=within_s)
        except subprocess.TimeoutExpired:
            return None

    def _receive(self, timeout_s: float) -> list[Any]:
        try:
            data = self.link.read(timeout_s)
        except LinkError as exc:
            self._ended_by_link(str(exc))
        except OSError as exc:
            self._ended_by_link(f"read failed: {exc}")
        now = time.monotonic()
        if not data:
            if self.endpoint.exit_code() is not None:
                self._ended_by_link("the FSW process exited")
            if self._deframer.pending and now - self._last_rx >= self.s.resync_quiet_s:
                # quiet for longer than the rest of any frame takes: give the partial
                # candidate up (ICD §2 rule 7)
                self._counters.resyncs += 1
                return self._deframer.resync()
            return []
        self._last_rx = now
        self._counters.bytes_received += len(data)
        return self._deframer.feed(data)

    def _rejected_engine_cmd(self, tick: int) -> bool:
        """Did the FSW answer ``tick`` with an ENGINE_CMD that failed the range checks?"""
        stats = self._deframer.stats
        new = stats.rejected_range + stats.rejected_header + stats.crc_errors
        fresh = new - self._rejections_seen
        self._rejections_seen = new
        if fresh <= 0:
            return False
        found = False
        for rej in list(self._deframer.rejections)[-fresh:]:
            raw = bytes.fromhex(rej.data_hex)
            if not rej.reason.startswith("range") or len(raw) < 20:
                continue
            apid = int.from_bytes(raw[4:6], "big") & 0x7FF
            if apid == _ENGINE_CMD_HEADER_APID and int.from_bytes(raw[16:20], "big") == tick:
                found = True
        return found

    # --- phases --------------------------------------------------------------

    def _boot(self) -> None:
        """PING until a PONG answers, then STATE_INIT (ICD §4, start of a run).

        STATE_INIT goes after the PONG: bytes sent before the FSW has opened its port
        may be flushed (pyserial empties the input on open), a PING lost is harmless.
        """
        deadline = time.monotonic() + self.s.boot_timeout_s
        nonce = 0
        next_ping = 0.0
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise _RunEndedError(
                    Verdict.FSW_TIMEOUT,
                    f"no PONG within {self.s.boot_timeout_s:g} s of PINGs ({nonce} sent)",
                )
            if now >= next_ping:
                nonce += 1
                self._count("PING")
                self._send(self._framer.encode(Ping(nonce), 0))
                next_ping = now + self.s.ping_interval_s
            for frame in self._receive(min(self.s.read_slice_s, max(0.0, next_ping - now))):
                if isinstance(frame.packet, Pong) and 1 <= frame.packet.nonce <= nonce:
                    self._last_pong = frame.packet
                    self._count("STATE_INIT")
                    self._send(self._framer.encode(self.state_init, 0))
                    return

    def _count(self, name: str) -> None:
        c = self._counters.frames_sent
        c[name] = c.get(name, 0) + 1

    def _await_answer(self, k: int) -> EngineCmd | None:
        """ENGINE_CMD(k), or None when it came but was rejected (hold the last command)."""
        deadline = time.monotonic() + self.s.watchdog_s
        t_s = self.t_us / 1e6
        while True:
            for frame in self._receive(self.s.read_slice_s):
                p = frame.packet
                if isinstance(p, EngineCmd):
                    if p.tick == k:
                        return p
                    self._counters.stale_answers += 1
                elif isinstance(p, FswStatus):
                    if p.tick == k:
                        self._status_k = p
                    else:
                        self._counters.stale_answers += 1
                elif isinstance(p, Event):
                    self._events.append((t_s, p))
                elif isinstance(p, Pong):
                    self._last_pong = p
                else:
                    self._counters.unexpected_frames += 1
            if self._rejected_engine_cmd(k):
                self._counters.engine_cmd_rejected += 1
                return None
            if time.monotonic() > deadline:
                raise _RunEndedError(
                    Verdict.FSW_TIMEOUT,
                    f"no ENGINE_CMD({k}) within the {self.s.watchdog_s:g} s watchdog"
                    f" at t={t_s:.2f} s",
                )

    def _frames_due(self, pending: list[Emission], t_us: int) -> tuple[bytes, Lrf | None]:
        """The frames that reach the FSW by ``t_us``, in line order; the rest stay queued.

        Frames queue FIFO on the H2F line (``TxQueue``) in order of due time, DISCRETES
        last; each is encoded once, when due, so sequence counts follow the line order.
        SYNC is the lockstep token and is not delayed (its load still counts in the
        capacity check); ENGINE_CMD applies from t_k (ICD §4).
        """
        ready = [e for e in pending if e.due_us <= t_us]
        if ready:
            pending[:] = [e for e in pending if e.due_us > t_us]
            ready.sort(key=lambda e: (e.sensor == "discretes", e.due_us))
            encode = self._framer.encode
            for e in ready:
                self._line.put(e.due_us, encode(e.packet, e.cuc, check=False), e)
        out = []
        lrf: Lrf | None = None
        for frame, e in self._line.arrived(t_us):
            out.append(frame)
            self._count(_NAME_OF[type(e.packet)])
            if type(e.packet) is Lrf:
                lrf = e.packet
        return b"".join(out), lrf

    def run(self) -> SessionOutcome:
        wall0 = time.monotonic()
        rows: list[TickRow] = []
        verdict: Verdict
        reason: str
        period = self.s.period_us
        pending: list[Emission] = []
        cmd = EngineCmd(0, 0, 0.0, 0.0)
        boot_wall = 0.0
        harness_error: str | None = None
        try:
            self._boot()
            boot_wall = time.monotonic() - wall0
            wall0 = time.monotonic()
            k = 0
            while True:
                t_k = k * period
                pending += self.sim.advance_to(t_k)
                self.t_us = t_k
                td = self.sim.touchdown
                if td is not None:
                    verdict, reason = judge(td), f"touchdown at t={td.t_s:.2f} s"
                    break
                if t_k > self.s.max_sim_time_us:
                    verdict = Verdict.NO_TOUCHDOWN
                    reason = f"sim-time limit {self.s.max_sim_time_us / 1e6:g} s reached in the air"
                    break
                data, lrf = self._frames_due(pending, t_k)
                sync = self._framer.encode(Sync(k, period), cuc_from_us(t_k))
                self._count("SYNC")
                self._send(data + sync)
                self._status_k = None
                answer = self._await_answer(k)
                if answer is not None:
                    cmd = answer
                self.sim.command(bool(cmd.engine_on), cmd.throttle, cmd.pitch_cmd_rad)
                if self._status_k is not None:
                    self._last_status = self._status_k
                rows.append(
                    TickRow(
                        t_k,
                        self.sim.truth,
                        bool(cmd.engine_on),
                        cmd.throttle,
                        cmd.pitch_cmd_rad,
                        self._status_k,
                        lrf,
                    )
                )
                k += 1
        except _RunEndedError as end:
            verdict, reason = end.verdict, end.reason
        except KeyboardInterrupt:
            verdict = Verdict.ABORTED
            reason = f"interrupted by the operator at t={self.t_us / 1e6:.2f} s"
        except Exception as exc:  # a harness bug must not lose the run: keep what it had
            verdict = Verdict.ABORTED
            reason = f"harness error at t={self.t_us / 1e6:.2f} s: {type(exc).__name__}: {exc}"
            harness_error = traceback.format_exc()
        wall = time.monotonic() - wall0
        td = self.sim.touchdown
        sim_time_s = td.t_s if td is not None else self.t_us / 1e6
        return SessionOutcome(
            verdict=verdict,
            end_reason=reason,
            causes=self._causes(rows, verdict),
            touchdown=td,
            rows=rows,
            events=self._events,
            metrics=milestones(rows, self.sim.propellant_out_us, self.dry_mass_kg),
            link=self._link_counters(),
            sim_time_s=sim_time_s,
            wall_time_s=wall,
            boot_wall_s=boot_wall,
            harness_error=harness_error,
        )

    def _causes(self, rows: list[TickRow], verdict: Verdict) -> list[str]:
        causes = []
        if self.sim.propellant_out_us is not None:
            causes.append(Cause.FUEL_EXHAUSTED.value)
        flags = 0
        for r in rows:
            if r.status is not None:
                flags |= r.status.nav_flags
        if flags & NavFlags.LRF_FAILED:
            causes.append(Cause.LRF_LATCHED_FAILED.value)
        if flags & NavFlags.FALLBACK:
            causes.append(Cause.LRF_FALLBACK.value)
        if self._counters.engine_cmd_rejected:
            causes.append(Cause.ENGINE_CMD_REJECTED.value)
        if self._counters.stale_answers:
            causes.append(Cause.STALE_ANSWERS.value)
        causes += touchdown_causes(self.sim.touchdown)
        return causes

    def _link_counters(self) -> dict[str, Any]:
        c = self._counters
        rx = self._deframer.stats.summary()
        out: dict[str, Any] = {
            "bytes_sent": c.bytes_sent,
            "bytes_received": c.bytes_received,
            "frames_sent": dict(sorted(c.frames_sent.items())),
            "received": rx,
            "received_rejections": [r._asdict() for r in list(self._deframer.rejections)[-8:]],
            "stale_answers": c.stale_answers,
            "engine_cmd_rejected": c.engine_cmd_rejected,
            "unexpected_frames": c.unexpected_frames,
            "resyncs": c.resyncs,
        }
        st = self._last_status
        if st is not None:
            out["fsw_rx"] = {
                "rx_frames": st.rx_frames,
                "rx_crc_errors": st.rx_crc_errors,
                "rx_skipped_bytes": st.rx_skipped_bytes,
                "rx_rejected": st.rx_rejected,
            }
        return out
