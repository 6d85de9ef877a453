"""``Deframer(record_spans=True)``: where each frame lies in the stream, for every chunking,
with the bytes between spans exactly the ones the deframer counted as skipped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from packets import ASM, Deframer, EngineCmd, FrameSpan, Lrf, crc16, encode, idle_frame
from packets.strategies import chunkings, damaged_streams, wrong_apid


def spans_of(chunks: list[bytes]) -> tuple[list[FrameSpan], Deframer]:
    d = Deframer(record_spans=True)
    for chunk in chunks:
        d.feed(chunk)
    d.flush()
    assert d.spans is not None
    return d.spans, d


@given(st.data())
def test_spans_are_the_good_pec_frames_and_the_gaps_are_the_skipped_bytes(
    data: st.DataObject,
) -> None:
    stream = data.draw(damaged_streams(max_frames=15)).data
    spans, d = spans_of(data.draw(chunkings(stream)))
    pos = gap = 0
    for s in spans:
        assert s.offset >= pos  # in order, disjoint
        gap += s.offset - pos
        frame = stream[s.offset : s.offset + s.length]
        assert frame[:4] == ASM and crc16(frame[4:]) == 0
        pos = s.offset + s.length
    gap += len(stream) - pos
    assert gap == d.stats.skipped_bytes
    assert sum(s.length for s in spans) == d.stats.bytes_in_frames
    assert spans == spans_of([stream])[0]  # chunking does not move a frame


def test_spans_cover_range_rejected_unknown_and_idle_frames_too() -> None:
    parts = [
        b"xx",
        encode(EngineCmd(1, 1, 2.0, 0.0), check=False),  # range-rejected: still a frame
        wrong_apid(encode(Lrf(1.0, 1, 0, 0)), 0x555),  # unknown APID
        idle_frame(b"\0"),
        encode(Lrf(1.0, 1, 0, 0)),
    ]
    spans, d = spans_of([b"".join(parts)])
    lengths = [len(p) for p in parts]
    assert spans == [
        FrameSpan(2, lengths[1]),
        FrameSpan(2 + lengths[1], lengths[2]),
        FrameSpan(2 + lengths[1] + lengths[2], lengths[3]),
        FrameSpan(2 + sum(lengths[1:4]), lengths[4]),
    ]
    assert (d.stats.frames, d.stats.rejected_range, d.stats.unknown_apid, d.stats.idle) == (
        1,
        1,
        1,
        1,
    )


def test_without_record_spans_there_is_no_list() -> None:
    d = Deframer()
    d.feed(encode(Lrf(1.0, 1, 0, 0)))
    assert d.spans is None
