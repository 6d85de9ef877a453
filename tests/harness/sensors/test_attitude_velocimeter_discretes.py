"""Star tracker quaternion (ICD §5), Doppler velocimeter, contact probe."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.sensors.attitude import StarTracker, tilt_of_quaternion
from harness.sensors.discretes import ContactProbe
from harness.sensors.velocimeter import DopplerVelocimeter
from tests.harness.sensors.fakes import sensors, truth


def test_quaternion_at_zero_tilt() -> None:
    p = StarTracker(sensors().attitude, 1, noise=False).sample(truth(0, 100.0))
    assert (p.q_w, p.q_x, p.q_y, p.q_z) == pytest.approx((0.70711, 0.0, -0.70711, 0.0), abs=1e-5)
    assert p.status == 1


@given(tilt=st.floats(-1.5, 1.5))
def test_quaternion_rotates_body_x_onto_the_thrust_direction(tilt: float) -> None:
    p = StarTracker(sensors().attitude, 1, noise=False).sample(truth(0, 100.0, tilt_rad=tilt))
    w, x, y, z = p.q_w, p.q_x, p.q_y, p.q_z
    assert w * w + x * x + y * y + z * z == pytest.approx(1.0)
    # rotate body +X = (1, 0, 0) by q: R[:, 0]
    rx = (1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y))
    assert rx == pytest.approx((math.sin(tilt), 0.0, math.cos(tilt)), abs=1e-12)
    assert tilt_of_quaternion(w, y) == pytest.approx(tilt, abs=1e-12)


def test_attitude_noise_sigma() -> None:
    s = StarTracker(sensors(True, attitude={"noise_rad": 1e-3}).attitude, 5)
    tilts = [
        tilt_of_quaternion(p.q_w, p.q_y) for p in (s.sample(truth(0, 1.0)) for _ in range(4000))
    ]
    assert np.std(tilts) == pytest.approx(1e-3, rel=0.06)


def test_velocimeter_world_velocity_and_range_limit() -> None:
    cfg = sensors(velocimeter={"enabled": True, "max_alt_m": 5000.0}).velocimeter
    s = DopplerVelocimeter(cfg, 1, noise=False)
    p = s.sample(truth(0, 4000.0, vx_mps=3.0, vz_mps=-40.0))
    assert tuple(p) == (3.0, 0.0, -40.0, 1)
    assert s.sample(truth(0, 6000.0, vx_mps=3.0)).status == 0


@pytest.mark.parametrize(("alt", "flags"), [(1.51, 0), (1.5, 1), (0.0, 1)])
def test_contact_probe(alt: float, flags: int) -> None:
    s = ContactProbe(sensors(discretes={"probe_length_m": 1.5}).discretes)
    assert s.sample(truth(0, alt)).flags == flags
