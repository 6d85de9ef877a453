"""The serial line model: transmission time and capacity, with the numbers in the error."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harness.errors import HarnessError
from harness.link import LineCapacityError, SerialLine


def test_115200_baud_8n1() -> None:
    line = SerialLine(115200)
    assert line.capacity_bytes_per_s == 11520.0
    assert line.tx_time_us(26) == 2257  # 260 bits / 115200 = 2256.94 µs, rounded up
    assert line.tx_time_us(11520) == 1_000_000  # exact: no spurious round-up
    assert line.tx_time_us(0) == 0
    assert isinstance(line.tx_time_us(26), int)


@given(
    baud=st.integers(1, 4_000_000),
    bits=st.integers(8, 12),
    n=st.integers(0, 1 << 20),
)
def test_tx_time_is_the_exact_ceiling(baud: int, bits: int, n: int) -> None:
    exact = Fraction(n * bits * 1_000_000, baud)
    assert SerialLine(baud, bits).tx_time_us(n) == math.ceil(exact)


@pytest.mark.parametrize("baud", [0, None])
def test_unlimited_line(baud: int | None) -> None:
    line = SerialLine(baud)
    assert line.unlimited
    assert line.tx_time_us(10**9) == 0
    assert line.capacity_bytes_per_s == math.inf
    line.check_capacity(1e12, 1e12, where="bench.toml")


def test_full_duplex_each_direction_has_the_whole_capacity() -> None:
    SerialLine(115200).check_capacity(11000, 11000, where="nominal.toml")
    SerialLine(115200).check_capacity(11520, 0, where="nominal.toml")  # exactly full is ok


def test_over_capacity_is_refused_with_the_numbers() -> None:
    with pytest.raises(LineCapacityError) as err:
        SerialLine(9600).check_capacity(500, 1440, where="hakuto_r_m2.toml: link.baud")
    e = err.value
    assert isinstance(e, HarnessError)
    assert e.direction == "FSW→harness"
    assert (e.offered_bytes_per_s, e.capacity_bytes_per_s, e.baud) == (1440, 960, 9600)
    assert e.utilisation_pct == pytest.approx(150.0)
    msg = str(e)
    for figure in ("hakuto_r_m2.toml: link.baud", "1440 B/s", "960 B/s", "9600 baud", "150.0 %"):
        assert figure in msg


def test_harness_to_fsw_overload_is_named_too() -> None:
    with pytest.raises(LineCapacityError, match="harness→FSW traffic 12000 B/s"):
        SerialLine(115200).check_capacity(12000, 10, where="x")


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="baud"):
        SerialLine(-1)
    with pytest.raises(ValueError, match="bits_per_byte"):
        SerialLine(9600, 0)


def test_a_direction_is_fifo_in_sim_time() -> None:
    from harness.link.line import BaudStage, Direction

    q: Direction[str] = Direction("h2f", [BaudStage(SerialLine(115200))])  # 26 B -> 2257 us
    q.put(0, b"x" * 47, "imu")  # 47 B -> 4080 us
    q.put(0, b"y" * 26, "lrf")  # waits for the line: 4080 + 2257
    q.put(10_000, b"z" * 26, "att")  # line idle again: 10_000 + 2257
    assert q.next_arrival_us() == 4080
    assert q.arrived(4079) == []
    assert [i for _, i in q.arrived(6337)] == ["imu", "lrf"]
    assert q.in_flight == 1
    assert q.arrived(12_257) == [(b"z" * 26, "att")]
    assert q.bytes_put == q.bytes_arrived == 99


def test_a_direction_without_stages_delivers_when_written() -> None:
    from harness.link.line import Direction

    q: Direction[int] = Direction("f2h")
    q.put(5, b"a" * 1000, 1)
    assert q.arrived(4) == []
    assert [i for _, i in q.arrived(5)] == [1]


def test_the_folded_baud_fast_path_equals_the_stage_chain() -> None:
    """``Direction.put`` folds a lone BaudStage inline; a chain that holds the same stage
    behind a pass-through stage takes the general path -- both give the same arrivals."""
    from harness.link.line import BaudStage, Direction

    class PassThrough:
        fifo = True

        def process(self, t_us: int, data: bytes) -> list[tuple[int, bytes]]:
            return [(t_us, data)]

    line = SerialLine(9600)
    fast: Direction[int] = Direction("h2f", [BaudStage(line)])
    slow: Direction[int] = Direction("h2f", [PassThrough(), BaudStage(line)])
    for i, (t, n) in enumerate([(0, 31), (0, 60), (1000, 7), (90_000, 1024), (90_001, 1)]):
        fast.put(t, b"\x00" * n, i)
        slow.put(t, b"\x00" * n, i)
    horizon = 10**9
    assert fast.next_arrival_us() == slow.next_arrival_us()
    assert fast.arrived(horizon) == slow.arrived(horizon)


@given(
    baud=st.sampled_from([9600, 115200, 921600]),
    reads=st.lists(
        st.tuples(st.integers(0, 20_000), st.integers(1, 1100), st.integers(0, 60_000)),
        max_size=30,
    ),
)
def test_put_take_equals_put_then_take(baud: int, reads: list[tuple[int, int, int]]) -> None:
    """``put_take``'s shortcut (a lone baud stage, nothing queued) gives what ``put`` then
    ``take`` give a chain that takes the general path: bytes, arrivals and counters."""
    from harness.link.line import BaudStage, Direction

    class PassThrough:
        fifo = True

        def process(self, t_us: int, data: bytes) -> list[tuple[int, bytes]]:
            return [(t_us, data)]

    line = SerialLine(baud)
    fast: Direction[None] = Direction("f2h", [BaudStage(line)])
    slow: Direction[None] = Direction("f2h", [PassThrough(), BaudStage(line)])
    t = 0
    for i, (dt, n, horizon) in enumerate(reads):
        t += dt
        data = bytes([i & 0xFF]) * n
        slow.put(t, data)
        assert fast.put_take(t, data, t + horizon) == slow.take(t + horizon)
        assert (fast.in_flight, fast.next_arrival_us()) == (slow.in_flight, slow.next_arrival_us())
        assert (fast.bytes_put, fast.bytes_arrived) == (slow.bytes_put, slow.bytes_arrived)


@given(
    fifo=st.booleans(),
    puts=st.lists(st.tuples(st.integers(0, 20_000), st.integers(1, 300)), max_size=25),
    reads=st.lists(st.integers(0, 40_000), max_size=10),
)
def test_arrived_split_equals_arrived(
    fifo: bool, puts: list[tuple[int, int]], reads: list[int]
) -> None:
    """``arrived_split`` (the loop's per-tick call) hands out what ``arrived`` does, as
    two lists, with the same counters -- FIFO or reordering stages alike."""
    from harness.link.line import BaudStage, Direction

    class Reorder:  # delays even-numbered writes: pieces overtake each other
        fifo = False

        def __init__(self) -> None:
            self.n = 0

        def process(self, t_us: int, data: bytes) -> list[tuple[int, bytes]]:
            self.n += 1
            return [(t_us + (5_000 if self.n % 2 == 0 else 0), data)]

    def direction() -> Direction[int]:
        stages = [BaudStage(SerialLine(115200))] if fifo else [Reorder()]
        return Direction("h2f", stages)  # type: ignore[list-item]

    a, b = direction(), direction()
    t = 0
    for i, (dt, n) in enumerate(puts):
        t += dt
        a.put(t, bytes([i & 0xFF]) * n, i)
        b.put(t, bytes([i & 0xFF]) * n, i)
    for r in [*sorted(reads), 10**9]:
        pairs = a.arrived(r)
        assert b.arrived_split(r) == ([d for d, _ in pairs], [x for _, x in pairs])
        assert (a.bytes_arrived, a.in_flight) == (b.bytes_arrived, b.in_flight)


@given(
    baud=st.sampled_from([0, 9600, 115200]),
    ticks=st.lists(
        st.lists(st.tuples(st.integers(0, 50_000), st.integers(1, 120)), max_size=9),
        max_size=12,
    ),
)
@example(baud=9600, ticks=[[(37_500, 12), (40_000, 1)]])  # 12 bytes: exactly 12.5 ms: at t_k
def test_put_all_arrived_equals_put_all_then_arrived_split(
    baud: int, ticks: list[list[tuple[int, int]]]
) -> None:
    """The lockstep uplink's one-pass call gives what ``put_all`` then ``arrived_split``
    give, tick after tick: the same pieces in the same order, the same counters and the
    same queue left on the line."""
    from harness.link.line import Line

    one = Line.of(SerialLine(baud)).h2f
    two = Line.of(SerialLine(baud)).h2f
    i = 0
    for k, writes in enumerate(ticks):
        t_k = (k + 1) * 50_000
        items = []
        for dt, n in sorted(writes):
            items.append((k * 50_000 + dt, bytes([i & 0xFF]) * n, i))
            i += 1
        two.put_all(items)
        assert one.put_all_arrived(items, t_k) == two.arrived_split(t_k)
        assert (one.bytes_put, one.bytes_arrived, one.in_flight) == (
            two.bytes_put,
            two.bytes_arrived,
            two.in_flight,
        )
        assert one.next_arrival_us() == two.next_arrival_us()


def test_put_take_hands_on_what_arrives_by_the_horizon_inclusive() -> None:
    from harness.link.line import BaudStage, Direction

    q: Direction[None] = Direction("f2h", [BaudStage(SerialLine(115200))])  # 26 B: 2257 us
    assert q.put_take(0, b"a" * 26, 2257) == b"a" * 26  # arrives exactly at the horizon
    assert q.put_take(10_000, b"b" * 26, 12_256) == b""  # 1 us short: still on the line
    assert (q.in_flight, q.next_arrival_us()) == (1, 12_257)
    assert q.put_take(12_000, b"c" * 26, 20_000) == b"b" * 26 + b"c" * 26  # FIFO behind it
    assert q.bytes_put == q.bytes_arrived == 78


def test_a_line_models_the_uart_both_ways() -> None:
    from harness.link.line import Line

    line = Line.of(SerialLine(115200))
    line.h2f.put(0, b"h" * 31)
    line.f2h.put(0, b"f" * 31)
    assert line.h2f.next_arrival_us() == line.f2h.next_arrival_us() == 2691
    free = Line.of(None)
    free.f2h.put(7, b"f")
    assert free.f2h.take(7) == b"f"
