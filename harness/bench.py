"""Is this board and cable fit for a campaign? ``lunar-hil bench``'s measurements.

``bench_link(link)`` talks to a running FSW with PING/PONG only (nothing that starts a
descent: no STATE_INIT), through an ``FswPort`` so framing and counters are the run's:

1. round trip: N PINGs one at a time, each waited for -- RTT p50/p99/max, PONGs lost;
2. throughput: a burst of M PINGs written back to back, read back as PONGs: bytes per
   second each way over the burst, against the line's capacity at ``baud`` (8N1);
3. loss: the board's own count of frames accepted (PONG ``rx_frames``, ICD §3) against
   the frames sent between two PONGs -- every H2F frame the board did not accept was
   lost or corrupted on the way; F2H damage is what our deframer rejected or skipped.

``probe_host()`` measures this machine's timer: how late ``time.sleep`` wakes (the
real-time loop's spin must cover it), with and without SCHED_FIFO, and how often a bare
spin loop is stalled (the floor under a paced run's overruns).

A little over ~300 lines because it is one thing, the bench's measurements: the link
report, the probe that takes it and the host's timer, with the fitness verdict over them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import HarnessError
from harness.link.base import Link
from harness.pacing import drop_rt_priority, percentile, request_rt_priority
from harness.port import FswPort
from packets import SPECS, Apid, Ping, Pong
from packets.codec import Frame

PING_BYTES = SPECS[Apid.PING].frame_len
PONG_BYTES = SPECS[Apid.PONG].frame_len
BITS_PER_BYTE = 10  # 8N1


class BoardSilentError(HarnessError):
    """The board answered no PING: the message says what came back instead."""


@dataclass
class LinkReport:
    url: str
    baud: int | None
    rtt_s: list[float] = field(default_factory=list)
    pongs_lost: int = 0
    #: the burst: bytes each way and the wall time from its first write to its last PONG
    burst_pings: int = 0
    burst_pongs: int = 0
    burst_s: float = 0.0
    #: H2F frames sent between the first and the last PONG, and the board's count of them
    frames_sent: int = 0
    frames_accepted_by_board: int = 0
    #: F2H damage as our deframer saw it
    f2h_crc_errors: int = 0
    f2h_skipped_bytes: int = 0
    f2h_rejected: int = 0

    @property
    def capacity_bytes_per_s(self) -> float:
        return self.baud / BITS_PER_BYTE if self.baud else math.inf

    @property
    def h2f_bytes_per_s(self) -> float:
        return self.burst_pings * PING_BYTES / self.burst_s if self.burst_s > 0 else 0.0

    @property
    def f2h_bytes_per_s(self) -> float:
        return self.burst_pongs * PONG_BYTES / self.burst_s if self.burst_s > 0 else 0.0

    @property
    def h2f_frames_lost(self) -> int:
        return self.frames_sent - self.frames_accepted_by_board

    @property
    def clean(self) -> bool:
        return self.h2f_frames_lost == 0 and not (
            self.f2h_crc_errors or self.f2h_skipped_bytes or self.f2h_rejected
        )

    def summary(self) -> dict[str, Any]:
        rtt = self.rtt_s
        return {
            "url": self.url,
            "baud": self.baud,
            "rtt_p50_ms": percentile(rtt, 50) * 1e3,
            "rtt_p99_ms": percentile(rtt, 99) * 1e3,
            "rtt_max_ms": max(rtt) * 1e3 if rtt else math.nan,
            "pings": len(rtt) + self.pongs_lost,
            "pongs_lost": self.pongs_lost,
            "h2f_bytes_per_s": self.h2f_bytes_per_s,
            "f2h_bytes_per_s": self.f2h_bytes_per_s,
            "capacity_bytes_per_s": self.capacity_bytes_per_s,
            "frames_sent": self.frames_sent,
            "frames_accepted_by_board": self.frames_accepted_by_board,
            "h2f_frames_lost": self.h2f_frames_lost,
            "f2h_crc_errors": self.f2h_crc_errors,
            "f2h_skipped_bytes": self.f2h_skipped_bytes,
            "f2h_rejected": self.f2h_rejected,
        }


class _Pinger:
    """PINGs with fresh nonces; PONGs collected by nonce, whatever else arrives."""

    def __init__(self, port: FswPort) -> None:
        self.port = port
        self.nonce = 0
        self.pongs: dict[int, tuple[float, Pong]] = {}
        self.sent = 0

    def ping(self) -> int:
        self.nonce += 1
        self.port.send_packet(Ping(self.nonce))
        self.sent += 1
        return self.nonce

    def collect(self, timeout_s: float, until: Callable[[], bool]) -> None:
        deadline = time.monotonic() + timeout_s
        while not until():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for item in self.port.read(min(left, 0.05)):
                if type(item) is Frame and type(item.packet) is Pong:
                    self.pongs[item.packet.nonce] = (time.monotonic(), item.packet)

    def exchange(self, timeout_s: float) -> tuple[float, Pong] | None:
        """One PING, waited for: (round trip, PONG) or None."""
        t0 = time.monotonic()
        n = self.ping()
        self.collect(timeout_s, lambda: n in self.pongs)
        got = self.pongs.get(n)
        return None if got is None else (got[0] - t0, got[1])


def bench_link(
    link: Link,
    *,
    baud: int | None = None,
    pings: int = 200,
    burst: int = 1000,
    timeout_s: float = 0.5,
    boot_timeout_s: float = 5.0,
) -> LinkReport:
    """Measure ``link`` to a running board (see the module docstring)."""
    port = FswPort(link, resync_quiet_s=0.2)
    pinger = _Pinger(port)
    report = LinkReport(link.name, baud)
    first = _first_pong(pinger, boot_timeout_s)
    sent_at_first = pinger.sent
    for _ in range(pings):
        got = pinger.exchange(timeout_s)
        if got is None:
            report.pongs_lost += 1
        else:
            report.rtt_s.append(got[0])
    before = set(pinger.pongs)
    t0 = time.monotonic()
    nonces = [pinger.nonce + 1 + i for i in range(burst)]
    port.send(b"".join(port.framer.encode(Ping(n), 0) for n in nonces))
    pinger.sent += burst
    pinger.nonce += burst
    # the burst takes its wire time each way; allow that, then a quiet timeout
    wire_s = 0.0 if not baud else burst * (PING_BYTES + PONG_BYTES) * BITS_PER_BYTE / baud
    pinger.collect(wire_s + 2 * timeout_s, lambda: nonces[-1] in pinger.pongs)
    pinger.collect(timeout_s, lambda: all(n in pinger.pongs for n in nonces))
    got_burst = [pinger.pongs[n][0] for n in nonces if n in pinger.pongs]
    report.burst_pings = burst
    report.burst_pongs = len(set(pinger.pongs) - before)
    report.burst_s = (max(got_burst) - t0) if got_burst else 0.0
    last = None
    for _ in range(5):  # the closing PING may itself be lost on a bad line
        last = pinger.exchange(timeout_s)
        if last is not None:
            break
    if last is None:
        raise BoardSilentError(f"{link.name}: the board stopped answering PINGs after the burst")
    report.frames_sent = pinger.sent - sent_at_first
    report.frames_accepted_by_board = (last[1].rx_frames - first.rx_frames) & 0xFFFFFFFF
    st = port.deframer.stats
    report.f2h_crc_errors = st.crc_errors
    report.f2h_skipped_bytes = st.skipped_bytes
    report.f2h_rejected = st.rejected
    return report


def _first_pong(pinger: _Pinger, boot_timeout_s: float) -> Pong:
    deadline = time.monotonic() + boot_timeout_s
    while time.monotonic() < deadline:
        got = pinger.exchange(min(0.25, max(0.01, deadline - time.monotonic())))
        if got is not None:
            return got[1]
    port = pinger.port
    st = port.deframer.stats
    came = (
        "nothing at all came back"
        if port.bytes_received == 0
        else f"{port.bytes_received} bytes came back: {st.frames} frames, "
        f"{st.crc_errors} bad PECs, {st.skipped_bytes} bytes skipped"
    )
    raise BoardSilentError(
        f"{port.link.name}: no PONG within {boot_timeout_s:g} s of PINGs ({pinger.sent} sent);"
        f" {came} -- is the FSW running, and at this baud rate?"
    )


@dataclass(frozen=True)
class Fitness:
    fit: bool
    utilisation_pct: float
    text: str


def fitness(
    report: LinkReport, load_bytes_per_s: tuple[float, float], period_us: int
) -> list[Fitness]:
    """The verdicts: lockstep at the scenario's rates, and real time at its period."""
    h2f, f2h = load_bytes_per_s
    hz = 1e6 / period_us
    cap = report.capacity_bytes_per_s
    if math.isinf(cap):  # no UART: what the link actually carried is its capacity
        cap = min(report.h2f_bytes_per_s, report.f2h_bytes_per_s) or math.inf
    used = 100.0 * max(h2f, f2h) / cap if cap > 0 else math.inf
    clean = report.clean and report.pongs_lost == 0
    why = "" if clean else f" (but {_losses(report)})"
    lockstep = used <= 80.0 and clean
    rtt99 = percentile(report.rtt_s, 99)
    realtime = lockstep and rtt99 < period_us / 1e6 / 2
    return [
        Fitness(
            lockstep,
            used,
            f"fit for {hz:g} Hz lockstep with the default sensor rates:"
            f" {'yes' if lockstep else 'no'}, {used:.0f} % of the line used{why}",
        ),
        Fitness(
            realtime,
            used,
            f"fit for {hz:g} Hz real time: {'yes' if realtime else 'no'}, round trip p99"
            f" {rtt99 * 1e3:.2f} ms against half the {period_us / 1e3:g} ms period",
        ),
    ]


def _losses(r: LinkReport) -> str:
    parts = []
    if r.h2f_frames_lost:
        parts.append(f"{r.h2f_frames_lost} of {r.frames_sent} frames lost on the way to the board")
    if r.pongs_lost:
        parts.append(f"{r.pongs_lost} PONGs never came")
    if r.f2h_crc_errors or r.f2h_skipped_bytes or r.f2h_rejected:
        parts.append(
            f"from the board: {r.f2h_crc_errors} bad PECs, {r.f2h_skipped_bytes} bytes skipped,"
            f" {r.f2h_rejected} rejected"
        )
    return "; ".join(parts)


def sleep_overshoot_s(n: int = 500, sleep_s: float = 0.001) -> list[float]:
    """How late ``time.sleep(sleep_s)`` wakes, ``n`` times."""
    out = []
    for _ in range(n):
        t = time.monotonic()
        time.sleep(sleep_s)
        out.append(time.monotonic() - t - sleep_s)
    return out


def spin_stalls_s(
    seconds: float, threshold_s: float = 0.001, now: Callable[[], float] = time.monotonic
) -> list[float]:
    """The gaps longer than ``threshold_s`` between two consecutive clock reads of a bare
    spin loop run for ``seconds``: the times this process was not running at all -- no
    sleep, no I/O, nothing of ours in between. On a host that preempts it (other work,
    or a hypervisor taking the CPU away) a paced step is late by as much, whatever the
    loop does: the floor under a real-time run's overruns."""
    gaps = []
    t = now()
    end = t + seconds
    while t < end:
        u = now()
        if u - t > threshold_s:
            gaps.append(u - t)
        t = u
    return gaps


def probe_host(n: int = 500, rt_priority: int = 50, spin_s: float = 0.0) -> dict[str, Any]:
    """Sleep overshoot p50/p99/max under SCHED_OTHER, then under SCHED_FIFO if permitted;
    with ``spin_s``, also the stalls of a bare spin loop that long (``spin_stalls_s``)."""
    out: dict[str, Any] = {}
    for name in ("SCHED_OTHER", "SCHED_FIFO"):
        if name == "SCHED_FIFO":
            try:
                request_rt_priority(rt_priority)
            except (OSError, ValueError) as exc:
                out[name] = {"refused": str(exc)}
                break
        try:
            over = sleep_overshoot_s(n)
            stalls = spin_stalls_s(spin_s) if spin_s > 0 else []
        finally:
            if name == "SCHED_FIFO":
                drop_rt_priority()
        out[name] = {
            "sleep_overshoot_p50_us": percentile(over, 50) * 1e6,
            "sleep_overshoot_p99_us": percentile(over, 99) * 1e6,
            "sleep_overshoot_max_us": max(over) * 1e6,
            "samples": n,
        }
        if spin_s > 0:
            out[name] |= {
                "spin_s": spin_s,
                "stalls_over_1ms": len(stalls),
                "worst_stall_ms": max(stalls, default=0.0) * 1e3,
            }
    return out
