"""Frame encoding and decoding, fast, derived from the construct definitions.

construct's interpreter manages ~30 k packets/s; the link needs more. The fast path
here is *generated* from ``packets.icd``: each APID's ``struct`` format is read off
its construct ``Struct`` (every field is a construct ``FormatField``), so there is no
second hand-written layout. A property test proves it byte-identical to
``packets.icd.FrameStruct`` both ways.

One thing, ~310 lines: the derivation (struct formats, range predicates) and the codec
it yields belong together; the framer and deframer build on it.
"""

from __future__ import annotations

import math
import struct
from binascii import crc_hqx
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from construct import FormatField, Renamed, Struct

from packets.errors import FieldRangeError, FrameError, UnknownPacketError
from packets.icd import (
    ASM,
    ASM_LEN,
    CUC_FINE_PER_S,
    FRAME_OVERHEAD,
    PEC_LEN,
    SEQ_MODULO,
    SPECS,
    Apid,
    PacketSpec,
    crc16,
)
from packets.model import CLASS_OF_APID, Packet

#: header fields packed in front of the user data: ASM, word1, word2, length, coarse, fine
HEADER_FORMAT = ">4sHHHIH"
HEADER = struct.Struct(HEADER_FORMAT)
SEQ_FLAGS_UNSEGMENTED = 3
MAX_CUC = (1 << 48) - 1

#: the largest finite IEEE-754 binary32, as a Python float
F32_MAX = 3.4028234663852886e38
#: the smallest magnitude that overflows binary32 when rounded to nearest (2**128 - 2**103,
#: half an ulp above ``F32_MAX``; the tie rounds to even, i.e. to infinity). A finite Python
#: float ``x`` fits an ``f32`` -- ``struct.pack(">f", x)`` accepts it, rounding values just
#: above ``F32_MAX`` down to it -- exactly when ``-F32_OVERFLOW < x < F32_OVERFLOW``; the
#: same test is false for NaN and +-inf.
F32_OVERFLOW = 2.0**128 - 2.0**103
#: the open bound |v| < bound of each float struct code: an f32 must fit binary32
_FLOAT_BOUND = {"f": F32_OVERFLOW, "d": math.inf}


# --- time ------------------------------------------------------------------------


def cuc_from_us(t_us: int) -> int:
    """CUC time (coarse << 16 | fine) nearest to an integer sim time in microseconds."""
    return (t_us * CUC_FINE_PER_S + 500_000) // 1_000_000


def cuc_to_us(cuc: int) -> int:
    """Integer microseconds nearest to a CUC time."""
    return (cuc * 1_000_000 + CUC_FINE_PER_S // 2) // CUC_FINE_PER_S


def cuc_to_s(cuc: int) -> float:
    return cuc / CUC_FINE_PER_S


# --- the derived fast path -----------------------------------------------------


def struct_format_of(data: Struct) -> str:
    """The ``struct`` format of a construct ``Struct`` made only of big-endian FormatFields."""
    codes = []
    for sc in data.subcons:
        inner = sc
        while isinstance(inner, Renamed):  # name and docs each wrap the field once
            inner = inner.subcon
        if not isinstance(inner, FormatField) or inner.fmtstr[0] != ">":
            raise TypeError(f"field {sc.name!r} is not a big-endian FormatField: {inner!r}")
        codes.append(inner.fmtstr[1:])
    return ">" + "".join(codes)


#: a predicate over a packet's field values, True when every value is in its ICD range
Validator = Callable[[Sequence[Any]], bool]


def _validator_source(spec: PacketSpec, fmt: str) -> str:
    """Python source of one boolean expression over ``v`` (the field values) for a spec.

    Generated from the spec (field types from the construct definition, limits, bit masks)
    so the hot path checks a packet in one expression instead of a loop of calls. An f32
    with limits ``lo <= v <= hi`` inside binary32's range also excludes NaN, +-inf and
    values too large for an f32; one without such limits must be
    ``-F32_OVERFLOW < v < F32_OVERFLOW``, written as a literal (false for NaN, +-inf and
    the finite Python floats that ``struct.pack(">f")`` refuses).
    """
    limits = {name: (lo, hi) for name, lo, hi in spec.limits}
    masks = dict(spec.bit_masks)
    terms: list[str] = []
    for i, (name, code) in enumerate(zip(spec.field_names, fmt[1:], strict=True)):
        lo_hi = limits.get(name)
        if lo_hi is not None:
            terms.append(f"{lo_hi[0]!r} <= v[{i}] <= {lo_hi[1]!r}")
        bound = _FLOAT_BOUND.get(code)
        if bound is not None and (lo_hi is None or not -bound < lo_hi[0] <= lo_hi[1] < bound):
            # a literal (exact: repr round-trips) is a constant load, cheaper than a global
            b = "_INF" if math.isinf(bound) else repr(bound)
            terms.append(f"-{b} < v[{i}] < {b}")
        if name in masks:
            terms.append(f"not v[{i}] & {~masks[name] & 0xFFFFFFFF:#x}")
    return " and ".join(terms) or "True"


def _decoded_validator_source(spec: PacketSpec, fmt: str) -> str:
    """``_validator_source`` for values *unpacked from bytes*: there an f32 is a finite
    binary32 value, an infinity or NaN, so "fits an f32" is "finite", and the f32 fields
    with no limits of their own are tested together: their sum is finite exactly when
    each is (a sum of at most a few dozen binary32 values cannot overflow a double; an
    infinity or NaN among them makes it infinite or NaN). A property test holds it equal
    to the encoder's predicate on every unpacked value."""
    limits = {name for name, _, _ in spec.limits}
    unlimited_f32 = [
        i
        for i, (name, code) in enumerate(zip(spec.field_names, fmt[1:], strict=True))
        if code == "f" and name not in limits
    ]
    if len(unlimited_f32) < 2:
        return _validator_source(spec, fmt)
    kept = [
        term
        for term in _validator_source(spec, fmt).split(" and ")
        if not any(term == f"-{F32_OVERFLOW!r} < v[{i}] < {F32_OVERFLOW!r}" for i in unlimited_f32)
    ]
    total = " + ".join(f"v[{i}]" for i in unlimited_f32)
    return " and ".join([f"-_INF < {total} < _INF", *kept])


def _make_validator(spec: PacketSpec, fmt: str, *, decoded: bool = False) -> Validator:
    body = _decoded_validator_source(spec, fmt) if decoded else _validator_source(spec, fmt)
    fn: Validator = eval(f"lambda v: {body}", {"_INF": math.inf})
    return fn


@dataclass(frozen=True)
class FastCodec:
    """Precomputed packing for one APID, derived from its ``PacketSpec``."""

    spec: PacketSpec
    cls: type[Packet]
    data: struct.Struct
    whole: struct.Struct  # header + user data, without PEC
    word1: int
    length_field: int
    frame_len: int
    #: (index, open bound on |value|) of each float field: F32_OVERFLOW for f32
    float_idx: tuple[tuple[int, float], ...]
    limit_idx: tuple[tuple[int, str, float, float], ...]
    mask_idx: tuple[tuple[int, str, int], ...]
    #: fast range predicate (generated); ``check`` says which field failed and why
    valid: Validator
    #: the same predicate for values unpacked from a frame (cheaper; see
    #: ``_decoded_validator_source``)
    valid_decoded: Validator
    #: CUC coarse, fine and the user data, unpacked from the byte after the primary header
    time_and_data: struct.Struct

    def check(self, values: Sequence[Any]) -> None:
        """Raise ``FieldRangeError`` for a value outside the ICD's range (ICD §2 rule 5)."""
        if self.valid(values):
            return
        names = self.spec.field_names
        for i, bound in self.float_idx:
            v = values[i]
            if not -bound < v < bound:
                expected = "a finite f32" if bound == F32_OVERFLOW else "a finite f64"
                if bound == F32_OVERFLOW and math.isfinite(v):
                    expected += f" (|value| <= {F32_MAX!r})"
                raise FieldRangeError(self.spec.name, names[i], v, expected)
        for i, name, lo, hi in self.limit_idx:
            v = values[i]
            if not lo <= v <= hi:
                raise FieldRangeError(self.spec.name, name, v, f"within [{lo:g}, {hi:g}]")
        for i, name, mask in self.mask_idx:
            v = values[i]
            if v & ~mask:
                raise FieldRangeError(self.spec.name, name, v, f"only bits 0x{mask:02X} set")
        raise FieldRangeError(self.spec.name, "*", tuple(values), "values in their ICD ranges")


def _make_codec(spec: PacketSpec) -> FastCodec:
    fmt = struct_format_of(spec.data)
    names = spec.field_names
    index = {n: i for i, n in enumerate(names)}
    for name, _, _ in spec.limits:
        if name not in index:
            raise KeyError(f"{spec.name}: limit on unknown field {name!r}")
    return FastCodec(
        spec=spec,
        cls=CLASS_OF_APID[spec.apid],
        data=struct.Struct(fmt),
        whole=struct.Struct(HEADER_FORMAT + fmt[1:]),
        word1=(int(spec.type) << 12) | (1 << 11) | int(spec.apid),
        length_field=spec.length_field,
        frame_len=spec.frame_len,
        float_idx=tuple((i, _FLOAT_BOUND[c]) for i, c in enumerate(fmt[1:]) if c in "fd"),
        limit_idx=tuple((index[n], n, lo, hi) for n, lo, hi in spec.limits),
        mask_idx=tuple((index[n], n, m) for n, m in spec.bit_masks),
        valid=_make_validator(spec, fmt),
        valid_decoded=_make_validator(spec, fmt, decoded=True),
        time_and_data=struct.Struct(">IH" + fmt[1:]),
    )


CODECS: dict[int, FastCodec] = {apid: _make_codec(spec) for apid, spec in SPECS.items()}
_CODEC_OF_CLASS: dict[type, FastCodec] = {c.cls: c for c in CODECS.values()}
_PEC = struct.Struct(">H").pack
MAX_KNOWN_FRAME_LEN = max(c.frame_len for c in CODECS.values())


def codec_for(packet_or_class: Packet | type[Packet] | int | str) -> FastCodec:
    """The codec of a packet object, class, APID or ICD name."""
    if isinstance(packet_or_class, str):
        for c in CODECS.values():
            if c.spec.name == packet_or_class:
                return c
        raise UnknownPacketError(packet_or_class)
    if isinstance(packet_or_class, int):
        try:
            return CODECS[packet_or_class]
        except KeyError:
            raise UnknownPacketError(packet_or_class) from None
    key = packet_or_class if isinstance(packet_or_class, type) else type(packet_or_class)
    try:
        return _CODEC_OF_CLASS[key]
    except KeyError:
        raise UnknownPacketError(packet_or_class) from None


def encode(packet: Packet, seq: int = 0, cuc: int = 0, *, check: bool = True) -> bytes:
    """One frame: ASM, primary header, CUC time, user data, CRC-16 PEC.

    ``check=False`` lets fault injection and fuzzing build frames whose values are out
    of range (a NaN throttle); the layout and the PEC are always correct.
    """
    codec = _CODEC_OF_CLASS[type(packet)]
    if check and not codec.valid(packet):
        codec.check(packet)
    if not 0 <= cuc <= MAX_CUC:
        raise FieldRangeError(codec.spec.name, "time", cuc, f"a CUC time in [0, {MAX_CUC}]")
    body = codec.whole.pack(
        ASM,
        codec.word1,
        0xC000 | (seq % SEQ_MODULO),
        codec.length_field,
        cuc >> 16,
        cuc & 0xFFFF,
        *packet,
    )
    return body + crc_hqx(body[ASM_LEN:], 0xFFFF).to_bytes(2, "big")


class Frame(NamedTuple):
    """A decoded, accepted frame: header metadata and the typed packet."""

    apid: Apid
    seq: int
    cuc: int
    packet: Packet

    @property
    def name(self) -> str:
        return SPECS[self.apid].name

    @property
    def time_s(self) -> float:
        return self.cuc / CUC_FINE_PER_S


def decode(frame: bytes) -> Frame:
    """Decode exactly one frame (with ASM), or raise ``FrameError`` naming the bytes.

    For streams use ``packets.Deframer``, which never raises.
    """
    if len(frame) < FRAME_OVERHEAD or frame[:ASM_LEN] != ASM:
        raise FrameError("not a frame: too short or no ASM", frame)
    _, w1, w2, length, coarse, fine = HEADER.unpack_from(frame)
    apid = w1 & 0x7FF
    codec = CODECS.get(apid)
    if codec is None:
        raise FrameError(f"APID 0x{apid:03X} is not in ICD v1", frame)
    if w1 != codec.word1 or (w2 >> 14) != SEQ_FLAGS_UNSEGMENTED:
        raise FrameError("bad primary header (version, type, flags)", frame)
    if length != codec.length_field or len(frame) != codec.frame_len:
        raise FrameError(f"length: expected a {codec.frame_len}-byte frame", frame)
    pec = int.from_bytes(frame[-PEC_LEN:], "big")
    if crc16(memoryview(frame)[ASM_LEN:-PEC_LEN]) != pec:
        raise FrameError("bad PEC", frame)
    values = codec.whole.unpack_from(frame)[6:]
    codec.check(values)
    return Frame(Apid(apid), w2 & 0x3FFF, (coarse << 16) | fine, codec.cls._make(values))


def idle_frame(fill: bytes = b"\x00", seq: int = 0) -> bytes:
    """An idle packet (APID 0x7FF, no secondary header), framed with ASM and PEC."""
    if not fill:
        raise ValueError("an idle packet carries at least one byte of fill")
    w1 = (0 << 12) | (0 << 11) | int(Apid.IDLE)
    body = ASM + struct.pack(">HHH", w1, 0xC000 | seq, len(fill) + PEC_LEN - 1) + fill
    return body + crc16(body[ASM_LEN:]).to_bytes(2, "big")
