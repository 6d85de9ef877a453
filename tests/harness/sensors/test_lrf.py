"""LRF: geometry against analytic terrains, noise statistics, acquisition, no return."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.sensors.lrf import Rangefinder
from packets import Lrf, LrfStatus
from tests.harness.sensors.fakes import RampTerrain, sensors, truth

VALID = int(LrfStatus.VALID)


def lrf(terrain: RampTerrain, noise: bool = False, seed: int = 1, **keys: object) -> Rangefinder:
    cfg = sensors(noise, lrf={"n_good_to_valid": 1, **keys}).lrf
    return Rangefinder(cfg, seed, terrain, noise=noise)


@given(
    alt=st.floats(1.0, 9000.0),
    tilt=st.floats(-0.6, 0.6),
    mount=st.floats(-0.4, 0.4),
)
def test_range_is_alt_over_cos_psi_on_level_ground(alt: float, tilt: float, mount: float) -> None:
    s = lrf(RampTerrain(), mount_tilt_rad=mount, max_range_m=20_000.0)
    p = s.sample(truth(0, alt, tilt_rad=tilt))
    psi = tilt + mount
    assert p.status == VALID
    assert p.range_m == pytest.approx(alt / math.cos(psi), rel=1e-12)


@given(
    slope=st.floats(-0.3, 0.3),
    x=st.floats(-1000.0, 1000.0),
    alt=st.floats(10.0, 3000.0),
    psi=st.floats(-0.5, 0.5),
)
def test_range_on_a_ramp_is_the_analytic_intersection(
    slope: float, x: float, alt: float, psi: float
) -> None:
    ramp = RampTerrain(slope, 50.0)
    p = lrf(ramp, max_range_m=50_000.0).sample(truth(0, alt, x_m=x, tilt_rad=psi, terrain=ramp))
    # the point the LRF reports lies on the ramp
    r = p.range_m
    assert p.status == VALID
    hit_x, hit_z = x - r * math.sin(psi), alt + ramp.height(x) - r * math.cos(psi)
    assert hit_z == pytest.approx(ramp.height(hit_x), abs=1e-6 * max(1.0, r))


def test_no_return_beyond_max_range_and_invalid_below_min_range() -> None:
    s = lrf(RampTerrain(), max_range_m=5000.0, min_range_m=2.0)
    far = s.sample(truth(0, 5001.0))
    assert far == Lrf(0.0, int(LrfStatus.NO_RETURN), 0, 0)
    near = s.sample(truth(0, 1.0))
    assert near.status == 0 and near.range_m == 0.0 and near.meas_id == 1
    ok = s.sample(truth(0, 4999.0))
    assert ok.status == VALID and ok.range_m == pytest.approx(4999.0)


def test_pointing_above_the_horizon_is_no_return() -> None:
    p = lrf(RampTerrain()).sample(truth(0, 100.0, tilt_rad=1.7))
    assert p.status == int(LrfStatus.NO_RETURN)


@given(n=st.integers(1, 8), gaps=st.lists(st.integers(0, 12), min_size=1, max_size=6))
def test_n_good_returns_before_valid_and_a_gap_restarts(n: int, gaps: list[int]) -> None:
    """Runs of good returns separated by no-returns: valid exactly from the n-th good one."""
    s = lrf(RampTerrain(), n_good_to_valid=n, max_range_m=1000.0)
    for run_length in gaps:
        for k in range(run_length):
            p = s.sample(truth(0, 500.0))
            if k + 1 < n:
                assert p.status == int(LrfStatus.ACQUIRING) and p.range_m == 0.0
            else:
                assert p.status == VALID and p.range_m == pytest.approx(500.0)
        assert s.sample(truth(0, 2000.0)).status == int(LrfStatus.NO_RETURN)


def test_meas_id_counts_every_measurement_and_wraps() -> None:
    s = lrf(RampTerrain())
    ids = [s.sample(truth(0, 50_000.0 if k % 3 else 100.0)).meas_id for k in range(70_000)]
    assert ids[:3] == [0, 1, 2]
    assert ids[65_535] == 65_535 and ids[65_536] == 0
    assert all((b - a) % 65_536 == 1 for a, b in itertools.pairwise(ids))


def test_quality_falls_with_range_squared() -> None:
    s = lrf(RampTerrain(), max_range_m=10_000.0, quality_at_max_range=20)
    assert s.sample(truth(0, 10_000.0)).quality == 20
    assert s.sample(truth(0, 5_000.0)).quality == 80
    assert s.sample(truth(0, 100.0)).quality == 255


@pytest.mark.parametrize("true_range", [100.0, 3000.0])
def test_noise_sigma_is_k_range_plus_c(true_range: float) -> None:
    s = lrf(RampTerrain(), noise=True, seed=7, noise_frac=0.005, noise_m=0.3)
    r = np.array([s.sample(truth(0, true_range)).range_m for _ in range(4000)])
    sigma = 0.005 * true_range + 0.3
    assert abs(r.mean() - true_range) < 4 * sigma / math.sqrt(len(r))
    assert r.std(ddof=1) == pytest.approx(sigma, rel=0.06)  # ~5 σ of the estimate
