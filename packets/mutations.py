"""Byte mutations of frames and streams: plain functions, no hypothesis.

One home for byte damage (review 2026-12 §3): the hypothesis strategies draw their
arguments (``packets.strategies``), the harness's link-fault stages apply them at run
time with a seeded generator, and the fuzzer builds its mutated sessions from them.

Two families:

* *below the CRC* -- the frame stops checking: ``bitflip``, ``byteset``, ``length_lie``,
  ``truncate``, ``delete_bytes``, ``insert_bytes``, ``bad_crc``;
* *above the CRC* -- the frame is rewritten and its PEC recomputed, so the receiver
  accepts the frame and must judge its content: ``wrong_apid``, ``wrong_version``,
  ``seq_gap``, ``with_seq``, ``with_pec``.

``CORRUPTIONS`` names the damage that stops a frame being accepted as what it was, each
taking its arguments from a ``Pick`` (an integer in [lo, hi]), so hypothesis, a seeded
numpy generator and a test all draw the same named damage (``corrupt``).
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from packets.icd import ASM, ASM_LEN, PEC_LEN, PRIMARY_HEADER_LEN, SEQ_MODULO, SPECS, crc16

__all__ = [
    "CORRUPTIONS",
    "LENGTH_OFFSET",
    "SEQ_OFFSET",
    "UNKNOWN_APIDS",
    "Pick",
    "bad_crc",
    "bitflip",
    "byteset",
    "corrupt",
    "delete_bytes",
    "false_sync",
    "insert_bytes",
    "length_lie",
    "seq_gap",
    "seq_of",
    "truncate",
    "with_pec",
    "with_seq",
    "wrong_apid",
    "wrong_version",
]

#: offset in a frame (ASM included) of the primary header's data length field
LENGTH_OFFSET = ASM_LEN + 4
#: offset of the primary header's second word (sequence flags + sequence count)
SEQ_OFFSET = ASM_LEN + 2


def with_pec(frame: bytes | bytearray) -> bytes:
    """Replace the last two bytes by the PEC of everything between ASM and PEC."""
    body = bytes(frame[:-PEC_LEN])
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
    return frame[:LENGTH_OFFSET] + struct.pack(">H", length) + frame[LENGTH_OFFSET + 2 :]


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


def _rewrite_word(frame: bytes, offset: int, fn: Callable[[int], int]) -> bytes:
    (w,) = struct.unpack_from(">H", frame, offset)
    return with_pec(frame[:offset] + struct.pack(">H", fn(w) & 0xFFFF) + frame[offset + 2 :])


def wrong_apid(frame: bytes, apid: int) -> bytes:
    """The frame sent under another APID, with a good PEC (a header the receiver must judge)."""
    return _rewrite_word(frame, ASM_LEN, lambda w1: (w1 & ~0x7FF) | (apid & 0x7FF))


def wrong_version(frame: bytes, version: int) -> bytes:
    """The frame with packet version ``version`` (ICD v1 knows only 0), with a good PEC."""
    return _rewrite_word(frame, ASM_LEN, lambda w1: (w1 & 0x1FFF) | ((version & 0x7) << 13))


def seq_of(frame: bytes) -> int:
    """The sequence count in a frame's primary header."""
    (w2,) = struct.unpack_from(">H", frame, SEQ_OFFSET)
    return int(w2 & 0x3FFF)


def with_seq(frame: bytes, seq: int) -> bytes:
    """The frame with sequence count ``seq`` (mod 2^14), with a good PEC."""
    return _rewrite_word(frame, SEQ_OFFSET, lambda w2: (w2 & 0xC000) | (seq % SEQ_MODULO))


def seq_gap(frame: bytes, skip: int) -> bytes:
    """The frame with its sequence count advanced by ``skip`` (as if packets were lost),
    with a good PEC: a valid frame that a receiver must count as a gap."""
    return with_seq(frame, seq_of(frame) + skip)


def false_sync() -> bytes:
    """A stray attached sync marker, to put where no frame starts."""
    return ASM


# --- named damage with drawn arguments ------------------------------------------------

#: an integer in [lo, hi], both inclusive: ``hypothesis``'s ``draw(st.integers(lo, hi))``,
#: or ``int(rng.integers(lo, hi + 1))`` of a seeded numpy generator
Pick = Callable[[int, int], int]

_KNOWN_APIDS = frozenset(int(a) for a in SPECS)
#: APIDs that ICD v1 does not define (idle excluded), for ``wrong_apid``
UNKNOWN_APIDS = tuple(a for a in range(0x7FF) if a not in _KNOWN_APIDS)


def _other(pick: Pick, lo: int, hi: int, not_this: int) -> int:
    """A value in [lo, hi] other than ``not_this`` (which must lie in the range)."""
    v = pick(lo, hi - 1)
    return v + 1 if v >= not_this else v


def _pick_bytes(pick: Pick, lo: int, hi: int) -> bytes:
    return bytes(pick(0, 0xFF) for _ in range(pick(lo, hi)))


def _d_bitflip(f: bytes, pick: Pick) -> bytes:
    return bitflip(f, pick(0, 8 * len(f) - 1))


def _d_byteset(f: bytes, pick: Pick) -> bytes:
    i = pick(0, len(f) - 1)
    return byteset(f, i, _other(pick, 0, 0xFF, f[i]))


def _d_length_lie(f: bytes, pick: Pick) -> bytes:
    (true_length,) = struct.unpack_from(">H", f, LENGTH_OFFSET)
    return length_lie(f, _other(pick, 0, 0xFFFF, true_length))


def _d_truncate(f: bytes, pick: Pick) -> bytes:
    return truncate(f, pick(0, len(f) - 1))


def _d_delete(f: bytes, pick: Pick) -> bytes:
    i = pick(0, len(f) - 1)
    return delete_bytes(f, i, pick(1, min(8, len(f) - i)))


def _d_insert(f: bytes, pick: Pick) -> bytes:
    return insert_bytes(f, pick(1, len(f) - 1), _pick_bytes(pick, 1, 8))


def _d_bad_crc(f: bytes, pick: Pick) -> bytes:
    return bad_crc(f, pick(1, 0xFFFF))


def _d_wrong_apid(f: bytes, pick: Pick) -> bytes:
    return wrong_apid(f, UNKNOWN_APIDS[pick(0, len(UNKNOWN_APIDS) - 1)])


def _d_wrong_version(f: bytes, pick: Pick) -> bytes:
    return wrong_version(f, pick(1, 7))


def _d_false_sync(f: bytes, pick: Pick) -> bytes:
    # not right behind the frame's own ASM: ASM + ASM + packet leaves the frame intact
    index = _other(pick, 1, len(f) - 1, ASM_LEN)
    return insert_bytes(f, index, false_sync())


#: the mutations that stop a frame being accepted as the packet it carried, by name, each
#: with its arguments drawn by a ``Pick``. ``wrong_apid`` moves the frame to an APID the
#: ICD does not know (counted, ignored).
CORRUPTIONS: dict[str, Callable[[bytes, Pick], bytes]] = {
    "bitflip": _d_bitflip,
    "byteset": _d_byteset,
    "length_lie": _d_length_lie,
    "truncate": _d_truncate,
    "delete": _d_delete,
    "insert": _d_insert,
    "bad_crc": _d_bad_crc,
    "wrong_apid": _d_wrong_apid,
    "wrong_version": _d_wrong_version,
    "false_sync": _d_false_sync,
}


def corrupt(name: str, frame: bytes, pick: Pick) -> bytes:
    """Apply the named corruption to ``frame`` (a valid frame), arguments from ``pick``."""
    if len(frame) <= ASM_LEN + PRIMARY_HEADER_LEN + PEC_LEN:
        raise ValueError(f"not a frame: {frame.hex()}")
    try:
        fn = CORRUPTIONS[name]
    except KeyError:
        raise ValueError(f"unknown corruption {name!r}; one of {', '.join(CORRUPTIONS)}") from None
    return fn(frame, pick)
