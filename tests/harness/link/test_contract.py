"""One contract, every link: memory pair, pty (+ pyserial on the slave), TCP listener
(+ pyserial socket://), and pyserial loop:// where it makes sense."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.link import CapturedLink, CaptureWriter, Link, LinkClosed, LinkError, read_capture
from harness.link.capture import F2H, H2F
from tests.harness.link.pairs import (
    PAIRS,
    WALL_S,
    Pair,
    read_exactly,
    read_until_closed,
)

ALL_BYTES = bytes(range(256))


def _both_ways(pair: Pair) -> list[tuple[Link, Link]]:
    h, f = pair
    return [(h, f), (f, h)] if h is not f else [(h, h)]


def test_every_byte_value_crosses_unchanged_both_ways(pair: Pair) -> None:
    payload = ALL_BYTES * 4 + bytes(reversed(ALL_BYTES)) + b"\r\n\x03\x11\x13\x1a\x04\x7f\r"
    for src, dst in _both_ways(pair):
        src.write(payload)
        assert read_exactly(dst, len(payload)) == payload


@pytest.mark.parametrize("kind", list(PAIRS))
def test_round_trip_arbitrary_bytes_in_random_chunks(kind: str) -> None:
    with PAIRS[kind]() as pair:
        ways = _both_ways(pair)

        @settings(max_examples=25)
        @given(payload=st.binary(min_size=1, max_size=1500), data=st.data())
        @example(payload=ALL_BYTES, data=None)
        def check(payload: bytes, data: st.DataObject | None) -> None:
            for src, dst in ways:
                cuts = (
                    sorted(data.draw(st.sets(st.integers(1, len(payload) - 1), max_size=8)))
                    if data is not None and len(payload) > 1
                    else []
                )
                for a, b in zip([0, *cuts], [*cuts, len(payload)], strict=True):
                    src.write(payload[a:b])
                assert read_exactly(dst, len(payload)) == payload

        check()


def test_read_timeout_returns_empty_within_bounded_wall_time(pair: Pair) -> None:
    for _src, dst in _both_ways(pair):
        t0 = time.monotonic()
        assert dst.read(0.05) == b""
        assert dst.read(0) == b""
        elapsed = time.monotonic() - t0
        assert 0.04 <= elapsed < 3.0


def test_read_returns_as_soon_as_bytes_arrive(pair: Pair) -> None:
    for src, dst in _both_ways(pair):
        writer = threading.Timer(0.05, src.write, args=(b"\x55",))
        t0 = time.monotonic()
        writer.start()
        try:
            got = dst.read(WALL_S)
        finally:
            writer.join(WALL_S)
        assert got == b"\x55"
        assert time.monotonic() - t0 < WALL_S / 2  # returned on arrival, not at the timeout


def test_large_write_arrives_complete_and_in_order(pair: Pair) -> None:
    payload = random.Random(7).randbytes(64 * 1024)
    for src, dst in _both_ways(pair):
        errors: list[BaseException] = []

        def send(src: Link = src, errors: list[BaseException] = errors) -> None:
            try:
                src.write(payload)
            except BaseException as e:  # surfaced below
                errors.append(e)

        writer = threading.Thread(target=send)
        writer.start()
        try:
            got = read_exactly(dst, len(payload), wall_s=20.0)
        finally:
            writer.join(WALL_S)
        assert not errors
        assert not writer.is_alive()
        assert got == payload


@pytest.mark.parametrize("closer", ["fsw", "harness"])
def test_close_is_seen_by_the_peer_as_link_closed(duplex_kind: str, closer: str) -> None:
    with PAIRS[duplex_kind]() as (h, f):
        src, dst = (f, h) if closer == "fsw" else (h, f)
        src.write(b"last words")
        src.close()
        got = read_until_closed(dst)
        if closer == "fsw" or duplex_kind != "pty":
            assert got == b"last words"  # drained first, then LinkClosed
        else:
            # a pty master's close hangs up the slave and the kernel discards its input
            assert b"last words".startswith(got)
        with pytest.raises(LinkClosed):
            dst.read(0.05)  # and it stays closed


def test_operations_on_a_closed_link_raise_link_error(duplex_kind: str) -> None:
    with PAIRS[duplex_kind]() as (h, _f):
        h.close()
        h.close()  # idempotent
        with pytest.raises(LinkError):
            h.write(b"x")
        with pytest.raises(LinkError):
            h.read(0)


def test_capture_wrapper_records_exactly_what_crossed(pair: Pair, tmp_path: Path) -> None:
    h, f = pair
    sim_us = [0]
    writer = CaptureWriter(tmp_path / "link.cap")
    cap = CapturedLink(h, writer, clock=lambda: sim_us[0])
    expected: list[tuple[int, int, bytes]] = []
    cap.write(b"\x18\x01SYNC")
    expected.append((0, H2F, b"\x18\x01SYNC"))
    assert read_exactly(f, 6) == b"\x18\x01SYNC"
    sim_us[0] = 50_000
    f.write(ALL_BYTES)
    got = read_exactly(cap, 256)
    assert got == ALL_BYTES
    sim_us[0] = 100_000
    cap.write(b"")  # nothing crossed, nothing recorded
    cap.write(ALL_BYTES[::-1])
    assert read_exactly(f, 256) == ALL_BYTES[::-1]
    writer.close()

    records = list(read_capture(tmp_path / "link.cap"))
    h2f = [(r.sim_us, r.data) for r in records if r.direction == H2F]
    f2h = [(r.sim_us, r.data) for r in records if r.direction == F2H]
    assert h2f == [(0, b"\x18\x01SYNC"), (100_000, ALL_BYTES[::-1])]
    assert {t for t, _ in f2h} == {50_000}  # may arrive in several reads, all at this tick
    assert b"".join(d for _, d in f2h) == ALL_BYTES
    assert writer.bytes_by_direction == [262, 256]
    assert all(r.wall_ns >= 0 for r in records)
    assert cap.name == h.name
