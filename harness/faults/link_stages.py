"""Link faults: stages of the sim-time ``Line`` (``harness.link.line.Stage``) that damage,
lose, add, hold back or slow the bytes one side writes (kinds in ``link_config``).

A stage sees each write with its sim time, judges its schedule then (altitude from the
plant's truth through ``altitude()``), draws from its own seeded generator and records
what it did as ``LinkFaultEvent``s: the write it touched (its index among the writes
this stage saw), the action, where in the write (bit index for ``bit_flipped``, byte
index otherwise) and how many bits or bytes. Byte-level kinds count positions over the
whole byte stream, not per write, so how a stream is split into writes does not change
which bits they hit. Every stage is FIFO (``reorder`` swaps a write with the next one
rather than delaying it in time), so it composes with the UART stage behind it.

(Just over 300 lines: each kind is a short class, and they share one base; split, the
kinds would only be further from the schedule and record machinery they all use.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from harness.faults.link_config import LinkFaultSpec
from harness.link.line import SerialLine
from packets import mutations

Pieces = list[tuple[int, bytes]]


class LinkFaultEvent(NamedTuple):
    """One thing a link fault did to one write."""

    t_us: int  # sim time of the write
    write: int  # index of the write among those this stage saw (0-based)
    action: str
    offset: int  # bit index (``bit_flipped``) or byte index in the write as written
    n: int  # bits or bytes touched


class LinkFaultStage:
    """Base of every link fault: schedule, seeded generator, record, summary."""

    fifo = True

    def __init__(
        self, spec: LinkFaultSpec, rng: np.random.Generator, altitude: Callable[[], float]
    ) -> None:
        self.spec = spec
        self.rng = rng
        self.altitude = altitude
        self.events: list[LinkFaultEvent] = []
        self.writes = 0
        self.writes_touched = 0
        self.first_us: int | None = None
        self.last_us: int | None = None
        self._last_touched = -1
        sch = spec.schedule
        self._needs_alt = sch.below_alt_m is not None or sch.above_alt_m is not None

    @property
    def bytes_held(self) -> int:
        """Bytes written that this stage holds back (only ``Reorder`` holds any)."""
        return 0

    def active(self, t_us: int) -> bool:
        alt = self.altitude() if self._needs_alt else 0.0
        return self.spec.schedule.active(t_us, alt)

    def process(self, t_us: int, data: bytes) -> Pieces:
        w = self.writes
        self.writes += 1
        if not self.active(t_us):
            return self.idle(t_us, data)
        return self.act(t_us, data, w)

    def idle(self, t_us: int, data: bytes) -> Pieces:
        return [(t_us, data)]

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        raise NotImplementedError

    def chance(self) -> bool:
        """True with the fault's probability ``p`` (one draw per write)."""
        p = float(self.spec.params["p"])
        return p >= 1.0 or (p > 0.0 and float(self.rng.random()) < p)

    def record(self, t_us: int, write: int, action: str, offset: int, n: int) -> None:
        self.events.append(LinkFaultEvent(t_us, write, action, offset, n))
        if write != self._last_touched:
            self._last_touched = write
            self.writes_touched += 1
        if self.first_us is None:
            self.first_us = t_us
        self.last_us = t_us

    def summary(self) -> dict[str, Any]:
        spec = self.spec
        counts: dict[str, int] = {}
        for e in self.events:
            counts[e.action] = counts.get(e.action, 0) + e.n
        return {
            "index": spec.index,
            "kind": spec.kind,
            "link": spec.direction,
            "sensor": f"link {spec.direction}",  # where it acts, as plots label faults
            "schedule": spec.schedule.as_dict(),
            "params": dict(spec.params),
            "applied": len(self.events),
            "counts": dict(sorted(counts.items())),
            "writes_seen": self.writes,
            "writes_touched": self.writes_touched,
            "first_t_s": None if self.first_us is None else self.first_us / 1e6,
            "last_t_s": None if self.last_us is None else self.last_us / 1e6,
        }


class _GapStage(LinkFaultStage):
    """Independent events at a rate per unit (bit or byte) over the whole stream: the
    distance to the next event is geometric, carried from write to write."""

    unit_bits = 8

    def __init__(self, spec: LinkFaultSpec, rng: np.random.Generator, alt: Callable[[], float]):
        super().__init__(spec, rng, alt)
        self.rate = float(spec.params["ber" if self.unit_bits == 1 else "p"])
        self._next = self._gap() - 1  # units until the next event, from the current one

    def _gap(self) -> int:
        return int(self.rng.geometric(self.rate)) if self.rate > 0 else 1 << 62

    def _positions(self, n_units: int) -> list[int]:
        out = []
        nxt = self._next
        while nxt < n_units:
            out.append(nxt)
            nxt += self._gap()
        self._next = nxt - n_units
        return out


class BitErrors(_GapStage):
    """Each bit flips independently with probability ``ber``."""

    unit_bits = 1

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        bits = self._positions(8 * len(data))
        if not bits:
            return [(t_us, data)]
        out = bytearray(data)
        for b in bits:
            out[b >> 3] ^= 0x80 >> (b & 7)
            self.record(t_us, write, "bit_flipped", b, 1)
        return [(t_us, bytes(out))]


class ByteLoss(_GapStage):
    """Each byte is lost independently with probability ``p``."""

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        lost = self._positions(len(data))
        if not lost:
            return [(t_us, data)]
        for i in lost:
            self.record(t_us, write, "bytes_lost", i, 1)
        gone = set(lost)
        return [(t_us, bytes(b for i, b in enumerate(data) if i not in gone))]


class BurstLoss(LinkFaultStage):
    """Gilbert–Elliott per byte: runs of good bytes ~ Geometric(p_gb), runs of lost bytes
    ~ Geometric(p_bg), starting good; the run in progress carries over between writes."""

    def __init__(self, spec: LinkFaultSpec, rng: np.random.Generator, alt: Callable[[], float]):
        super().__init__(spec, rng, alt)
        self.bad = False
        self._left = self._run()

    def _run(self) -> int:
        p = float(self.spec.params["p_bg" if self.bad else "p_gb"])
        return int(self.rng.geometric(p)) if p > 0 else 1 << 62

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        keep: list[bytes] = []
        i, n = 0, len(data)
        while i < n:
            take = min(self._left, n - i)
            if self.bad:
                self.record(t_us, write, "bytes_lost", i, take)
            else:
                keep.append(data[i : i + take])
            i += take
            self._left -= take
            if self._left == 0:
                self.bad = not self.bad
                self._left = self._run()
        return [(t_us, b"".join(keep))]


class Truncate(LinkFaultStage):
    """With probability ``p`` a write is cut to a length drawn in [0, len - 1]."""

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        if not data or not self.chance():
            return [(t_us, data)]
        keep = int(self.rng.integers(0, len(data)))
        self.record(t_us, write, "truncated", keep, len(data) - keep)
        return [(t_us, mutations.truncate(data, keep))] if keep else []


class BadPec(LinkFaultStage):
    """With probability ``p`` a write's last two bytes (a frame's PEC) are XORed with a
    word drawn in [1, 0xFFFF]."""

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        if len(data) < 2 or not self.chance():
            return [(t_us, data)]
        xor = int(self.rng.integers(1, 0x10000))
        self.record(t_us, write, "pec_damaged", len(data) - 2, 2)
        return [(t_us, mutations.bad_crc(data, xor))]


class Duplicate(LinkFaultStage):
    """With probability ``p`` a write arrives twice, back to back."""

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        if not data or not self.chance():
            return [(t_us, data)]
        self.record(t_us, write, "duplicated", 0, len(data))
        return [(t_us, data), (t_us, data)]


class Reorder(LinkFaultStage):
    """With probability ``p`` a write is held back and arrives right after the next write
    (that one is not held in turn). A write still held when the run ends never arrives."""

    def __init__(self, spec: LinkFaultSpec, rng: np.random.Generator, alt: Callable[[], float]):
        super().__init__(spec, rng, alt)
        self.held: bytes | None = None

    @property
    def bytes_held(self) -> int:
        return 0 if self.held is None else len(self.held)

    def _release(self, t_us: int, data: bytes) -> Pieces:
        held, self.held = self.held, None
        return [(t_us, data), (t_us, held)] if held is not None else [(t_us, data)]

    def idle(self, t_us: int, data: bytes) -> Pieces:
        return self._release(t_us, data)

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        if self.held is not None or not data or not self.chance():
            return self._release(t_us, data)
        self.held = data
        self.record(t_us, write, "held_back", 0, len(data))
        return []


class Babble(LinkFaultStage):
    """With probability ``p`` random bytes (``min_bytes``..``max_bytes``) go before a write."""

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        if not self.chance():
            return [(t_us, data)]
        prm = self.spec.params
        n = int(self.rng.integers(prm["min_bytes"], prm["max_bytes"] + 1))
        junk = self.rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        self.record(t_us, write, "babbled", 0, n)
        return [(t_us, junk + data)]


class Stall(LinkFaultStage):
    """From the first write in the window, every byte is held until ``duration_s`` later
    (writes keep their order); the first active write after that starts the next stall."""

    def __init__(self, spec: LinkFaultSpec, rng: np.random.Generator, alt: Callable[[], float]):
        super().__init__(spec, rng, alt)
        self.until_us = -1
        self.duration_us = round(float(spec.params["duration_s"]) * 1e6)

    def idle(self, t_us: int, data: bytes) -> Pieces:
        return [(max(t_us, self.until_us), data)]  # a stall in progress holds everything

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        if t_us >= self.until_us:
            self.until_us = t_us + self.duration_us
        self.record(t_us, write, "stalled", 0, len(data))
        return [(self.until_us, data)]


class SlowLine(LinkFaultStage):
    """While active the bytes leave at ``baud`` (a UART slower than configured)."""

    def __init__(self, spec: LinkFaultSpec, rng: np.random.Generator, alt: Callable[[], float]):
        super().__init__(spec, rng, alt)
        self.line = SerialLine(int(spec.params["baud"]), int(spec.params["bits_per_byte"]))
        self.free_us = 0

    def idle(self, t_us: int, data: bytes) -> Pieces:
        return [(max(t_us, self.free_us), data)]

    def act(self, t_us: int, data: bytes, write: int) -> Pieces:
        self.free_us = max(t_us, self.free_us) + self.line.tx_time_us(len(data))
        self.record(t_us, write, "slowed", 0, len(data))
        return [(self.free_us, data)]
