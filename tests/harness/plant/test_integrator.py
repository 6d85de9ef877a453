"""The one integrator against closed forms: with no mass flow and a thrust linear in time
the motion is a cubic in time, which classic RK4 integrates exactly (to rounding)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.plant.gravity import FlatGravity
from harness.plant.integrator import Integrator

finite = st.floats(-50.0, 50.0)


@given(
    vx=finite,
    vz=finite,
    thrust0=st.floats(0.0, 3000.0),
    slope=st.floats(-2000.0, 2000.0),
    tilt=st.floats(-1.0, 1.0),
    h=st.floats(1e-3, 2.0),
)
def test_rk4_is_exact_for_a_thrust_linear_in_time(
    vx: float, vz: float, thrust0: float, slope: float, tilt: float, h: float
) -> None:
    m, g = 500.0, 1.62
    integ = Integrator(0.0, FlatGravity(g))  # no mass flow: a = T(t)/m is linear in t
    t_a, t_m, t_b = thrust0, thrust0 + slope * h / 2, thrust0 + slope * h
    s, c = math.sin(tilt), math.cos(tilt)
    y = integ.rk4((1.0, 100.0, vx, vz, m, 0.0), h, t_a, t_m, t_b, s, c, s, c, s, c)
    # closed form: a(t) = (T0 + k t)/m along the tilt, minus g vertically
    dv = (thrust0 * h + slope * h * h / 2) / m
    dx = (thrust0 * h * h / 2 + slope * h**3 / 6) / m
    assert y[2] == pytest.approx(vx + dv * s, abs=1e-9)
    assert y[3] == pytest.approx(vz + dv * c - g * h, abs=1e-9)
    assert y[0] == pytest.approx(1.0 + vx * h + dx * s, abs=1e-9)
    assert y[1] == pytest.approx(100.0 + vz * h + dx * c - g * h * h / 2, abs=1e-9)
    assert y[4] == m and y[5] == pytest.approx(dv, abs=1e-9)


def test_mass_follows_simpsons_rule_of_the_thrust() -> None:
    q = 1.0 / (310.0 * 9.80665)
    integ = Integrator(q, FlatGravity())
    y = integ.rk4((0.0, 0.0, 0.0, 0.0, 600.0, 0.0), 0.5, 1000.0, 1200.0, 1300.0, 0, 1, 0, 1, 0, 1)
    assert y[4] == pytest.approx(600.0 - q * 0.5 / 6 * (1000.0 + 4 * 1200.0 + 1300.0), rel=1e-15)
