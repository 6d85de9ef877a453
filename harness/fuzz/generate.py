"""A fuzz case from a byte string: a lockstep session with mutations, as H2F writes.

Hypothesis draws one ``bytes`` value per case; ``case_of(blob)`` decodes it, choice by
choice, through a ``Blob`` (a ``packets.mutations.Pick`` that reads the bytes, and reads
zeros once they run out). Choice 0 is always the plainest (a valid frame, the next tick,
no cut), so when hypothesis shrinks the bytes -- shorter, then smaller -- the case
shrinks to fewer, plainer frames. One draw per case instead of one per choice is what
makes a case cheap enough for thousands a second (``benchmarks/bench_fuzz.py``).

A case is a list of ``Write``s, each a request (SYNC or PING) with the frames before it,
sent in chunks: a baseline ``SYNC(0)`` first (its FSW_STATUS anchors the counters), then
1..5 steps, then a closing PING. Frames are the sensors' (and now and then STATE_INIT,
or an F→H packet looped back), each valid or mutated: above the CRC (out-of-range
values, unknown status bits, a sequence jump or wrap, an unknown APID, a wrong version;
the PEC is recomputed, so the FSW must judge the content) or below it (a named
corruption of ``packets.mutations``), with garbage between frames now and then. Requests
are the next tick's SYNC, or a duplicated, skipped, out-of-order or wrapping tick, or a
PING storm. Same bytes, same case: nothing depends on the FSW or on earlier cases.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from packets import Apid, Packet, Ping, StateInit, Sync, codec_for, cuc_from_us, encode
from packets import mutations as mut
from packets.icd import SEQ_MODULO, SPECS

PERIOD_US = 50_000
MAX_STEPS = 5
MAX_FRAMES_PER_STEP = 6
#: what a frame may be, by the value of its first choice (0: the most common)
FRAME_APIDS = (
    Apid.LRF,
    Apid.IMU,
    Apid.ATTITUDE,
    Apid.DISCRETES,
    Apid.VELOCIMETER,
    Apid.LRF,
    Apid.IMU,
    Apid.STATE_INIT,
    Apid.ENGINE_CMD,  # an F→H packet looped back: counted, ignored
    Apid.FSW_STATUS,
)
#: f32 values a valid field takes (first: the plainest), kept to each field's limits
_VALUES = (0.0, 1.0, -1.0, 0.5, 100.0, 3000.0, -60.0, 1e-6, 1e6, 0.25, -0.5, 9999.0)
_BAD_FLOATS = (math.nan, math.inf, -math.inf)
_U32 = 0xFFFF_FFFF
#: integer ranges of the struct codes the ICD's fields use
_INT_RANGES = {
    "B": (0, 0xFF),
    "H": (0, 0xFFFF),
    "I": (0, _U32),
    "L": (0, _U32),
    "b": (-128, 127),
    "h": (-32768, 32767),
    "i": (-(2**31), 2**31 - 1),
    "l": (-(2**31), 2**31 - 1),
}


class Blob:
    """Integers in [lo, hi] read from ``data`` big-endian, as few bytes as the span needs;
    zeros once ``data`` runs out (so a shorter blob is a plainer case)."""

    __slots__ = ("data", "i")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0

    def __call__(self, lo: int, hi: int) -> int:
        span = hi - lo
        i = self.i
        if span < 256:  # one byte: the common case, kept short
            if span <= 0:
                return lo
            self.i = i + 1
            data = self.data
            return lo + (data[i] % (span + 1) if i < len(data) else 0)
        n = (span.bit_length() + 7) // 8
        raw = self.data[i : i + n]
        self.i = i + n
        v = int.from_bytes(raw, "big") << (8 * (n - len(raw))) if raw else 0
        return lo + v % (span + 1)

    def take(self, n: int) -> bytes:
        """The next ``n`` bytes as they are (zero-padded past the end)."""
        raw = self.data[self.i : self.i + n]
        self.i += n
        return raw + bytes(n - len(raw))


@dataclass
class Write:
    """One write of the case: its parts (a frame, damaged or not, or garbage, each with
    what it is), sent in chunks cut at ``cuts`` (offsets into the joined bytes). A write
    ends with its requests (SYNC or PING), whose answers the driver then waits for."""

    parts: list[tuple[bytes, str]]
    cuts: list[int] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return b"".join(p for p, _ in self.parts)

    @property
    def carries(self) -> list[str]:
        return [what for _, what in self.parts]

    @property
    def chunks(self) -> list[bytes]:
        data = self.data
        bounds = [0, *sorted(c for c in self.cuts if 0 < c < len(data)), len(data)]
        return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a] or [data]


def _limits(apid: int) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    spec = SPECS[apid]
    return {n: (lo, hi) for n, lo, hi in spec.limits}, dict(spec.bit_masks)


def _field_values(apid: int) -> list[list[object]]:
    """The values each field of ``apid`` may take in a valid packet, plainest first."""
    codec = codec_for(apid)
    limits, masks = _limits(apid)
    out: list[list[object]] = []
    for name, code in zip(codec.spec.field_names, codec.data.format[1:], strict=True):
        lo, hi = limits.get(name, (-math.inf, math.inf))
        if code in "fd":
            out.append([v for v in _VALUES if lo <= v <= hi] or [lo])
            continue
        tlo, thi = _INT_RANGES[code]
        ilo = max(tlo, int(lo)) if math.isfinite(lo) else max(tlo, 0)
        ihi = min(thi, int(hi)) if math.isfinite(hi) else thi
        ints = sorted({ilo, ihi, min(ihi, ilo + 1), (ilo + ihi) // 2, min(ihi, 7), 0x3FFF & ihi})
        out.append([v & masks[name] if name in masks else v for v in ints if ilo <= v <= ihi])
    return out


def _templates(apid: int) -> list[Packet]:
    """``TEMPLATES`` valid packets of ``apid``: the plainest first, then a fixed spread of
    field values (a multiplicative hash of the template and field index picks each)."""
    cls: Any = codec_for(apid).cls
    fields = _field_values(apid)
    out = []
    for t in range(TEMPLATES):
        vals = [opts[0 if t == 0 else (t * 2654435761 + f * 40503) % len(opts)]
                for f, opts in enumerate(fields)]  # fmt: skip
        out.append(cls(*vals))
    return out


TEMPLATES = 32
_TEMPLATES: dict[int, list[Packet]] = {}


def _valid_packet(apid: int, pick: Blob) -> Packet:
    ts = _TEMPLATES.get(apid)
    if ts is None:
        ts = _TEMPLATES[apid] = _templates(apid)
    return ts[pick(0, TEMPLATES - 1)]


def _out_of_range(apid: int, packet: Packet, pick: Blob) -> tuple[Packet, str]:
    """The packet with one field out of its ICD range (rule 5): a NaN or infinite f32, a
    value past a limit, a bit outside a mask."""
    codec = codec_for(apid)
    limits, masks = _limits(apid)
    names = codec.spec.field_names
    i = pick(0, len(names) - 1)
    name, code = names[i], codec.data.format[1:][i]
    bad: object
    if code in "fd":
        hi = limits.get(name, (-math.inf, math.inf))[1]
        options = [*_BAD_FLOATS, *([hi * 2 + 1] if math.isfinite(hi) else [])]
        bad = options[pick(0, len(options) - 1)]
    elif name in masks:
        outside = [b for b in range(8) if not masks[name] >> b & 1]
        bad = int(getattr(packet, name)) | 1 << outside[pick(0, len(outside) - 1)]
    elif name in limits and limits[name][1] < _INT_RANGES[code][1]:
        bad = int(limits[name][1]) + 1
    else:
        return packet, "valid (no range to break)"
    values: list[Any] = list(packet)
    values[i] = bad
    cls: Any = type(packet)
    return cls(*values), f"{name}={bad!r}"


class _Sender:
    """Per-APID sequence counters of the fuzzer as a sender (a jump moves the counter)."""

    def __init__(self) -> None:
        self.seq: dict[int, int] = {}

    def frame(self, packet: Packet, apid: int, cuc: int) -> bytes:
        s = self.seq.get(apid, 0)
        self.seq[apid] = (s + 1) % SEQ_MODULO
        return encode(packet, s, cuc, check=False)

    def jump(self, apid: int, by: int) -> None:
        self.seq[apid] = (self.seq.get(apid, 0) + by) % SEQ_MODULO


def _frame(pick: Blob, sender: _Sender, cuc: int) -> tuple[bytes, str]:
    apid = int(FRAME_APIDS[pick(0, len(FRAME_APIDS) - 1)])
    name = SPECS[apid].name
    packet = _valid_packet(apid, pick)
    m = pick(0, 15)
    if m <= 8:
        return sender.frame(packet, apid, cuc), name
    if m == 9:
        bad, what = _out_of_range(apid, packet, pick)
        return sender.frame(bad, apid, cuc), f"{name} out of range ({what})"
    if m == 10:  # the sender's count jumps: to the wrap, ahead, back, anywhere
        how = pick(0, 3)
        now = sender.seq.get(apid, 0)
        to = (SEQ_MODULO - 1, now + pick(2, 100), now - pick(1, 5), pick(0, SEQ_MODULO - 1))[how]
        sender.jump(apid, to - now)
        return sender.frame(packet, apid, cuc), f"{name} seq {to % SEQ_MODULO}"
    raw = sender.frame(packet, apid, cuc)
    if m == 11:
        if pick(0, 1):
            return mut.wrong_version(raw, pick(1, 7)), f"{name} wrong version"
        apid2 = mut.UNKNOWN_APIDS[pick(0, len(mut.UNKNOWN_APIDS) - 1)]
        return mut.wrong_apid(raw, apid2), f"{name} as unknown APID 0x{apid2:03X}"
    kind = sorted(mut.CORRUPTIONS)[pick(0, len(mut.CORRUPTIONS) - 1)]
    return mut.corrupt(kind, raw, pick), f"{name} {kind}"


def _cuts(data: bytes, pick: Blob) -> list[int]:
    return sorted(pick(0, len(data)) for _ in range(pick(0, 3)))


class _Session:
    def __init__(self) -> None:
        self.sender = _Sender()
        self.tick = 0
        self.nonce = 0

    def sync(self, tick: int) -> tuple[bytes, str]:
        self.tick = tick
        cuc = cuc_from_us((tick % 100_000) * PERIOD_US)
        return self.sender.frame(Sync(tick, PERIOD_US), Apid.SYNC, cuc), f"SYNC({tick})"

    def ping(self) -> tuple[bytes, str]:
        self.nonce += 1
        return self.sender.frame(Ping(self.nonce), Apid.PING, 0), f"PING({self.nonce})"

    def request(self, pick: Blob) -> list[tuple[bytes, str]]:
        r = pick(0, 15)
        k = self.tick
        if r <= 9:
            return [self.sync(k + 1 if k < _U32 else 0)]
        if r == 10:
            return [self.sync(k), self.sync(k)] if pick(0, 1) else [self.sync(k)]
        if r == 11:
            return [self.sync(min(_U32, k + pick(2, 1000)))]
        if r == 12:
            return [self.sync(max(0, k - pick(1, 5)))]
        if r == 13:
            return [self.sync(_U32 - pick(0, 2))]
        if r == 14:
            return [self.ping() for _ in range(pick(2, 12))]
        return [self.ping()]


def case_of(blob: bytes) -> list[Write]:
    """The case ``blob`` describes (see the module docstring)."""
    pick = Blob(blob)
    s = _Session()
    case = [Write([s.sync(0)])]
    for _ in range(pick(1, MAX_STEPS)):
        cuc = cuc_from_us(((s.tick + 1) % 100_000) * PERIOD_US)
        parts: list[tuple[bytes, str]] = []
        for _ in range(pick(0, MAX_FRAMES_PER_STEP)):
            if pick(0, 7) == 7:
                parts.append((pick.take(pick(1, 64)), "garbage"))
            parts.append(_frame(pick, s.sender, cuc))
        if pick(0, 15) == 15:  # STATE_INIT now and then, valid
            init = StateInit(3000.0, 0.0, 0.0, -60.0, 900.0, 50.0, 2.0)
            parts.append((s.sender.frame(init, Apid.STATE_INIT, cuc), "STATE_INIT"))
        parts += s.request(pick)
        case.append(Write(parts, _cuts(b"".join(p for p, _ in parts), pick)))
    case.append(Write([s.ping()]))
    return case
