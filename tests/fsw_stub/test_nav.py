from __future__ import annotations

import math

import numpy as np
import pytest

from fsw_stub.nav import History, VerticalFilter, quaternion_of_tilt, rotation_rows, tilt_of_rows

G = 1.62


@pytest.mark.parametrize("theta", [-0.5, -0.1, 0.0, 0.2, 0.7])
def test_tilt_round_trips_through_the_icd_quaternion(theta: float) -> None:
    rx, rz = rotation_rows(*quaternion_of_tilt(theta))
    assert tilt_of_rows(rx, rz) == pytest.approx(theta, abs=1e-12)
    # body +X (thrust axis) in the world is (sin θ, cos θ)  (ICD §5)
    assert (rx[0], rz[0]) == pytest.approx((math.sin(theta), math.cos(theta)))


def test_upright_quaternion_matches_icd_example() -> None:
    q = quaternion_of_tilt(0.0)
    assert q == pytest.approx((0.70711, 0.0, -0.70711, 0.0), abs=1e-5)
    rx, rz = rotation_rows(*q)
    assert rz[0] == pytest.approx(1.0)  # body +X is world +z
    assert rx[2] == pytest.approx(-1.0)  # body +Z is world -x


def _is_psd(p: list[list[float]]) -> bool:
    a = np.array(p)
    return bool(np.allclose(a, a.T) and np.all(np.linalg.eigvalsh(a) > -1e-9))


def test_filter_converges_and_covariance_behaves() -> None:
    rng = np.random.default_rng(3)
    h_true, vz_true, bias = 2000.0, -40.0, 0.003
    kf = VerticalFilter(2100.0, -42.0, 100.0, 2.0, 0.01)
    dt = 0.01
    sig0 = kf.sigma_h
    for step in range(3000):  # 30 s, hovering decel of 0.5 m/s^2
        a = 0.5
        dv_meas = (a + G + bias) * dt
        h_true += vz_true * dt + 0.5 * a * dt * dt
        vz_true += a * dt
        before = kf.P[0][0]
        kf.propagate(dv_meas, dt, G, 0.05, 2e-4)
        assert kf.P[0][0] >= before  # propagation never shrinks the altitude variance
        if step % 10 == 0:
            r = (0.005 * h_true + 0.3) ** 2
            before = kf.P[0][0]
            kf.update(0, h_true + math.sqrt(r) * rng.standard_normal(), r)
            assert kf.P[0][0] <= before  # an update never grows it
        assert _is_psd(kf.P)
    assert abs(kf.h - h_true) < 3 * kf.sigma_h + 1.0
    assert abs(kf.vz - vz_true) < 0.5
    assert kf.sigma_h < sig0 / 5
    assert kf.b == pytest.approx(bias, abs=0.01)


def test_rebaseline_and_blind_inflation() -> None:
    kf = VerticalFilter(100.0, -5.0, 2.0, 0.5, 0.01)
    kf.inflate_sigma_h(10.0)
    assert kf.sigma_h == pytest.approx(12.0)
    kf.rebaseline(3100.0, 15.0)
    assert kf.h == 3100.0 and kf.sigma_h == 15.0 and kf.vz == -5.0
    assert _is_psd(kf.P)


def test_history_interpolates_displacement() -> None:
    h = History(keep_us=2_500_000)
    for i in range(1, 501):
        h.record(i * 10_000, -0.5, 0.01 * i)  # -50 m/s
    now = h.at(5_000_000)
    then = h.at(3_005_000)
    assert now is not None and then is not None
    assert now[0] - then[0] == pytest.approx(-99.75)
    assert h.at(0) is None  # trimmed: older than kept
