"""A resynchronising stream deframer that follows ICD §2 to the letter and never raises.

The hunt is CRC-gated: a header is only a candidate until its PEC checks, and a
rejected candidate resumes the hunt one byte after its ASM -- never skipping ahead by
a length the CRC did not vouch for, so one corrupted length cannot swallow the good
frames behind it. Every byte fed ends up in exactly one of: an accepted frame (known,
unknown-APID or idle), the skipped count, or the pending buffer.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

from packets.codec import CODECS, HEADER, SEQ_FLAGS_UNSEGMENTED, Frame
from packets.icd import (
    ASM,
    ASM_LEN,
    MAX_PACKET_LEN,
    PEC_LEN,
    PRIMARY_HEADER_LEN,
    SEQ_MODULO,
    SPECS,
    Apid,
    crc16,
)

_HEADER_END = ASM_LEN + PRIMARY_HEADER_LEN
_PRIMARY = struct.Struct(">4sHHH")  # ASM, word1, word2, length
_MIN_FRAME_WITH_TIME = ASM_LEN + HEADER.size + PEC_LEN
_IDLE = int(Apid.IDLE)
_COMPACT_AT = 1 << 16


class Rejection(NamedTuple):
    """Why a candidate frame was rejected, where (stream offset of its ASM), and its bytes."""

    reason: str
    offset: int
    data_hex: str


@dataclass
class DeframerStats:
    """Counters of everything the deframer saw (ICD §2 rules 3-6)."""

    frames: int = 0
    crc_errors: int = 0
    skipped_bytes: int = 0
    rejected_header: int = 0
    rejected_range: int = 0
    unknown_apid: int = 0
    idle: int = 0
    bytes_in_frames: int = 0
    by_apid: dict[int, int] = field(default_factory=dict)
    seq_gaps_by_apid: dict[int, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        """Frames rejected for anything but the PEC: header, length, range, enum."""
        return self.rejected_header + self.rejected_range

    @property
    def seq_gaps(self) -> int:
        return sum(self.seq_gaps_by_apid.values())

    def summary(self) -> dict[str, object]:
        """The ``lunar-hil decode --summary`` object."""
        return {
            "frames": self.frames,
            "by_name": {SPECS[a].name: n for a, n in sorted(self.by_apid.items())},
            "crc_errors": self.crc_errors,
            "skipped_bytes": self.skipped_bytes,
            "rejected": self.rejected,
            "unknown_apid": self.unknown_apid,
            "seq_gaps": self.seq_gaps,
        }


class Deframer:
    """Bytes in arbitrary chunks in, accepted ``Frame``s out (ICD §2).

    ``feed`` never raises on any input and never holds a partial frame longer than the
    longest valid frame takes to arrive: a candidate waits only for its own length
    (at most 1024 + 4 bytes). A link that goes quiet can call ``resync`` to give up
    the pending candidate, or ``flush`` at the end of a stream.
    """

    def __init__(self, *, keep_rejections: int = 64) -> None:
        self.stats = DeframerStats()
        self.rejections: deque[Rejection] = deque(maxlen=keep_rejections)
        self._buf = bytearray()
        self._pos = 0  # index in _buf where the hunt resumes
        self._base = 0  # stream offset of _buf[0]
        self._last_seq: dict[int, int] = {}

    @property
    def pending(self) -> int:
        """Bytes held while waiting for the rest of a candidate frame."""
        return len(self._buf) - self._pos

    @property
    def bytes_fed(self) -> int:
        return self._base + len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Take any bytes; return the frames they completed, in stream order."""
        buf = self._buf
        buf += data
        out: list[Frame] = []
        self._pos = self._scan(buf, self._pos, out)
        if self._pos >= _COMPACT_AT or self._pos == len(buf):
            del buf[: self._pos]
            self._base += self._pos
            self._pos = 0
        return out

    def resync(self) -> list[Frame]:
        """Give up the pending candidate: skip one byte past its ASM and hunt again."""
        if self.pending == 0:
            return []
        self.stats.skipped_bytes += 1
        self._pos += 1
        return self.feed(b"")

    def flush(self) -> list[Frame]:
        """End of stream: resolve every pending candidate; what remains is skipped."""
        out: list[Frame] = []
        while self.pending:
            if self._buf.find(ASM, self._pos) < 0:
                self.stats.skipped_bytes += self.pending
                self._pos = len(self._buf)
                out += self.feed(b"")
                break
            out += self.resync()
        return out

    def _reject(self, buf: bytearray, i: int, n: int, reason: str) -> None:
        self.rejections.append(Rejection(reason, self._base + i, bytes(buf[i : i + n]).hex()))

    def _scan(self, buf: bytearray, pos: int, out: list[Frame]) -> int:
        stats = self.stats
        end = len(buf)
        while True:
            i = buf.find(ASM, pos)
            if i < 0:
                # keep a tail that may be the start of an ASM
                keep = max(pos, end - (ASM_LEN - 1))
                stats.skipped_bytes += keep - pos
                return keep
            stats.skipped_bytes += i - pos
            pos = i
            if end - i < _HEADER_END:
                return pos
            _, w1, w2, length = _PRIMARY.unpack_from(buf, i)
            apid = w1 & 0x7FF
            total = _HEADER_END + length + 1  # ASM + primary header + (length + 1)
            codec = CODECS.get(apid)
            if (w1 >> 13) != 0 or (w2 >> 14) != SEQ_FLAGS_UNSEGMENTED:
                reason = "header: version or sequence flags"
            elif codec is not None:
                reason = (
                    ""
                    if w1 == codec.word1 and total == codec.frame_len
                    else f"header: {codec.spec.name} expects {codec.frame_len} bytes,"
                    " type and flags as in the ICD"
                )
            elif total - ASM_LEN > MAX_PACKET_LEN:
                reason = "header: length beyond the 1024-byte maximum"
            elif apid == _IDLE and (w1 >> 11) & 1:
                reason = "header: idle packet with a secondary header"
            elif total < _HEADER_END + PEC_LEN + 1 or (
                (w1 >> 11) & 1 and total < _MIN_FRAME_WITH_TIME
            ):
                reason = "header: too short"
            else:
                reason = ""
            if reason:
                stats.rejected_header += 1
                self._reject(buf, i, _HEADER_END, reason)
                stats.skipped_bytes += 1
                pos = i + 1
                continue
            if end - i < total:
                return pos
            pec = (buf[i + total - 2] << 8) | buf[i + total - 1]
            if crc16(memoryview(buf)[i + ASM_LEN : i + total - PEC_LEN]) != pec:
                stats.crc_errors += 1
                self._reject(buf, i, total, "bad PEC")
                stats.skipped_bytes += 1
                pos = i + 1
                continue
            # a good PEC: these bytes are a frame, whatever else happens to it
            stats.bytes_in_frames += total
            pos = i + total
            if codec is None:
                if apid == _IDLE:
                    stats.idle += 1
                else:
                    stats.unknown_apid += 1
                continue
            values = codec.whole.unpack_from(buf, i)
            fields = values[6:]
            try:
                codec.check(fields)
            except (ValueError, TypeError) as exc:
                stats.rejected_range += 1
                self._reject(buf, i, total, f"range: {exc}")
                continue
            seq = w2 & 0x3FFF
            last = self._last_seq.get(apid)
            if last is not None and seq != (last + 1) % SEQ_MODULO:
                stats.seq_gaps_by_apid[apid] = stats.seq_gaps_by_apid.get(apid, 0) + 1
            self._last_seq[apid] = seq
            stats.frames += 1
            stats.by_apid[apid] = stats.by_apid.get(apid, 0) + 1
            out.append(
                Frame(codec.spec.apid, seq, (values[4] << 16) | values[5], codec.cls._make(fields))
            )
