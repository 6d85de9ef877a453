"""The sending side of the link: ``Framer`` frames packets with per-APID sequence counts.

The packing of each class is derived from ``packets.codec``'s codecs (the same struct
formats, the same CRC); a property test holds its frames byte-identical to
``packets.codec.encode``, which another pins to the construct definitions.
"""

from __future__ import annotations

import struct
from binascii import crc_hqx
from collections.abc import Callable, Iterable
from typing import Any

from packets.codec import CODECS, HEADER_FORMAT, MAX_CUC, FastCodec
from packets.errors import FieldRangeError, UnknownPacketError
from packets.icd import ASM, SEQ_MODULO, SPECS
from packets.model import CLASS_OF_APID, Packet
from packets.native import select

#: what ````Framer```` needs of a class, in one lookup: (pack of the headers and
#: the user data without the ASM -- the bytes the PEC covers --, word1, length field, APID,
#: codec)
_PACKING_OF_CLASS: dict[type, tuple[Callable[..., bytes], int, int, int, FastCodec]] = {
    c.cls: (
        struct.Struct(">" + HEADER_FORMAT[3:] + c.data.format[1:]).pack,
        c.word1,
        c.length_field,
        c.word1 & 0x7FF,
        c,
    )
    for c in CODECS.values()
}
_PEC = struct.Struct(">H").pack
_SEQ_MASK = SEQ_MODULO - 1


class Framer:
    """The sending side: frames packets with per-APID sequence counters (ICD §1).

    ``sent`` counts the frames framed per APID. ``encode`` is ``encode(packet, seq, cuc)``
    with the sequence count kept here, inlined: it is on every tick's hot path. Each
    packet class has a *lane*, a list holding what its frames need (the packing, the
    header words, the codec) and its two counters, so a frame costs one lookup.
    """

    def __init__(self, *, native: bool | None = None) -> None:
        #: per packet class: [pack, word1, length field, codec, next seq, frames sent,
        #: the codec's range predicate]
        self._lanes: dict[type, list[Any]] = {}
        #: the compiled loop (``packets.native``), or None for the Python one
        self._wire = select(native)

    def _lane(self, cls: type) -> list[Any]:
        lane = self._lanes.get(cls)
        if lane is None:
            try:
                pack, word1, length_field, _, codec = _PACKING_OF_CLASS[cls]
            except KeyError:
                raise UnknownPacketError(cls) from None
            lane = self._lanes[cls] = [pack, word1, length_field, codec, 0, 0, codec.valid]
        return lane

    @property
    def sent(self) -> dict[int, int]:
        """Frames framed so far, per APID (those framed at least once)."""
        return {lane[1] & 0x7FF: lane[5] for lane in self._lanes.values() if lane[5]}

    def next_seq(self, apid: int) -> int:
        """Take the next sequence count of ``apid`` as if a frame of it were framed."""
        lane = self._lane(CLASS_OF_APID[apid])
        seq: int = lane[4]
        lane[4] = (seq + 1) & _SEQ_MASK
        lane[5] += 1
        return seq

    def continue_after(self, apid: int, seq: int) -> None:
        """The next frame of ``apid`` carries ``seq + 1`` (after one framed with ``seq``)."""
        self._lane(CLASS_OF_APID[apid])[4] = (seq + 1) & _SEQ_MASK

    def encode(self, packet: Packet, cuc: int, check: bool = True) -> bytes:
        wire = self._wire
        if wire is not None:  # compiled where built; None leaves the packet to Python
            frame: bytes | None = wire.frame(self._lanes, packet, cuc, check, ASM)
            if frame is not None:
                return frame
        lanes = self._lanes
        lane = lanes.get(type(packet)) or self._lane(type(packet))
        pack, word1, length_field, codec, seq, sent, valid = lane
        if check and not valid(packet):
            codec.check(packet)
        if not 0 <= cuc <= MAX_CUC:
            raise FieldRangeError(codec.spec.name, "time", cuc, f"a CUC time in [0, {MAX_CUC}]")
        body: bytes = pack(word1, 0xC000 | seq, length_field, cuc >> 16, cuc & 0xFFFF, *packet)
        lane[4] = (seq + 1) & _SEQ_MASK  # counted once packed: a failed pack takes no count
        lane[5] = sent + 1
        return ASM + body + _PEC(crc_hqx(body, 0xFFFF))

    def encode_each(self, items: Iterable[tuple[Packet, int]], check: bool = True) -> list[bytes]:
        """``encode(packet, cuc, check)`` of each ``(packet, cuc)`` in order, one frame
        each: a tick's frames in one call (the per-frame lookups hoisted out of the loop).

        Compiled (``packets._wire.frame_each``) where built: it frames what it can and
        leaves the rest -- a new class, a failed check, a CUC time out of range -- to
        ``encode``, item by item, in order."""
        wire = self._wire
        if wire is not None:
            out: list[bytes] = []
            it = iter(items)
            while (left := wire.frame_each(self._lanes, it, check, ASM, out)) is not None:
                packet, cuc = left
                out.append(self.encode(packet, cuc, check))
            return out
        return self._encode_each_py(items, check)

    def _encode_each_py(self, items: Iterable[tuple[Packet, int]], check: bool) -> list[bytes]:
        lanes = self._lanes
        new_lane = self._lane
        out: list[bytes] = []
        append = out.append
        for packet, cuc in items:
            lane = lanes.get(type(packet)) or new_lane(type(packet))
            pack, word1, length_field, codec, seq, sent, valid = lane
            if check and not valid(packet):
                codec.check(packet)
            if not 0 <= cuc <= MAX_CUC:
                raise FieldRangeError(codec.spec.name, "time", cuc, f"a CUC time in [0, {MAX_CUC}]")
            body = pack(word1, 0xC000 | seq, length_field, cuc >> 16, cuc & 0xFFFF, *packet)
            lane[4] = (seq + 1) & _SEQ_MASK
            lane[5] = sent + 1
            append(ASM + body + _PEC(crc_hqx(body, 0xFFFF)))
        return out

    def encode_all(self, items: Iterable[tuple[Packet, int]]) -> bytes:
        return b"".join(self.encode_each(items))

    def sent_by_name(self) -> dict[str, int]:
        return {SPECS[a].name: n for a, n in sorted(self.sent.items())}
