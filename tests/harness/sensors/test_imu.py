"""IMU: Δv is the specific-force difference, Δθ_y the tilt difference; noise; saturation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.sensors.config import G0_MPS2
from harness.sensors.imu import InertialUnit
from packets import ImuStatus
from tests.harness.sensors.fakes import G_MOON, sensors, truth

VALID = int(ImuStatus.VALID)


def imu(noise: bool = False, seed: int = 1, **keys: object) -> InertialUnit:
    return InertialUnit(sensors(noise, imu=keys).imu, seed, noise=noise)


def test_first_call_opens_the_interval() -> None:
    assert imu().sample(truth(0, 100.0)) is None


@given(
    values=st.lists(
        st.tuples(st.floats(-50, 50), st.floats(-5, 5), st.floats(-1.5, 1.5)),
        min_size=2,
        max_size=20,
    )
)
def test_dv_and_dtheta_are_exact_differences_of_truth(
    values: list[tuple[float, float, float]],
) -> None:
    s = imu()
    s.sample(truth(0, 100.0, sf_x=values[0][0], sf_z=values[0][1], tilt_rad=values[0][2]))
    for k in range(1, len(values)):
        (x0, z0, th0), (x1, z1, th1) = values[k - 1], values[k]
        p = s.sample(truth(k * 10_000, 100.0, sf_x=x1, sf_z=z1, tilt_rad=th1))
        assert p is not None
        assert (p.dv_x, p.dv_y, p.dv_z) == (x1 - x0, 0.0, z1 - z0)
        assert (p.dth_x, p.dth_y, p.dth_z) == (0.0, th1 - th0, 0.0)
        assert p.interval_us == 10_000 and p.status == VALID


def test_at_rest_reads_g_dt_along_body_x() -> None:
    s = imu()
    s.sample(truth(0, 0.0, sf_x=0.0))
    p = s.sample(truth(10_000, 0.0, sf_x=G_MOON * 0.01))
    assert p is not None
    assert p.dv_x == pytest.approx(G_MOON * 0.01, rel=1e-12)
    assert p.dv_y == p.dv_z == 0.0


def test_noise_matches_ln200_white_noise_and_bias() -> None:
    """dv_y, dth_x: σ² = (density²·Δt) + (bias·Δt)² over many samples (bias barely moves)."""
    s = imu(noise=True, seed=3)
    s.sample(truth(0, 100.0))
    rows = []
    for k in range(1, 20_001):
        p = s.sample(truth(k * 10_000, 100.0))
        assert p is not None
        rows.append((p.dv_y, p.dth_x))
    a = np.array(rows)
    dt = 0.01
    white_dv = 50e-6 * G0_MPS2 * math.sqrt(dt)
    white_th = math.radians(0.07) / 60 * math.sqrt(dt)
    # the bias is one draw (τ = 100 s ≫ run): it shifts the mean, not the spread
    assert a[:, 0].std() == pytest.approx(white_dv, rel=0.05)
    assert a[:, 1].std() == pytest.approx(white_th, rel=0.05)
    assert abs(a[:, 0].mean()) < 5 * 75e-6 * G0_MPS2 * dt + 5 * white_dv / math.sqrt(len(a))


def test_gauss_markov_bias_has_its_stationary_sigma() -> None:
    """Across seeds the bias (mean dv / Δt) spreads with σ_b; over time it decorrelates by τ."""
    means = []
    for seed in range(200):
        s = imu(noise=True, seed=seed, accel_noise_ug_per_rthz=0.0, accel_bias_ug=100.0)
        s.sample(truth(0, 100.0))
        p = s.sample(truth(10_000, 100.0))
        assert p is not None
        means.append(p.dv_x / 0.01)
    assert np.std(means) == pytest.approx(100e-6 * G0_MPS2, rel=0.2)


def test_saturation_clips_and_flags() -> None:
    s = imu(accel_saturation_mps2=10.0, gyro_saturation_dps=5.0)
    s.sample(truth(0, 100.0))
    p = s.sample(truth(10_000, 100.0, sf_x=0.2, tilt_rad=math.radians(0.01)))
    assert p is not None
    assert p.dv_x == pytest.approx(0.1) and p.status == VALID | int(ImuStatus.SATURATED)
    assert p.dth_y == pytest.approx(math.radians(0.01))
    q = s.sample(truth(20_000, 100.0, sf_x=0.25, tilt_rad=math.radians(0.02)))
    assert q is not None and q.status == VALID and q.dv_x == pytest.approx(0.05)
