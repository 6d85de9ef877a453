"""The C deframer (over the shared library) against the same properties as the Python one
(tests/packets/test_deframer.py): never raises or loses track of a byte, any chunking gives
the same frames, every intact frame of a damaged stream is recovered and nothing unsent is
accepted -- and, beyond that, it agrees with the Python deframer frame for frame and
counter for counter on every stream."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fsw_stub.firmware.lib import DEFRAMER_COUNTERS as COUNTERS
from packets import Deframer, Frame, decode
from packets.icd import ASM, MAX_FRAME_LEN
from packets.strategies import DamagedStream, Stream, chunkings, damaged_streams, streams
from tests.packets.test_deframer import is_subsequence

pytestmark = pytest.mark.usefixtures("c_library")


def split_frames(raw: bytes) -> list[Frame]:
    """The C deframer hands over whole accepted frames back to back: decode them."""
    d = Deframer()
    frames = d.feed(raw)
    assert d.pending == 0 and d.stats.skipped_bytes == 0, "C handed over a partial frame"
    return frames


def c_deframe(chunks: Iterable[bytes]) -> tuple[list[Frame], dict[str, int], int]:
    from fsw_stub.firmware.lib import CDeframer

    d = CDeframer()
    raw = b""
    fed = 0
    for c in chunks:
        raw += d.feed(c)
        fed += len(c)
        st = d.stats()
        assert st["bytes_in_frames"] + st["skipped_bytes"] + d.pending == fed
    raw += d.flush()
    return split_frames(raw), d.stats(), d.pending


def py_deframe(chunks: Iterable[bytes]) -> tuple[list[Frame], dict[str, int]]:
    d = Deframer()
    out: list[Frame] = []
    for c in chunks:
        out += d.feed(c)
    out += d.flush()
    return out, {k: int(getattr(d.stats, k)) for k in COUNTERS}


@given(st.lists(st.binary(max_size=300), max_size=20))
@example([ASM + b"\x00"])
@example([ASM + bytes.fromhex("0901c005ffff")])
@example([ASM + bytes.fromhex("0555c000ffff")])
@example([ASM + bytes.fromhex("07ffc0000000")])
@example([ASM, ASM, ASM[:2], ASM[2:]])
def test_arbitrary_bytes_are_accounted_and_match_python(chunks: list[bytes]) -> None:
    got, stats, pending = c_deframe(chunks)
    assert pending == 0
    want, want_stats = py_deframe(chunks)
    assert got == want
    assert stats == want_stats


@given(streams(max_frames=30), st.data())
def test_any_chunking_of_a_valid_stream_yields_the_same_frames(
    stream: Stream, data: st.DataObject
) -> None:
    got, stats, _ = c_deframe(data.draw(chunkings(stream.data)))
    assert got == stream.frames
    assert stats["frames"] == len(stream.frames)
    assert (stats["crc_errors"], stats["skipped_bytes"], stats["seq_gaps"]) == (0, 0, 0)
    assert stats["bytes_in_frames"] == len(stream.data)


@settings(max_examples=50)
@given(damaged_streams(min_frames=50, max_frames=200), st.data())
def test_every_intact_frame_is_recovered_and_nothing_unsent_is_accepted(
    ds: DamagedStream, data: st.DataObject
) -> None:
    chunks = data.draw(chunkings(ds.data, max_cuts=16))
    got, stats, _ = c_deframe(chunks)
    assert is_subsequence(ds.intact, got), "an intact frame was lost"
    assert is_subsequence(got, ds.sent), "accepted a packet that was not sent"
    want, want_stats = py_deframe(chunks)
    assert got == want
    assert stats == want_stats


def test_a_frame_longer_than_one_refill_is_found_across_buffer_refills() -> None:
    # the C buffer is 4 KB: a stream of many KB in one feed is taken in refills
    from packets import Framer, Lrf

    f = Framer()
    data = b"".join(f.encode(Lrf(float(k), 1, 0, k), k) for k in range(2000))
    got, stats, _ = c_deframe([data])
    assert [g.packet.meas_id for g in got] == list(range(2000))  # type: ignore[union-attr]
    assert stats["bytes_in_frames"] == len(data) and decode(data[:26]) == got[0]
    assert len(data) > 4 * MAX_FRAME_LEN
