"""The compiled hot loops (packets._wire) against the Python ones they replace: the same
frames, rejections, spans, counters and errors, on damaged streams in any chunking and
on any sequence of packets to frame -- including the cases the compiled loop hands back
to Python (new classes, failed checks, CUC times out of range, every rejection)."""

from __future__ import annotations

import dataclasses
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packets import Deframer, Framer, Imu, Sync, native
from packets.codec import MAX_CUC
from packets.errors import FieldRangeError
from packets.strategies import chunkings, damaged_streams, streams
from packets.strategies.values import any_packet
from tests.system_tools import MISSING, in_ci


@pytest.fixture(autouse=True)
def _built() -> None:
    if native.built():
        return
    why = f"{native.HOW_TO_BUILD}; {MISSING} `apt-get install gcc python3-dev`"
    if in_ci():
        pytest.fail(f"CI=true and {why}")
    pytest.skip(why)


def test_the_build_is_in_use_by_default() -> None:
    """Built and not turned off: framers and deframers made without arguments use it."""
    if native.WIRE is None:
        pytest.skip("LUNAR_HIL_PURE_PYTHON is set in this environment")
    assert Framer()._wire is native.WIRE
    assert Deframer()._wire is native.WIRE
    assert Framer(native=False)._wire is None
    assert native.describe().startswith("compiled")


def _record(
    chunks: list[bytes], as_type: type, is_native: bool, spans: bool = True
) -> dict[str, Any]:
    """Everything a deframer makes of the chunks: frames and rejections interleaved in
    stream order, the counters as each rejection's callback sees them (taking the spans
    so far, as a caller may), counters, the kept rejections, the pending bytes."""
    items: list[Any] = []
    taken: list[Any] = []
    d: Deframer

    def on_reject(rej: Any) -> None:
        items.append(rej)
        items.append(("stats at the rejection", dataclasses.asdict(d.stats)))
        if d.spans is not None:
            taken.append(d.spans)
            d.spans = []

    d = Deframer(on_reject=on_reject, record_spans=spans, native=is_native)
    for c in chunks:
        d.feed(as_type(c), into=items)
        items.append(("pending", d.pending))
    items += d.flush()
    return {
        "items": items,
        "spans": [*taken, d.spans],
        "stats": dataclasses.asdict(d.stats),
        "kept": list(d.rejections),
        "bytes_fed": d.bytes_fed,
    }


@given(stream=damaged_streams(max_frames=30), data=st.data())
def test_deframing_is_identical_on_damaged_streams_in_any_chunking(stream: Any, data: Any) -> None:
    chunks = data.draw(chunkings(stream.data))
    as_type = data.draw(st.sampled_from([bytes, bytearray, memoryview]))
    spans = data.draw(st.booleans())
    compiled = _record(chunks, as_type, True, spans)
    python = _record(chunks, as_type, False, spans)
    assert compiled == python
    assert compiled["stats"]["frames"] >= len(stream.intact)


def test_a_bad_call_is_refused_not_read_out_of_bounds() -> None:
    """The compiled scan checks what it is handed (a direct caller's mistake)."""
    assert native.WIRE is not None or native.built()
    from packets import _wire
    from packets.codec import Frame
    from packets.deframer import FrameSpan
    from packets.icd import ASM

    d = Deframer(native=True)
    args = [b"\x00" * 40, 0, d._lanes, {}, {}, None, 0, [], Frame, FrameSpan, ASM]
    assert _wire.scan(*args)[:2] == (37, 0)  # no ASM: a 3-byte tail kept
    for at, bad, err in [(1, -20, ValueError), (1, 41, ValueError), (8, int, TypeError)]:
        wrong = list(args)
        wrong[at] = bad
        with pytest.raises(err):
            _wire.scan(*wrong)


@given(stream=streams(min_frames=1, max_frames=40))
def test_deframing_a_clean_stream_in_one_feed_is_identical(stream: Any) -> None:
    compiled = _record([stream.data], bytes, True)
    assert compiled == _record([stream.data], bytes, False)
    assert [i for i in compiled["items"] if not isinstance(i, tuple) or i[0] != "pending"] == (
        stream.frames
    )


_cucs = st.one_of(
    st.integers(0, MAX_CUC),
    st.sampled_from([-1, MAX_CUC + 1, 1 << 64]),  # out of range: FieldRangeError
)


_ERRORS = (FieldRangeError, ValueError, TypeError, OverflowError, struct.error)


def _frame_all(items: list[tuple[Any, int]], check: bool, is_native: bool) -> dict[str, Any]:
    f = Framer(native=is_native)
    try:
        out: Any = f.encode_each(iter(items), check)
    except _ERRORS as exc:
        out = (type(exc), str(exc))
    # the counters as the loop left them, error or not (an error ends the call midway)
    return {"out": out, "sent": f.sent, "next": {a: f.next_seq(a) for a in f.sent}}


@given(
    items=st.lists(st.tuples(any_packet(), _cucs), max_size=40),
    check=st.booleans(),
)
def test_framing_is_identical_with_errors_where_python_raises_them(
    items: list[tuple[Any, int]], check: bool
) -> None:
    assert _frame_all(items, check, True) == _frame_all(items, check, False)


#: packets whose values no struct field holds (SYNC has no ICD limits, so its check
#: passes them): the pack raises, on either path, and takes no sequence count
_unpackable = st.one_of(
    st.builds(Sync, st.sampled_from([1 << 40, -1, "x"]), st.just(50_000)),
    st.builds(Sync, st.integers(0, 9), st.sampled_from([1 << 33, 2.5])),
)


@given(
    items=st.lists(st.tuples(st.one_of(any_packet(), _unpackable), _cucs), max_size=20),
    check=st.booleans(),
)
def test_a_pack_that_fails_leaves_the_same_counts(
    items: list[tuple[Any, int]], check: bool
) -> None:
    assert _frame_all(items, check, True) == _frame_all(items, check, False)
    assert _encode_each_alone(items, check, True) == _encode_each_alone(items, check, False)


@given(n=st.integers(1, 20_000 // 25))
def test_framing_wraps_the_sequence_count_the_same(n: int) -> None:
    """Past the 14-bit sequence count and across classes framed in turn."""
    items = [(Imu(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10_000, 1), k) for k in range(n)]
    items += [(Sync(k, 50_000), k) for k in range(25)]
    compiled, python = Framer(native=True), Framer(native=False)
    for _ in range(25):
        assert compiled.encode_each(items, False) == python.encode_each(items, False)
    assert compiled.sent == python.sent


def test_failed_checks_say_which_field_as_in_python() -> None:
    bad = Imu(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10_000, 0xFF)  # status bits beyond the mask
    for is_native in (True, False):
        f = Framer(native=is_native)
        frames = f.encode_each([(Sync(1, 50_000), 5)], True)
        assert len(frames) == 1
        with pytest.raises(FieldRangeError, match="status"):
            f.encode_each([(Sync(2, 50_000), 6), (bad, 7)], True)
        assert f.sent == {16: 2}  # the SYNC before the bad IMU was framed


def _encode_each_alone(items: list[tuple[Any, int]], check: bool, is_native: bool) -> list[Any]:
    f = Framer(native=is_native)
    out: list[Any] = []
    for packet, cuc in items:
        try:
            out.append(f.encode(packet, cuc, check))
        except _ERRORS as exc:
            out.append((type(exc), str(exc)))
    return [out, f.sent]


@given(items=st.lists(st.tuples(any_packet(), _cucs), max_size=30), check=st.booleans())
def test_encode_one_at_a_time_is_identical(items: list[tuple[Any, int]], check: bool) -> None:
    assert _encode_each_alone(items, check, True) == _encode_each_alone(items, check, False)
