"""Latency, dropouts and inhibited output do exactly what they say, and record it."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from packets import cuc_from_us
from tests.harness.faults.helpers import Paired
from tests.harness.sensors.fakes import sensors

IMU_ONLY = sensors(**{s: {"enabled": False} for s in ("lrf", "attitude", "discretes")})

STEP = 10_000


def _steps(seconds: float) -> int:
    return round(seconds * 1e6 / STEP) * STEP


@given(latency=st.floats(0.0, 3.0), sensor=st.sampled_from(["lrf", "imu", "discretes"]))
def test_stamped_latency_delivers_each_sample_l_later_with_its_acquisition_stamp(
    latency: float, sensor: str
) -> None:
    r = Paired({"kind": "latency", "sensor": sensor, "latency_s": latency}, seconds=2.0)
    base, out = r.of(sensor)
    assert base.keys() == out.keys()
    delay = _steps(latency)
    for t, e in out.items():
        assert e.packet == base[t].packet
        assert e.due_us == t + delay and e.cuc == cuc_from_us(t)
    delayed = [a for a in r.applied if a.action == "delayed"]
    assert [(a.acquired_us, a.due_us) for a in delayed] == (
        [] if delay == 0 else [(t, t + delay) for t in sorted(out)]
    )


@given(latency=st.floats(0.01, 3.0))
def test_unstamped_latency_stamps_the_delivery_time(latency: float) -> None:
    r = Paired({"kind": "latency", "sensor": "lrf", "latency_s": latency, "stamped": False},
               seconds=2.0)  # fmt: skip
    base, out = r.of("lrf")
    delay = _steps(latency)
    for t, e in out.items():
        assert e.packet == base[t].packet
        assert e.due_us == t + delay and e.cuc == cuc_from_us(t + delay)


@given(latency=st.floats(0.0, 0.5), jitter=st.floats(0.0, 1.0), seed=st.integers(0, 99))
def test_fifo_jitter_never_reorders_and_only_waits_behind_its_predecessor(
    latency: float, jitter: float, seed: int
) -> None:
    r = Paired({"kind": "latency", "sensor": "lrf", "latency_s": latency, "jitter_s": jitter},
               seconds=3.0, seed=seed)  # fmt: skip
    _, out = r.of("lrf")
    times = sorted(out)
    dues = [out[t].due_us for t in times]
    assert dues == sorted(dues)
    lo, hi = _steps(latency), _steps(latency + jitter)
    for prev, t in itertools.pairwise(times):
        d = out[t].due_us - t
        # either its own jittered delay, or held behind the packet before it
        assert lo <= d <= hi or (d > hi and out[t].due_us == out[prev].due_us)


@given(jitter=st.floats(0.05, 1.0), seed=st.integers(0, 99))
def test_non_fifo_jitter_delays_each_packet_independently(jitter: float, seed: int) -> None:
    r = Paired({"kind": "latency", "sensor": "lrf", "jitter_s": jitter, "fifo": False},
               seconds=3.0, seed=seed)  # fmt: skip
    _, out = r.of("lrf")
    for t, e in out.items():
        assert 0 <= e.due_us - t <= _steps(jitter)
        assert (e.due_us - t) % STEP == 0


@given(latency=st.floats(0.0, 1.0), growth=st.floats(0.0, 0.5), start=st.floats(0.0, 3.0))
def test_growing_latency(latency: float, growth: float, start: float) -> None:
    r = Paired({"kind": "latency", "sensor": "lrf", "latency_s": latency,
                "growth_s_per_s": growth, "start_s": start}, seconds=6.0)  # fmt: skip
    _, out = r.of("lrf")
    first = min(t for t in out if t >= round(start * 1e6))
    for t, e in out.items():
        if t < first:
            assert e.due_us == t
        else:
            want = latency + growth * (t - first) / 1e6
            assert e.due_us - t == round(want * 1e6 / STEP) * STEP


def test_fifo_queue_drains_after_the_window_closes_and_says_so() -> None:
    r = Paired({"kind": "latency", "sensor": "imu", "latency_s": 0.5, "end_s": 1.0}, seconds=2.0)
    _, out = r.of("imu")
    assert out[990_000].due_us == 1_490_000
    # acquired after the window: held until the last delayed packet went, never before it
    for t in range(1_000_000, 1_500_000, STEP):
        assert out[t].due_us == 1_490_000
    assert out[1_500_000].due_us == 1_500_000
    queued = [a.acquired_us for a in r.applied if a.action == "queued"]
    assert queued == list(range(1_000_000, 1_490_000, STEP))
    assert all(a.acquired_us < 1_000_000 for a in r.applied if a.action == "delayed")


@given(p=st.floats(0.0, 1.0), seed=st.integers(0, 1000))
def test_bernoulli_dropout_rate_and_exact_record(p: float, seed: int) -> None:
    r = Paired({"kind": "dropout", "sensor": "imu", "p": p}, seconds=10.0, seed=seed,
               config=IMU_ONLY)  # fmt: skip
    base, out = r.of("imu")
    dropped = set(base) - set(out)
    assert {a.acquired_us for a in r.applied} == dropped
    assert all(a.action == "dropped" for a in r.applied)
    assert all(out[t].packet == base[t].packet for t in out)
    n = len(base)
    assert abs(len(dropped) - n * p) <= 5 * math.sqrt(n * p * (1 - p)) + 1


@settings(max_examples=25)
@given(p_gb=st.floats(0.01, 0.2), p_bg=st.floats(0.05, 0.9), seed=st.integers(0, 1000))
def test_gilbert_elliott_loss_rate_and_burst_length(p_gb: float, p_bg: float, seed: int) -> None:
    r = Paired({"kind": "dropout", "sensor": "imu", "model": "gilbert_elliott",
                "p_gb": p_gb, "p_bg": p_bg}, seconds=60.0, seed=seed, config=IMU_ONLY)  # fmt: skip
    base, out = r.of("imu")
    times = sorted(base)
    lost = [t not in out for t in times]
    assert {a.acquired_us for a in r.applied} == {t for t, x in zip(times, lost, strict=True) if x}
    n = len(times)
    rate = p_gb / (p_gb + p_bg)
    # bursts make samples correlated: bound the rate loosely by the number of bursts
    bursts = [len(list(g)) for k, g in itertools.groupby(lost) if k]
    assert abs(sum(lost) / n - rate) < 0.25 * rate + 5 * math.sqrt(rate / n) / p_bg
    if len(bursts) >= 30:
        mean = sum(bursts) / len(bursts)
        sd = math.sqrt(1 - p_bg) / p_bg
        assert abs(mean - 1 / p_bg) < 5 * sd / math.sqrt(len(bursts))


def test_inhibited_emits_nothing_and_records_every_sample() -> None:
    r = Paired({"kind": "inhibited", "sensor": "lrf"}, seconds=3.0)
    base, out = r.of("lrf")
    assert out == {}
    assert [a.acquired_us for a in r.applied] == sorted(base)
    assert {a.action for a in r.applied} == {"inhibited"}
    assert r.of("imu")[0] == r.of("imu")[1]  # other sensors untouched
