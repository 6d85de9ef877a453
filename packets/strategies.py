"""Hypothesis strategies for the ICD: valid packets, frames and streams, and named damage.

Public API for anyone who tests an ICD implementation -- the deframer's own tests, the
FSW stub's, a link fuzzer's. Every value is derived from ``packets.icd``: field types
from the construct definitions, ranges from ``PacketSpec.limits`` and ``bit_masks``,
so a valid packet here is exactly what ICD §2 rule 5 accepts (f32 values are drawn as
binary32 numbers, so they survive the wire unchanged).

The mutations are plain functions on a frame's bytes (``bitflip``, ``byteset``,
``length_lie``, ``truncate``, ``bad_crc``, ``wrong_apid``, ``wrong_version``,
``seq_gap``) plus ``false_sync`` and ``garbage`` between frames and ``chunked`` to split
a stream; ``damage(frame)`` draws one of the corrupting ones by name, and
``damaged_streams()`` builds a stream where some frames are damaged and says which
frames went through intact.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from hypothesis import strategies as st

from packets.codec import MAX_CUC, Frame, Framer, codec_for, decode, encode
from packets.icd import (
    ASM,
    ASM_LEN,
    MAX_PACKET_LEN,
    PEC_LEN,
    PRIMARY_HEADER_LEN,
    SEQ_MODULO,
    SPECS,
    PacketSpec,
    crc16,
)
from packets.model import Packet

__all__ = [
    "CORRUPTIONS",
    "Damage",
    "DamagedStream",
    "EncodedFrame",
    "Stream",
    "any_packet",
    "bad_crc",
    "bitflip",
    "byteset",
    "chunked",
    "chunkings",
    "cucs",
    "damage",
    "damaged_streams",
    "delete_bytes",
    "encoded_frames",
    "f32s",
    "false_sync",
    "garbage",
    "insert_bytes",
    "length_lie",
    "packets_of",
    "seq_gap",
    "streams",
    "truncate",
    "unknown_apids",
    "wrong_apid",
    "wrong_version",
]

#: integer ranges of the struct codes a construct FormatField may use
_INT_RANGES: dict[str, tuple[int, int]] = {
    "B": (0, 0xFF),
    "H": (0, 0xFFFF),
    "I": (0, 0xFFFF_FFFF),
    "L": (0, 0xFFFF_FFFF),
    "Q": (0, 2**64 - 1),
    "b": (-(2**7), 2**7 - 1),
    "h": (-(2**15), 2**15 - 1),
    "i": (-(2**31), 2**31 - 1),
    "l": (-(2**31), 2**31 - 1),
    "q": (-(2**63), 2**63 - 1),
}
_LENGTH_OFFSET = ASM_LEN + 4  # the primary header's data length field
_SEQ_OFFSET = ASM_LEN + 2


# --- values and packets ------------------------------------------------------------


def f32s(
    min_value: float | None = None, max_value: float | None = None
) -> st.SearchStrategy[float]:
    """Finite IEEE-754 binary32 numbers (as Python floats), optionally bounded."""
    return st.floats(
        min_value=min_value,
        max_value=max_value,
        width=32,
        allow_nan=False,
        allow_infinity=False,
    )


def _field_strategy(spec: PacketSpec, index: int, code: str) -> st.SearchStrategy[Any]:
    name = spec.field_names[index]
    limits = {n: (lo, hi) for n, lo, hi in spec.limits}
    masks = dict(spec.bit_masks)
    if code in "fd":
        lo, hi = limits.get(name, (None, None))
        return f32s(lo, hi) if code == "f" else st.floats(lo, hi, allow_nan=False)
    lo_i, hi_i = _INT_RANGES[code]
    if name in limits:
        lo_i, hi_i = max(lo_i, int(limits[name][0])), min(hi_i, int(limits[name][1]))
    values: st.SearchStrategy[int] = st.integers(lo_i, hi_i)
    if name in masks:
        mask = masks[name]
        values = values.map(lambda v: v & mask)
    return values


def packets_of(apid_or_class: int | str | type[Packet]) -> st.SearchStrategy[Packet]:
    """Valid packets of one APID (given as APID, ICD name or packet class)."""
    codec = codec_for(apid_or_class)
    fmt = codec.data.format[1:]
    fields = [_field_strategy(codec.spec, i, c) for i, c in enumerate(fmt)]
    cls: Callable[..., Packet] = codec.cls
    return st.builds(cls, *fields)


def any_packet() -> st.SearchStrategy[Packet]:
    """Valid packets of any APID of ICD v1."""
    return st.one_of([packets_of(apid) for apid in SPECS])


def cucs(max_value: int = MAX_CUC) -> st.SearchStrategy[int]:
    """CUC times (coarse << 16 | fine)."""
    return st.integers(0, max_value)


def unknown_apids() -> st.SearchStrategy[int]:
    """APIDs that ICD v1 does not define (idle excluded)."""
    return st.integers(0, 0x7FE).filter(lambda a: a not in SPECS)


# --- frames and streams ------------------------------------------------------------


class EncodedFrame(NamedTuple):
    """A valid frame: what was sent, and its bytes."""

    frame: Frame
    data: bytes


class Stream(NamedTuple):
    """Valid frames in sending order and the byte stream that carries them."""

    frames: list[Frame]
    data: bytes


@st.composite
def encoded_frames(
    draw: st.DrawFn,
    packets: st.SearchStrategy[Packet] | None = None,
    seqs: st.SearchStrategy[int] | None = None,
    times: st.SearchStrategy[int] | None = None,
) -> EncodedFrame:
    """One valid frame: any packet (or from ``packets``), any sequence count and time."""
    packet = draw(packets if packets is not None else any_packet())
    seq = draw(seqs if seqs is not None else st.integers(0, SEQ_MODULO - 1))
    cuc = draw(times if times is not None else cucs())
    raw = encode(packet, seq, cuc)
    return EncodedFrame(decode(raw), raw)


@st.composite
def streams(
    draw: st.DrawFn,
    min_frames: int = 0,
    max_frames: int = 50,
    packets: st.SearchStrategy[Packet] | None = None,
) -> Stream:
    """A valid stream as a sender makes it: per-APID sequence counters, time not decreasing."""
    items = draw(
        st.lists(
            st.tuples(packets if packets is not None else any_packet(), st.integers(0, 1 << 20)),
            min_size=min_frames,
            max_size=max_frames,
        )
    )
    return _send(items)


def _send(items: Sequence[tuple[Packet, int]]) -> Stream:
    framer = Framer()
    frames: list[Frame] = []
    chunks: list[bytes] = []
    cuc = 0
    for packet, dt in items:
        cuc = min(cuc + dt, MAX_CUC)
        raw = framer.encode(packet, cuc)
        chunks.append(raw)
        frames.append(decode(raw))
    return Stream(frames, b"".join(chunks))


# --- mutations of one frame's bytes --------------------------------------------------


def _with_pec(packet_and_asm: bytes | bytearray) -> bytes:
    """Replace the last two bytes by the PEC of everything between ASM and PEC."""
    body = bytes(packet_and_asm[:-PEC_LEN])
    return body + crc16(body[ASM_LEN:]).to_bytes(PEC_LEN, "big")


def bitflip(data: bytes, bit: int) -> bytes:
    """Flip bit ``bit`` (0 = the MSB of byte 0) of ``data``."""
    out = bytearray(data)
    out[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(out)


def byteset(data: bytes, index: int, value: int) -> bytes:
    """Set byte ``index`` of ``data`` to ``value``."""
    out = bytearray(data)
    out[index] = value
    return bytes(out)


def length_lie(frame: bytes, length: int) -> bytes:
    """Write ``length`` into the primary header's data length field; the PEC stays as it was."""
    return frame[:_LENGTH_OFFSET] + struct.pack(">H", length) + frame[_LENGTH_OFFSET + 2 :]


def truncate(data: bytes, keep: int) -> bytes:
    """The first ``keep`` bytes of ``data`` (a frame cut short)."""
    return data[:keep]


def delete_bytes(data: bytes, index: int, count: int = 1) -> bytes:
    """``data`` without ``count`` bytes from ``index`` (bytes lost on the line)."""
    return data[:index] + data[index + count :]


def insert_bytes(data: bytes, index: int, extra: bytes) -> bytes:
    """``data`` with ``extra`` inserted before byte ``index`` (noise on the line)."""
    return data[:index] + extra + data[index:]


def bad_crc(frame: bytes, xor: int = 0x0001) -> bytes:
    """The frame with its PEC XORed by ``xor`` (nonzero: a PEC that cannot check)."""
    if not 0 < xor <= 0xFFFF:
        raise ValueError(f"xor must be in [1, 0xFFFF], got {xor}")
    pec = int.from_bytes(frame[-PEC_LEN:], "big") ^ xor
    return frame[:-PEC_LEN] + pec.to_bytes(PEC_LEN, "big")


def _rewrite_word1(frame: bytes, fn: Callable[[int], int]) -> bytes:
    (w1,) = struct.unpack_from(">H", frame, ASM_LEN)
    return _with_pec(frame[:ASM_LEN] + struct.pack(">H", fn(w1) & 0xFFFF) + frame[ASM_LEN + 2 :])


def wrong_apid(frame: bytes, apid: int) -> bytes:
    """The frame sent under another APID, with a good PEC (a header the receiver must judge)."""
    return _rewrite_word1(frame, lambda w1: (w1 & ~0x7FF) | (apid & 0x7FF))


def wrong_version(frame: bytes, version: int) -> bytes:
    """The frame with packet version ``version`` (ICD v1 knows only 0), with a good PEC."""
    return _rewrite_word1(frame, lambda w1: (w1 & 0x1FFF) | ((version & 0x7) << 13))


def seq_gap(frame: bytes, skip: int) -> bytes:
    """The frame with its sequence count advanced by ``skip`` (as if packets were lost),
    with a good PEC: a valid frame that a receiver must count as a gap."""
    (w2,) = struct.unpack_from(">H", frame, _SEQ_OFFSET)
    w2 = (w2 & 0xC000) | (((w2 & 0x3FFF) + skip) % SEQ_MODULO)
    return _with_pec(frame[:_SEQ_OFFSET] + struct.pack(">H", w2) + frame[_SEQ_OFFSET + 2 :])


def false_sync() -> bytes:
    """A stray attached sync marker, to put where no frame starts."""
    return ASM


def garbage(min_size: int = 1, max_size: int = 64) -> st.SearchStrategy[bytes]:
    """Bytes of line noise to put between frames."""
    return st.binary(min_size=min_size, max_size=max_size)


# --- named damage ---------------------------------------------------------------------


class Damage(NamedTuple):
    """A frame after a named mutation meant to make it unacceptable as the packet it was.

    Almost always it is; a CRC-16 collision (2^-16) or bytes that happen to re-form the
    ASM in front of an intact packet can leave it acceptable -- which is why a receiver's
    test asks "nothing accepted that was not sent", not "nothing damaged accepted".
    """

    name: str
    data: bytes


def _header_len_ok(frame: bytes) -> bool:
    return len(frame) > ASM_LEN + PRIMARY_HEADER_LEN + PEC_LEN


_Drawer = Callable[[st.DrawFn, bytes], bytes]


def _draw_bitflip(draw: st.DrawFn, f: bytes) -> bytes:
    return bitflip(f, draw(st.integers(0, 8 * len(f) - 1)))


def _draw_byteset(draw: st.DrawFn, f: bytes) -> bytes:
    i = draw(st.integers(0, len(f) - 1))
    return byteset(f, i, draw(st.integers(0, 0xFF).filter(lambda v: v != f[i])))


def _draw_length_lie(draw: st.DrawFn, f: bytes) -> bytes:
    (true_length,) = struct.unpack_from(">H", f, _LENGTH_OFFSET)
    return length_lie(f, draw(st.integers(0, 0xFFFF).filter(lambda v: v != true_length)))


def _draw_truncate(draw: st.DrawFn, f: bytes) -> bytes:
    return truncate(f, draw(st.integers(0, len(f) - 1)))


def _draw_delete(draw: st.DrawFn, f: bytes) -> bytes:
    i = draw(st.integers(0, len(f) - 1))
    return delete_bytes(f, i, draw(st.integers(1, min(8, len(f) - i))))


def _draw_insert(draw: st.DrawFn, f: bytes) -> bytes:
    return insert_bytes(f, draw(st.integers(1, len(f) - 1)), draw(garbage(1, 8)))


def _draw_bad_crc(draw: st.DrawFn, f: bytes) -> bytes:
    return bad_crc(f, draw(st.integers(1, 0xFFFF)))


def _draw_wrong_apid(draw: st.DrawFn, f: bytes) -> bytes:
    return wrong_apid(f, draw(unknown_apids()))


def _draw_wrong_version(draw: st.DrawFn, f: bytes) -> bytes:
    return wrong_version(f, draw(st.integers(1, 7)))


def _draw_false_sync(draw: st.DrawFn, f: bytes) -> bytes:
    # not right behind the frame's own ASM: ASM + ASM + packet leaves the frame intact
    index = draw(st.integers(1, len(f) - 1).filter(lambda i: i != ASM_LEN))
    return insert_bytes(f, index, false_sync())


#: the mutations that stop a frame being accepted as the packet it carried, by name.
#: ``wrong_apid`` moves it to an APID the ICD does not know (counted, ignored).
CORRUPTIONS: dict[str, _Drawer] = {
    "bitflip": _draw_bitflip,
    "byteset": _draw_byteset,
    "length_lie": _draw_length_lie,
    "truncate": _draw_truncate,
    "delete": _draw_delete,
    "insert": _draw_insert,
    "bad_crc": _draw_bad_crc,
    "wrong_apid": _draw_wrong_apid,
    "wrong_version": _draw_wrong_version,
    "false_sync": _draw_false_sync,
}


@st.composite
def damage(draw: st.DrawFn, frame: bytes, kinds: Sequence[str] = tuple(CORRUPTIONS)) -> Damage:
    """One named corrupting mutation of ``frame`` (a valid frame), drawn from ``kinds``."""
    if not _header_len_ok(frame):
        raise ValueError(f"not a frame: {frame.hex()}")
    name = draw(st.sampled_from(list(kinds)))
    return Damage(name, CORRUPTIONS[name](draw, frame))


# --- chunking -------------------------------------------------------------------------


def chunked(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``data`` split at the offsets ``cuts`` (any order, duplicates give empty chunks)."""
    bounds = [0, *sorted(min(max(c, 0), len(data)) for c in cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@st.composite
def chunkings(draw: st.DrawFn, data: bytes, max_cuts: int = 64) -> list[bytes]:
    """An arbitrary split of ``data`` into chunks (empty chunks included) that join to it."""
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=max_cuts))
    return chunked(data, cuts)


# --- damaged streams ------------------------------------------------------------------


class DamagedStream(NamedTuple):
    """A stream in which some frames were damaged and noise was put between frames.

    ``intact`` are the frames that went through unharmed, in order: a receiver must
    recover every one of them and accept nothing that was not sent. (An unharmed frame
    that a good-PEC candidate starting in damaged bytes runs into is not counted: see
    ``_recoverable``.) ``sent`` is every frame before
    damage; ``damage`` names what was done, in stream order.
    """

    data: bytes
    intact: list[Frame]
    sent: list[Frame]
    damage: list[str]


@st.composite
def damaged_streams(
    draw: st.DrawFn,
    min_frames: int = 1,
    max_frames: int = 50,
    damage_kinds: Sequence[str] = tuple(CORRUPTIONS),
    max_templates: int = 12,
) -> DamagedStream:
    """A valid stream, then about one frame in five damaged by a named mutation and some
    gaps filled with garbage or a stray ASM.

    To keep long streams cheap to draw, frames reuse up to ``max_templates`` drawn
    packets; every frame stays distinct by its sequence count and time.
    """
    templates = draw(st.lists(any_packet(), min_size=1, max_size=max_templates))
    n = draw(st.integers(min_frames, max_frames))
    picks = draw(
        st.lists(
            st.tuples(st.integers(0, len(templates) - 1), st.integers(1, 1 << 16)),
            min_size=n,
            max_size=n,
        )
    )
    sent = _send([(templates[k], dt) for k, dt in picks])
    framer_out = [encode(f.packet, f.seq, f.cuc) for f in sent.frames]
    chunks: list[bytes] = []
    owners: list[Frame | None] = []  # the intact frame a chunk carries, or None (damage)
    names: list[str] = []
    for frame, raw in zip(sent.frames, framer_out, strict=True):
        gap = draw(st.integers(0, 19))
        if gap == 0:
            chunks.append(draw(garbage()))
            owners.append(None)
            names.append("garbage")
        elif gap == 1:
            chunks.append(false_sync())
            owners.append(None)
            names.append("false_sync")
        if draw(st.integers(0, 4)) == 0:
            hurt = draw(damage(raw, damage_kinds))
            chunks.append(hurt.data)
            owners.append(None)
            names.append(hurt.name)
        else:
            chunks.append(raw)
            owners.append(frame)
    data = b"".join(chunks)
    return DamagedStream(data, _recoverable(data, chunks, owners), sent.frames, names)


def _recoverable(
    data: bytes, chunks: Sequence[bytes], owners: Sequence[Frame | None]
) -> list[Frame]:
    """The undamaged frames that a receiver can be held to recover.

    A candidate that starts in damaged bytes and whose PEC checks over bytes that run
    into the following frame must be accepted first (ICD §2) and hides that frame: a
    frame cut one byte short whose lost PEC byte equals the next ASM's 0x1A is such a
    case (1 in 256), a CRC-16 collision another (1 in 65536). The bytes are then truly
    ambiguous, so those frames are not counted as intact.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for chunk in chunks:
        spans.append((pos, pos + len(chunk)))
        pos += len(chunk)
    hidden_until = 0
    intact: list[Frame] = []
    for (start, end), owner in zip(spans, owners, strict=True):
        if owner is not None:
            if start >= hidden_until:
                intact.append(owner)
            continue
        q = data.find(ASM, start)
        while 0 <= q < end:
            if q + ASM_LEN + PRIMARY_HEADER_LEN <= len(data):
                (length,) = struct.unpack_from(">H", data, _LENGTH_OFFSET + q)
                total = ASM_LEN + PRIMARY_HEADER_LEN + length + 1
                if (
                    total - ASM_LEN <= MAX_PACKET_LEN
                    and q + total > end
                    and q + total <= len(data)
                    and crc16(data[q + ASM_LEN : q + total]) == 0
                ):
                    hidden_until = max(hidden_until, q + total)
            q = data.find(ASM, q + 1)
    return intact
