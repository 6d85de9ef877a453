"""Stuck, bias/scale and noise growth change exactly the value they name."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.sensors.attitude import tilt_of_quaternion
from packets import Attitude, Imu, Lrf
from tests.harness.faults.helpers import Paired


@given(start=st.floats(0.0, 4.0), sensor=st.sampled_from(["lrf", "imu", "attitude", "discretes"]))
def test_stuck_repeats_the_first_affected_sample(start: float, sensor: str) -> None:
    r = Paired({"kind": "stuck", "sensor": sensor, "start_s": start}, seconds=5.0,
               tilt_rad=0.0, vz_mps=-30.0)  # fmt: skip
    base, out = r.of(sensor)
    start_us = round(start * 1e6)
    stuck_times = sorted(t for t in out if t >= start_us)
    frozen = base[stuck_times[0]].packet
    for t, e in out.items():
        if t < start_us:
            assert e.packet == base[t].packet
            continue
        p = e.packet
        if isinstance(p, Lrf):
            assert p == frozen._replace(meas_id=base[t].packet.meas_id)
        elif isinstance(p, Imu):
            assert p == frozen._replace(interval_us=base[t].packet.interval_us)
        else:
            assert p == frozen
    actions = [(a.acquired_us, a.action) for a in r.applied]
    assert actions == [(stuck_times[0], "froze")] + [(t, "stuck") for t in stuck_times[1:]]


@given(
    bias=st.floats(-100.0, 100.0),
    scale=st.floats(0.5, 2.0),
    target=st.sampled_from([("lrf", "range_m"), ("imu", "dv_x"), ("imu", "dth_y"),
                            ("velocimeter", "vz_mps"), ("attitude", "tilt_rad")]),
)  # fmt: skip
def test_bias_and_scale_are_exact_on_valid_samples(
    bias: float, scale: float, target: tuple[str, str]
) -> None:
    sensor, field = target
    if field != "range_m":
        bias /= 1000.0
    from tests.harness.sensors.fakes import sensors

    config = sensors(velocimeter={"enabled": True})
    r = Paired({"kind": "bias", "sensor": sensor, "field": field, "bias": bias, "scale": scale},
               seconds=2.0, config=config, tilt_rad=0.1)  # fmt: skip
    base, out = r.of(sensor)
    assert base.keys() == out.keys()
    n_biased = 0
    for t, e in out.items():
        b, p = base[t].packet, e.packet
        if not b.status & 1:
            assert p == b
            continue
        n_biased += 1
        if isinstance(p, Attitude):
            want = scale * tilt_of_quaternion(b.q_w, b.q_y) + bias
            assert tilt_of_quaternion(p.q_w, p.q_y) == pytest.approx(want, abs=1e-9)
            continue
        want = scale * getattr(b, field) + bias
        assert getattr(p, field) == (max(0.0, want) if field == "range_m" else want)
        assert p._replace(**{field: 0.0}) == b._replace(**{field: 0.0})  # nothing else changed
    assert sum(a.action == "biased" for a in r.applied) == n_biased > 0


def test_noise_growth_sigma_grows_with_time_and_range() -> None:
    r = Paired({"kind": "noise_growth", "sensor": "lrf", "sigma": 1.0, "sigma_per_s": 2.0,
                "sigma_frac": 0.01, "start_s": 10.0}, seconds=400.0, alt0_m=5000.0,
               vz_mps=0.0)  # fmt: skip
    base, out = r.of("lrf")
    times = sorted(t for t in out if t >= 10_000_000)
    err = np.array([out[t].packet.range_m - base[t].packet.range_m for t in times])
    sigma = np.array([1.0 + 2.0 * (t - times[0]) / 1e6 + 0.01 * 5000.0 for t in times])
    z = err / sigma
    assert abs(z.mean()) < 5 / math.sqrt(len(z))
    assert z.std() == pytest.approx(1.0, rel=0.08)
    assert all(out[t].packet == base[t].packet for t in out if t < 10_000_000)
    assert sum(a.action == "noised" for a in r.applied) == len(times)
