"""A resynchronising stream deframer that follows ICD §2 to the letter and never raises.

The hunt is CRC-gated: a header is only a candidate until its PEC checks, and a
rejected candidate resumes the hunt one byte after its ASM -- never skipping ahead by
a length the CRC did not vouch for, so one corrupted length cannot swallow the good
frames behind it. Every byte fed ends up in exactly one of: an accepted frame (known,
unknown-APID or idle), the skipped count, or the pending buffer. With ``record_spans``
the deframer also lists where each frame lies in the stream, so a capture writer can cut
the stream into frame records and skipped-byte runs exactly as the receiver saw it.

One thing, ~450 lines: the deframer's state and slow cases (``Deframer``), its
rejections and counters, and the fast path in Python (``fast_scan``), which
``packets/_wire.c`` repeats compiled under the same driver; splitting the fast path
from the driver would put one loop's two halves in two modules.
"""

from __future__ import annotations

import struct
from binascii import crc_hqx
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
)
from packets.native import select

_HEADER_END = ASM_LEN + PRIMARY_HEADER_LEN
_PRIMARY = struct.Struct(">4sHHH")  # ASM, word1, word2, length
#: word1, word2, length (after the ASM)
_WORDS_AT = struct.Struct(">HHH").unpack_from
#: where the data length field starts: the u64 unpacked there is length << 48 | CUC
_LENGTH_AT = ASM_LEN + 4
#: the shortest frame with a secondary header: ASM, both headers, PEC, no user data
_MIN_FRAME_WITH_TIME = HEADER.size + PEC_LEN
_IDLE = int(Apid.IDLE)
_COMPACT_AT = 1 << 16
_SEQ_MASK = SEQ_MODULO - 1

_CUC_MASK = (1 << 48) - 1
#: the fast path's table, keyed by the first primary-header word exactly as the ICD has
#: it for each APID (version 0, type, secondary header flag 1, APID); derived from CODECS.
#: Each entry is the template of a deframer's *lane* for that APID: the data length
#: field, the frame length, the APID (int and enum), the packet class, an unpack of the
#: length field + CUC time (one u64: length << 48 | cuc) and the user data, the range
#: predicate for unpacked values -- then the lane's own state: the next sequence count
#: expected (-1: none yet).
_LANE_TEMPLATES: dict[int, tuple[Any, ...]] = {
    c.word1: (
        c.length_field,
        c.frame_len,
        int(c.spec.apid),
        c.spec.apid,
        c.cls,
        struct.Struct(">Q" + c.data.format[1:]).unpack_from,
        c.valid_decoded,
        -1,
    )
    for c in CODECS.values()
}


class FrameSpan(NamedTuple):
    """Where one frame with a good PEC lies in the stream: its ASM's offset and its length.

    Every such frame has a span -- known, unknown-APID, idle or range-rejected alike
    (ICD §2 rule 3: its bytes are a frame, not skipped).
    """

    offset: int
    length: int


class Rejection(NamedTuple):
    """Why a candidate frame was rejected, where, and what it held -- as data, not text.

    ``offset`` is the stream offset of its ASM; ``data`` the candidate's bytes (the whole
    frame for a bad PEC or a range rejection; ASM + primary header for a header
    rejection). ``apid`` and ``seq`` are read from its primary header (not vouched for by a
    PEC unless ``kind`` is "range"); ``fields`` are the decoded user-data fields of a
    range-rejected frame (its PEC checked), else None.
    """

    kind: str  # "header" | "crc" | "range"
    reason: str
    offset: int
    data: bytes
    apid: int | None = None
    seq: int | None = None
    fields: tuple[Any, ...] | None = None

    @property
    def hex(self) -> str:
        return self.data.hex()

    @property
    def name(self) -> str | None:
        """The ICD name of its APID, when the header names a known one."""
        spec = SPECS.get(self.apid) if self.apid is not None else None
        return None if spec is None else spec.name

    def as_dict(self) -> dict[str, object]:
        """For result.json: what a reader needs, the bytes in hex."""
        return {
            "kind": self.kind,
            "reason": self.reason,
            "offset": self.offset,
            "apid": self.apid,
            "name": self.name,
            "seq": self.seq,
            "hex": self.hex,
        }


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

    def __init__(
        self,
        *,
        keep_rejections: int = 64,
        on_reject: Callable[[Rejection], object] | None = None,
        record_spans: bool = False,
        native: bool | None = None,
    ) -> None:
        self.stats = DeframerStats()
        #: the compiled fast path (``packets.native``), or None for the Python one
        self._wire = select(native)
        #: with ``record_spans``, the ``FrameSpan`` of every frame so far, in stream order
        #: (the caller may take and clear them); the bytes between spans were skipped
        self.spans: list[FrameSpan] | None = [] if record_spans else None
        self.rejections: deque[Rejection] = deque(maxlen=keep_rejections)
        #: called with every rejection, in stream order, as it happens
        self.on_reject = on_reject
        self._buf = bytearray()
        self._pos = 0  # index in _buf where the hunt resumes
        self._base = 0  # stream offset of _buf[0]
        #: per first header word, the APID's lane (see ``_LANE_TEMPLATES``)
        self._lanes: dict[int, list[Any]] = {w: list(t) for w, t in _LANE_TEMPLATES.items()}

    @property
    def pending(self) -> int:
        """Bytes held while waiting for the rest of a candidate frame."""
        return len(self._buf) - self._pos

    @property
    def bytes_fed(self) -> int:
        return self._base + len(self._buf)

    def feed(
        self, data: bytes | bytearray | memoryview, into: list[Any] | None = None
    ) -> list[Frame]:
        """Take any bytes; return the frames they completed, in stream order.

        With ``into``, frames are appended to that list instead (and it is returned): an
        ``on_reject`` that appends to the same list gets frames and rejections
        interleaved in stream order (ICD §2 rule 8: whatever the chunking).
        """
        buf = self._buf
        out: list[Frame] = [] if into is None else into
        if not buf and type(data) is bytes:
            # nothing pending (the common case): hunt in the new bytes where they lie and
            # keep only what is left after the last frame (the same stream offsets)
            pos = self._scan(data, 0, out)
            if pos < len(data):
                buf += memoryview(data)[pos:]
            self._base += pos
            return out
        buf += data
        self._pos = self._scan(buf, self._pos, out)
        if self._pos >= _COMPACT_AT or self._pos == len(buf):
            del buf[: self._pos]
            self._base += self._pos
            self._pos = 0
        return out

    def resync(self, into: list[Any] | None = None) -> list[Frame]:
        """Give up the pending candidate: skip one byte past its ASM and hunt again."""
        if self.pending == 0:
            return [] if into is None else into
        self.stats.skipped_bytes += 1
        self._pos += 1
        return self.feed(b"", into)

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

    def _reject(
        self,
        buf: bytes | bytearray,
        i: int,
        n: int,
        kind: str,
        reason: str,
        fields: tuple[Any, ...] | None = None,
    ) -> None:
        data = bytes(buf[i : i + n])
        apid = seq = None
        if len(data) >= _HEADER_END:
            apid = ((data[4] << 8) | data[5]) & 0x7FF
            seq = ((data[6] & 0x3F) << 8) | data[7]
        rej = Rejection(kind, reason, self._base + i, data, apid, seq, fields)
        self.rejections.append(rej)
        if self.on_reject is not None:
            self.on_reject(rej)

    def _scan(self, buf: bytes | bytearray, pos: int, out: list[Frame]) -> int:
        """Hunt and accept frames in ``buf[pos:]``; return where the hunt resumes.

        The fast path (``fast_scan``, or ``packets._wire.scan`` compiled, the same
        contract) takes every frame with a known APID's header exactly as the ICD has it,
        and stops at each case off it; those are handled here, once for both: a candidate
        for ``_candidate``, a bad PEC, a failed range check.
        """
        scan = fast_scan if self._wire is None else self._wire.scan
        stats = self.stats
        lanes = self._lanes
        while True:
            pos, code, frames, skipped, in_frames, extra = scan(
                buf,
                pos,
                lanes,
                stats.by_apid,
                stats.seq_gaps_by_apid,
                self.spans,
                self._base,
                out,
                Frame,
                FrameSpan,
                ASM,
            )
            stats.frames += frames
            stats.skipped_bytes += skipped
            stats.bytes_in_frames += in_frames
            if code == 0:
                return pos
            if code == 1:  # not a plain known-APID header
                step = self._candidate(buf, pos, out)
                if step < 0:
                    return pos  # wait for more bytes
                if step == 1:
                    stats.skipped_bytes += 1
                pos += step
            elif code == 2:  # a bad PEC
                stats.crc_errors += 1
                flen = lanes[_WORDS_AT(buf, pos + ASM_LEN)[0]][1]
                self._reject(buf, pos, flen, "crc", "bad PEC")
                stats.skipped_bytes += 1
                pos += 1
            else:  # a frame that failed its range check; the hunt resumes after it
                assert extra is not None  # code 3 carries the frame
                i, flen, apid, fields = extra
                self._reject_range(buf, i, flen, apid, fields)

    def _reject_range(
        self, buf: bytes | bytearray, i: int, n: int, apid: int, fields: tuple[Any, ...]
    ) -> None:
        self.stats.rejected_range += 1
        try:
            CODECS[apid].check(fields)
            reason = "range"
        except ValueError as exc:
            reason = f"range: {exc}"
        self._reject(buf, i, n, "range", reason, fields)

    def _candidate(self, buf: bytes | bytearray, i: int, out: list[Frame]) -> int:
        """The general path for a candidate at ``buf[i]`` (an ASM) that is not a plain
        known-APID header: unknown APIDs, idle packets and every header to reject.

        Returns how far the hunt moves on: 1 after a rejection (that byte is skipped),
        the frame length after an accepted frame, or -1 to wait for more bytes.
        """
        stats = self.stats
        _, w1, w2, length = _PRIMARY.unpack_from(buf, i)
        apid = w1 & 0x7FF
        total: int = _HEADER_END + length + 1  # ASM + primary header + (length + 1)
        codec = CODECS.get(apid)
        if (w1 >> 13) != 0:
            reason = f"header: version {w1 >> 13}, expected 0"
        elif (w2 >> 14) != SEQ_FLAGS_UNSEGMENTED:
            reason = f"header: sequence flags {w2 >> 14}, expected {SEQ_FLAGS_UNSEGMENTED}"
        elif codec is not None:
            # the fast path takes every header that matches the ICD exactly: say which
            # field of this one does not
            reason = _known_apid_header_fault(
                codec.spec.name, codec.word1, codec.length_field, w1, length
            )
        elif total - ASM_LEN > MAX_PACKET_LEN:
            reason = "header: length beyond the 1024-byte maximum"
        elif apid == _IDLE and (w1 >> 11) & 1:
            reason = "header: idle packet with a secondary header"
        elif total < _HEADER_END + PEC_LEN + 1 or ((w1 >> 11) & 1 and total < _MIN_FRAME_WITH_TIME):
            reason = "header: too short"
        else:
            reason = ""
        if reason:
            stats.rejected_header += 1
            self._reject(buf, i, _HEADER_END, "header", reason)
            return 1
        if len(buf) - i < total:
            return -1
        if crc_hqx(buf[i + ASM_LEN : i + total], 0xFFFF):
            stats.crc_errors += 1
            self._reject(buf, i, total, "crc", "bad PEC")
            return 1
        stats.bytes_in_frames += total
        if self.spans is not None:
            self.spans.append(FrameSpan(self._base + i, total))
        if apid == _IDLE:
            stats.idle += 1
        else:
            stats.unknown_apid += 1
        return total


def _known_apid_header_fault(name: str, word1: int, length_field: int, w1: int, length: int) -> str:
    """Which primary-header field of a known APID differs from the ICD, by name."""
    faults = []
    want_type, got_type = (word1 >> 12) & 1, (w1 >> 12) & 1
    if got_type != want_type:
        faults.append(f"type bit {got_type}, expected {want_type} ({'TC' if want_type else 'TM'})")
    if ((w1 >> 11) & 1) != 1:
        faults.append("secondary header flag 0, expected 1")
    if length != length_field:
        faults.append(
            f"data length field {length} ({length + 1 + ASM_LEN + PRIMARY_HEADER_LEN} bytes),"
            f" expected {length_field} ({length_field + 1 + ASM_LEN + PRIMARY_HEADER_LEN} bytes)"
        )
    return f"header: {name}: " + "; ".join(faults)


def fast_scan(
    buf: bytes | bytearray,
    pos: int,
    lanes: dict[int, list[Any]],
    by_apid: dict[int, int],
    gaps: dict[int, int],
    spans: list[FrameSpan] | None,
    base: int,
    out: list[Any],
    frame_type: type,
    span_type: type,
    asm: bytes,
) -> tuple[int, int, int, int, int, tuple[int, int, int, tuple[Any, ...]] | None]:
    """The deframer's fast path from ``buf[pos]``, in Python (``packets._wire.scan`` is
    the same, compiled): ``(pos, code, frames, skipped, in_frames, extra)``.

    A known APID's header exactly as the ICD has it takes one dict lookup on the first
    header word (the APID's lane), the CRC over the packet and its PEC together (a
    correct PEC leaves a zero residue), one ``struct`` unpack and the generated range
    predicate. It stops with ``code`` 0 where the hunt waits (no ASM left, or the rest of
    a candidate still to come), 1 at a candidate that is not such a header, 2 at a bad
    PEC, 3 after a frame that failed its range check (``extra`` = (offset, length, APID,
    fields)); the counts are those of this call.
    """
    end = len(buf)
    new = tuple.__new__
    skipped = frames = in_frames = 0
    while True:
        i = buf.find(asm, pos)
        if i < 0:
            # keep a tail that may be the start of an ASM
            keep = max(pos, end - (ASM_LEN - 1))
            return keep, 0, frames, skipped + keep - pos, in_frames, None
        skipped += i - pos
        pos = i
        if end - i < _HEADER_END:
            return pos, 0, frames, skipped, in_frames, None
        w1, w2, length = _WORDS_AT(buf, i + ASM_LEN)
        lane = lanes.get(w1)
        if lane is None or w2 < 0xC000 or length != lane[0]:  # w2 < 0xC000: flags != 3
            return pos, 1, frames, skipped, in_frames, None
        _, flen, apid, apid_enum, cls, unpack, valid, expected = lane
        if end - i < flen:
            return pos, 0, frames, skipped, in_frames, None
        if crc_hqx(buf[i + ASM_LEN : i + flen], 0xFFFF):
            return pos, 2, frames, skipped, in_frames, None
        # a good PEC: these bytes are a frame, whatever else happens to it
        in_frames += flen
        pos = i + flen
        if spans is not None:
            spans.append(new(span_type, (base + i, flen)))
        values = unpack(buf, i + _LENGTH_AT)
        fields = values[1:]
        # rule 3: a frame whose PEC checks advances the sequence expectation even when
        # rule 5 rejects it (no false gap)
        seq = w2 & _SEQ_MASK
        if seq != expected and expected >= 0:
            gaps[apid] = gaps.get(apid, 0) + 1
        lane[7] = (seq + 1) & _SEQ_MASK
        if not valid(fields):
            return pos, 3, frames, skipped, in_frames, (i, flen, apid, fields)
        frames += 1
        by_apid[apid] = by_apid.get(apid, 0) + 1
        out.append(new(frame_type, (apid_enum, seq, values[0] & _CUC_MASK, new(cls, fields))))
