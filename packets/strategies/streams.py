"""Valid frames and streams as a sender makes them, garbage between frames, and chunkings."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from hypothesis import strategies as st

from packets.codec import MAX_CUC, Frame, decode, encode
from packets.framer import Framer
from packets.icd import SEQ_MODULO
from packets.model import Packet
from packets.strategies.values import any_packet, cucs


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


def garbage(min_size: int = 1, max_size: int = 64) -> st.SearchStrategy[bytes]:
    """Bytes of line noise to put between frames."""
    return st.binary(min_size=min_size, max_size=max_size)


def chunked(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``data`` split at the offsets ``cuts`` (any order, duplicates give empty chunks)."""
    bounds = [0, *sorted(min(max(c, 0), len(data)) for c in cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@st.composite
def chunkings(draw: st.DrawFn, data: bytes, max_cuts: int = 64) -> list[bytes]:
    """An arbitrary split of ``data`` into chunks (empty chunks included) that join to it."""
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=max_cuts))
    return chunked(data, cuts)
