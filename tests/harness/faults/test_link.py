"""Link faults: each kind does exactly what its record says to exactly those bytes, keeps
to its schedule, and is deterministic per seed (and independent of how a stream is split
into writes, for the byte-level kinds)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.config.table import ConfigTable
from harness.errors import ConfigError
from harness.faults.link import (
    LinkFaultEvent,
    LinkFaultStage,
    build_link_faults,
    build_link_stage,
    link_accounting,
)
from harness.faults.link_config import link_fault_from_config
from harness.link.line import Line, SerialLine
from packets import Deframer, Lrf, encode
from packets.strategies import streams

writes_st = st.lists(st.binary(min_size=0, max_size=60), min_size=1, max_size=30)


def stage(seed: int = 1, alt: float = 1000.0, **table: Any) -> LinkFaultStage:
    table.setdefault("direction", "h2f")
    spec = link_fault_from_config(ConfigTable(table, "test.toml", "link_faults[0]"), 0)
    return build_link_stage(spec, seed, lambda: alt)


def feed(
    s: LinkFaultStage, writes: list[bytes], dt_us: int = 1000
) -> list[list[tuple[int, bytes]]]:
    return [s.process(i * dt_us, w) for i, w in enumerate(writes)]


def by_write(s: LinkFaultStage) -> dict[int, list[LinkFaultEvent]]:
    out: dict[int, list[LinkFaultEvent]] = {}
    for e in s.events:
        out.setdefault(e.write, []).append(e)
    return out


# --- each kind, exactly ---------------------------------------------------------------


@given(writes_st, st.sampled_from([1e-3, 0.02, 0.5, 1.0]), st.integers(0, 99))
def test_bit_errors_flip_exactly_the_recorded_bits(writes: list[bytes], ber: float, seed: int):
    s = stage(seed, kind="bit_errors", ber=ber)
    outs = feed(s, writes)
    ev = by_write(s)
    for i, (w, out) in enumerate(zip(writes, outs, strict=True)):
        expect = bytearray(w)
        for e in ev.get(i, []):
            assert e.action == "bit_flipped" and e.n == 1 and 0 <= e.offset < 8 * len(w)
            expect[e.offset // 8] ^= 0x80 >> (e.offset % 8)
        assert out == [(i * 1000, bytes(expect))]
    if ber == 1.0:  # every bit
        assert sum(len(v) for v in ev.values()) == 8 * sum(map(len, writes))
    assert s.summary()["counts"].get("bit_flipped", 0) == len(s.events)


@given(st.binary(min_size=1, max_size=400), st.lists(st.integers(0, 400), max_size=8))
def test_byte_level_faults_do_not_depend_on_how_the_stream_is_split(data: bytes, cuts: list[int]):
    bounds = [0, *sorted(min(c, len(data)) for c in cuts), len(data)]
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds)]
    for table in (
        {"kind": "bit_errors", "ber": 0.01},
        {"kind": "byte_loss", "p": 0.05},
        {"kind": "burst_loss", "p_gb": 0.05, "p_bg": 0.3},
    ):
        whole, split = stage(7, **table), stage(7, **table)
        one = b"".join(d for _, d in whole.process(0, data))
        many = b"".join(d for p in pieces for _, d in split.process(0, p))
        assert one == many, table


@given(writes_st, st.sampled_from([0.02, 0.3, 1.0]), st.integers(0, 99))
def test_byte_loss_removes_exactly_the_recorded_bytes(writes: list[bytes], p: float, seed: int):
    s = stage(seed, kind="byte_loss", p=p)
    outs = feed(s, writes)
    ev = by_write(s)
    for i, (w, out) in enumerate(zip(writes, outs, strict=True)):
        gone = {e.offset for e in ev.get(i, [])}
        assert all(e.n == 1 and e.action == "bytes_lost" for e in ev.get(i, []))
        assert out == [(i * 1000, bytes(b for j, b in enumerate(w) if j not in gone))]


@given(writes_st, st.integers(0, 99))
def test_burst_loss_removes_the_recorded_runs_and_they_are_bursts(writes: list[bytes], seed: int):
    s = stage(seed, kind="burst_loss", p_gb=0.05, p_bg=0.2)
    outs = feed(s, writes)
    ev = by_write(s)
    for i, (w, out) in enumerate(zip(writes, outs, strict=True)):
        gone: set[int] = set()
        for e in ev.get(i, []):
            assert e.n >= 1 and e.offset + e.n <= len(w)
            gone |= set(range(e.offset, e.offset + e.n))
        assert out == [(i * 1000, bytes(b for j, b in enumerate(w) if j not in gone))]


def test_burst_loss_runs_have_the_gilbert_elliott_means():
    s = stage(3, kind="burst_loss", p_gb=0.01, p_bg=0.25)
    s.process(0, bytes(400_000))
    runs = [e.n for e in s.events]
    interior = runs[1:-1]  # a run cut by the end of the write is shorter
    mean_bad = sum(interior) / len(interior)
    assert 3.6 < mean_bad < 4.4  # 1 / p_bg = 4
    lost = sum(runs) / 400_000
    assert 0.033 < lost < 0.041  # p_gb / (p_gb + p_bg) = 0.0385


@given(writes_st, st.integers(0, 99))
def test_truncate_keeps_exactly_the_recorded_prefix(writes: list[bytes], seed: int):
    s = stage(seed, kind="truncate")
    outs = feed(s, writes)
    ev = by_write(s)
    for i, (w, out) in enumerate(zip(writes, outs, strict=True)):
        if not w:
            assert out == [(i * 1000, w)] and i not in ev
            continue
        (e,) = ev[i]
        assert e.action == "truncated" and e.offset + e.n == len(w) and e.offset < len(w)
        assert out == ([(i * 1000, w[: e.offset])] if e.offset else [])


@given(streams(min_frames=1, max_frames=12), st.integers(0, 99))
def test_bad_pec_damages_exactly_the_last_two_bytes_and_the_receiver_counts_them(
    stream: Any, seed: int
):
    frames = [encode(f.packet, f.seq, f.cuc) for f in stream.frames]
    s = stage(seed, kind="bad_pec")
    outs = feed(s, frames)
    rx = Deframer()
    for w, out in zip(frames, outs, strict=True):
        ((_, got),) = out
        assert got[:-2] == w[:-2] and got[-2:] != w[-2:]
        assert rx.feed(got) == []
    rx.flush()
    assert rx.stats.crc_errors == len(frames) and len(s.events) == len(frames)


@given(writes_st, st.sampled_from([0.3, 1.0]), st.integers(0, 99))
def test_duplicate_sends_the_recorded_writes_twice(writes: list[bytes], p: float, seed: int):
    s = stage(seed, kind="duplicate", p=p)
    outs = feed(s, writes)
    ev = by_write(s)
    for i, (w, out) in enumerate(zip(writes, outs, strict=True)):
        n = 2 if i in ev else 1
        assert out == [(i * 1000, w)] * n
        assert i not in ev or ev[i] == [LinkFaultEvent(i * 1000, i, "duplicated", 0, len(w))]


@given(writes_st, st.sampled_from([0.3, 1.0]), st.integers(0, 99))
def test_reorder_swaps_each_held_write_with_the_next(writes: list[bytes], p: float, seed: int):
    s = stage(seed, kind="reorder", p=p)
    outs = feed(s, writes)
    ev = by_write(s)
    arrived = [d for out in outs for _, d in out]
    expect: list[bytes] = []
    held: bytes | None = None
    for i, w in enumerate(writes):
        if i in ev:
            assert ev[i][0].action == "held_back" and held is None
            held = w
            continue
        expect.append(w)
        if held is not None:
            expect.append(held)
            held = None
    assert arrived == expect
    assert (held is not None) == (s.held is not None)  # the last one may still be held


@given(writes_st, st.integers(0, 99))
def test_babble_puts_exactly_the_recorded_junk_before_the_write(writes: list[bytes], seed: int):
    s = stage(seed, kind="babble", min_bytes=3, max_bytes=9)
    outs = feed(s, writes)
    for i, (w, out) in enumerate(zip(writes, outs, strict=True)):
        ((t, got),) = out
        (e,) = by_write(s)[i]
        assert t == i * 1000 and 3 <= e.n <= 9 and len(got) == e.n + len(w) and got.endswith(w)


def test_stall_holds_every_byte_for_its_duration_then_starts_again():
    s = stage(kind="stall", duration_s=0.0035, start_s=0.002, end_s=0.012)
    outs = feed(s, [bytes([i]) for i in range(16)])
    arrivals = [out[0][0] for out in outs]
    # writes at 0, 1 ms before the window; stall 2 -> 5.5 ms, 6 -> 9.5 ms, 10 -> 13.5 ms
    # (the window closes at 12 ms, the stall in progress still holds 12 and 13 ms)
    assert arrivals == [0, 1000, *[5500] * 4, *[9500] * 4, *[13500] * 4, 14000, 15000]
    assert [e.t_us for e in s.events] == list(range(2000, 12000, 1000))


def test_slow_line_sends_at_its_own_rate_while_active():
    s = stage(kind="slow_line", baud=9600, end_s=0.1)
    tx = SerialLine(9600).tx_time_us(48)
    outs = [s.process(0, bytes(48)), s.process(0, bytes(48)), s.process(200_000, bytes(48))]
    assert [o[0][0] for o in outs] == [tx, 2 * tx, 200_000]
    assert s.summary()["counts"] == {"slowed": 96}


# --- schedule, determinism, composition, accounting -------------------------------------

KINDS: list[dict[str, Any]] = [
    {"kind": "bit_errors", "ber": 0.05},
    {"kind": "byte_loss", "p": 0.2},
    {"kind": "burst_loss", "p_gb": 0.2},
    {"kind": "truncate"},
    {"kind": "bad_pec"},
    {"kind": "duplicate"},
    {"kind": "reorder"},
    {"kind": "babble"},
    {"kind": "stall", "duration_s": 0.0005},
    {"kind": "slow_line", "baud": 2400},
]


@settings(max_examples=60)
@given(
    st.sampled_from(KINDS),
    st.integers(0, 20),
    st.integers(20, 40),
    st.floats(0.0, 2000.0),
    st.sampled_from([None, 500.0, 1500.0]),
)
def test_applied_inside_the_window_only(
    table: dict[str, Any], start_ms: int, end_ms: int, alt: float, below: float | None
):
    window: dict[str, Any] = {"start_s": start_ms / 1000, "end_s": end_ms / 1000}
    if below is not None:
        window["below_alt_m"] = below
    s = stage(alt=alt, **table, **window)
    feed(s, [bytes(range(40))] * 60)
    inside = below is None or alt <= below
    times = [e.t_us for e in s.events]
    assert all(start_ms * 1000 <= t < end_ms * 1000 for t in times)
    assert bool(times) == (inside and end_ms > start_ms)
    summ = s.summary()
    assert summ["applied"] == len(times) and summ["writes_seen"] == 60


def test_same_seed_same_damage_other_seed_other_damage():
    data = [bytes(range(200))] * 20
    runs = [[o for o in feed(stage(seed, kind="bit_errors", ber=0.01), data)] for seed in (4, 4, 5)]
    assert runs[0] == runs[1] != runs[2]


def test_stages_compose_with_the_uart_and_the_line_keeps_order():
    faults = build_link_faults(
        [
            link_fault_from_config(ConfigTable(t, "f.toml", f"link_faults[{i}]"), i)
            for i, t in enumerate(
                [
                    {"kind": "duplicate", "direction": "h2f"},
                    {"kind": "babble", "direction": "h2f", "min_bytes": 2, "max_bytes": 2},
                    {"kind": "bit_errors", "direction": "f2h", "ber": 1.0},
                ]
            )
        ],
        seed=1,
        altitude=lambda: 0.0,
    )
    line = Line.of(SerialLine(115200), faults.h2f, faults.f2h)
    frame = encode(Lrf(100.0, 1, 200, 7))
    line.h2f.put(0, frame)
    got = line.h2f.arrived(10_000)
    # the duplicate makes two writes for the babble stage behind it: two bytes before each
    assert [(len(d), d[2:]) for d, _ in got] == [(len(frame) + 2, frame)] * 2
    line.f2h.put(0, b"\x0f")
    assert line.f2h.take(10_000) == b"\xf0"
    summ = faults.summary()
    assert [f["kind"] for f in summ] == ["duplicate", "babble", "bit_errors"]
    acct = link_accounting({"frames_sent": {"LRF": 1}, "received": {"frames": 0}}, faults)
    assert acct["h2f"]["writes_touched_by_faults"] == 1 + 2
    assert acct["f2h"]["writes_touched_by_faults"] == 1


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"kind": "bit_errors", "direction": "h2f"}, "link_faults[0].ber"),
        ({"kind": "bit_errors", "direction": "up", "ber": 0.1}, "link_faults[0].direction"),
        ({"kind": "noise", "direction": "h2f"}, "link_faults[0].kind"),
        ({"kind": "byte_loss", "direction": "f2h", "p": 2.0}, "link_faults[0].p"),
        ({"kind": "babble", "direction": "h2f", "min_bytes": 9, "max_bytes": 3}, "max_bytes"),
        ({"kind": "stall", "direction": "h2f", "duration_s": 0}, "link_faults[0].duration_s"),
        ({"kind": "truncate", "direction": "h2f", "pp": 1}, "link_faults[0].pp"),
    ],
)
def test_a_bad_table_names_its_key(table: dict[str, Any], key: str):
    with pytest.raises(ConfigError) as err:
        link_fault_from_config(ConfigTable(table, "s.toml", "link_faults[0]"), 0)
    assert key in str(err.value) and "s.toml" in str(err.value)


@given(writes_st, st.integers(0, 99), st.integers(0, 40_000))
def test_bytes_in_flight_are_the_bytes_sent_and_not_yet_arrived(
    writes: list[bytes], seed: int, by_us: int
):
    """Babble adds bytes, loss drops them, reorder holds one write back: what is in
    flight at any time is what will still arrive plus what a stage holds."""
    specs = [
        {"kind": "babble", "direction": "h2f", "min_bytes": 1, "max_bytes": 5, "p": 0.5},
        {"kind": "byte_loss", "direction": "h2f", "p": 0.3},
        {"kind": "reorder", "direction": "h2f", "p": 0.5},
    ]
    faults = build_link_faults(
        [link_fault_from_config(ConfigTable(t, "f.toml", f"link_faults[{i}]"), i)
         for i, t in enumerate(specs)],
        seed=seed,
        altitude=lambda: 0.0,
    )  # fmt: skip
    line = Line.of(SerialLine(9600), faults.h2f, faults.f2h)
    for i, w in enumerate(writes):
        line.h2f.put(i * 1000, w)
    line.h2f.arrived(by_us)
    in_flight = line.h2f.bytes_in_flight
    rest = sum(len(d) for d, _ in line.h2f.arrived(10**12))  # all that is still to come
    reorder = faults.h2f[2]
    held = 0 if reorder.held is None else len(reorder.held)  # type: ignore[attr-defined]
    assert in_flight == rest + held
    assert line.h2f.bytes_in_flight == held


def test_babble_makes_more_bytes_arrive_than_were_sent_and_none_are_in_flight():
    """The old figure, ``bytes_put - bytes_arrived``, went negative here (-10,848 in the
    babbling_lrf scenario's result.json)."""
    faults = build_link_faults(
        [link_fault_from_config(ConfigTable(
            {"kind": "babble", "direction": "h2f", "min_bytes": 4, "max_bytes": 4},
            "f.toml", "link_faults[0]"), 0)],
        seed=1,
        altitude=lambda: 0.0,
    )  # fmt: skip
    line = Line.of(SerialLine(115200), faults.h2f, faults.f2h)
    line.h2f.put(0, b"abcdef")
    assert len(line.h2f.take(10_000)) == 10 and line.h2f.bytes_put == 6
    assert line.h2f.bytes_in_flight == 0
