"""Named damage of frames (drawn arguments for ``packets.mutations``) and damaged streams
with the oracle of what a receiver can be held to recover (``_recoverable``)."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import NamedTuple

from hypothesis import strategies as st

from packets import mutations
from packets.codec import Frame, encode
from packets.icd import ASM, ASM_LEN, MAX_PACKET_LEN, PRIMARY_HEADER_LEN, crc16
from packets.mutations import LENGTH_OFFSET, false_sync
from packets.strategies.streams import _send, garbage
from packets.strategies.values import any_packet


class Damage(NamedTuple):
    """A frame after a named mutation meant to make it unacceptable as the packet it was.

    Almost always it is; a CRC-16 collision (2^-16) or bytes that happen to re-form the
    ASM in front of an intact packet can leave it acceptable -- which is why a receiver's
    test asks "nothing accepted that was not sent", not "nothing damaged accepted".
    """

    name: str
    data: bytes


def _drawer(name: str) -> Callable[[st.DrawFn, bytes], bytes]:
    fn = mutations.CORRUPTIONS[name]

    def draw_it(draw: st.DrawFn, frame: bytes) -> bytes:
        return fn(frame, lambda lo, hi: draw(st.integers(lo, hi)))

    return draw_it


#: the mutations that stop a frame being accepted as the packet it carried, by name
#: (``packets.mutations.CORRUPTIONS`` with hypothesis drawing the arguments).
CORRUPTIONS: dict[str, Callable[[st.DrawFn, bytes], bytes]] = {
    name: _drawer(name) for name in mutations.CORRUPTIONS
}


@st.composite
def damage(draw: st.DrawFn, frame: bytes, kinds: Sequence[str] = tuple(CORRUPTIONS)) -> Damage:
    """One named corrupting mutation of ``frame`` (a valid frame), drawn from ``kinds``."""
    name = draw(st.sampled_from(list(kinds)))
    return Damage(name, mutations.corrupt(name, frame, lambda lo, hi: draw(st.integers(lo, hi))))


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
                (length,) = struct.unpack_from(">H", data, LENGTH_OFFSET + q)
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
