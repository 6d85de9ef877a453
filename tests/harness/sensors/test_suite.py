"""The suite: sample times, time stamps, delivery order, determinism, wiring errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import ConfigError
from packets import cuc_from_us
from tests.harness.sensors.fakes import (
    descent,
    faults,
    make_suite,
    of,
    run,
    sensors,
)

ALL_ON = {"velocimeter": {"enabled": True}}
RANK = {"imu": 0, "lrf": 1, "attitude": 2, "velocimeter": 3, "discretes": 4}


def test_each_sensor_samples_at_multiples_of_its_period_stamped_at_acquisition() -> None:
    out = run(make_suite(sensors(**ALL_ON)), descent(2.0))
    periods = {"imu": 10_000, "lrf": 100_000, "attitude": 100_000, "velocimeter": 100_000,
               "discretes": 50_000}  # fmt: skip
    for name, period in periods.items():
        times = [e.acquired_us for e in of(out, name)]
        first = period if name == "imu" else 0  # the IMU's first interval ends at one period
        assert times == list(range(first, 2_000_001, period)), name
    for e in out:
        assert e.due_us == e.acquired_us and e.cuc == cuc_from_us(e.acquired_us)


def test_intrinsic_latency_is_rounded_to_steps_and_keeps_the_stamp() -> None:
    out = run(make_suite(sensors(lrf={"latency_s": 0.0349})), descent(1.0), drain_us=10**6)
    for e in of(out, "lrf"):
        assert e.due_us == e.acquired_us + 30_000 and e.cuc == cuc_from_us(e.acquired_us)


@given(
    latencies=st.lists(st.floats(0.0, 0.5), min_size=1, max_size=4),
    jitter=st.floats(0.0, 0.3),
    fifo=st.booleans(),
    pop_every=st.integers(1, 17),
)
def test_pop_due_returns_everything_once_in_delivery_order(
    latencies: list[float], jitter: float, fifo: bool, pop_every: int
) -> None:
    sensor_names = ["lrf", "imu", "attitude", "discretes"]
    specs = faults(*[
        {"kind": "latency", "sensor": sensor_names[i], "latency_s": lat, "jitter_s": jitter,
         "fifo": fifo}
        for i, lat in enumerate(latencies)
    ])  # fmt: skip
    suite = make_suite(sensors(), specs)
    batches = []  # (pop time, emissions)
    previous_pop = -1
    for k, tr in enumerate(descent(1.5)):
        suite.on_step(tr)
        if k % pop_every == 0:
            batches.append((previous_pop, tr.t_us, suite.pop_due(tr.t_us)))
            previous_pop = tr.t_us
    batches.append((previous_pop, 10**9, suite.pop_due(10**9)))
    assert suite.pending_count == 0
    released = 0
    for before, at, batch in batches:
        keys = [(e.due_us, e.acquired_us, RANK[e.sensor]) for e in batch]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        # released at the first pop at or after its due time, never earlier or later
        assert all(before < e.due_us <= at for e in batch)
        released += len(batch)
    assert released == 150 + 16 + 16 + 31  # imu, lrf, attitude, discretes over 1.5 s


def test_pop_due_order_with_a_single_pop_is_fully_sorted() -> None:
    specs = faults(
        {"kind": "latency", "sensor": "lrf", "latency_s": 0.2, "jitter_s": 0.2, "fifo": False},
        {"kind": "latency", "sensor": "attitude", "latency_s": 0.05},
    )
    suite = make_suite(sensors(), specs)
    for tr in descent(3.0):
        suite.on_step(tr)
    out = suite.pop_due(10**9)
    keys = [(e.due_us, e.acquired_us, RANK[e.sensor]) for e in out]
    assert keys == sorted(keys)


def _emissions(seed: int) -> list[object]:
    specs = faults(
        {"kind": "dropout", "sensor": "imu", "p": 0.2},
        {"kind": "latency", "sensor": "lrf", "latency_s": 0.1, "jitter_s": 0.2},
    )
    suite = make_suite(sensors(True, **ALL_ON), specs, seed=seed)
    return [tuple(e) for e in run(suite, descent(5.0), drain_us=10**7)]


def test_same_seed_identical_different_seed_differs() -> None:
    a, b, c = _emissions(11), _emissions(11), _emissions(12)
    assert a == b
    assert a != c


def test_a_fault_on_a_disabled_sensor_is_a_located_error() -> None:
    specs = faults({"kind": "inhibited", "sensor": "velocimeter"})
    with pytest.raises(ConfigError) as info:
        make_suite(sensors(), specs)
    assert info.value.key == "faults[0].sensor"


def test_a_rate_that_is_not_a_whole_number_of_steps_is_a_located_error() -> None:
    with pytest.raises(ConfigError) as info:
        make_suite(sensors(imu={"rate_hz": 400.0}))
    assert info.value.file == "test.toml" and info.value.key == "sensors.imu.rate_hz"


@given(batch=st.integers(1, 12), latency=st.floats(0.0, 0.2), jitter=st.floats(0.0, 0.1))
def test_a_ticks_steps_at_once_sample_as_one_step_at_a_time(
    batch: int, latency: float, jitter: float
) -> None:
    """``on_steps`` over a control tick's truths queues what ``on_step`` on each queues --
    noise, fault draws and delivery order alike."""
    specs = faults({"kind": "latency", "sensor": "lrf", "latency_s": latency, "jitter_s": jitter})
    one, many = (make_suite(sensors(noise=True, **ALL_ON), specs) for _ in range(2))
    truths = list(descent(1.2))
    by_one, by_many = [], []
    for start in range(0, len(truths), batch):
        chunk = truths[start : start + batch]
        for tr in chunk:
            one.on_step(tr)
        many.on_steps(chunk)
        by_one += one.pop_due(chunk[-1].t_us)
        by_many += many.pop_due(chunk[-1].t_us)
    assert by_one and by_many == by_one
    assert one.pending_count == many.pending_count
