from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.plant.state import Touchdown
from harness.verdict import (
    Cause,
    LandingCriteria,
    Verdict,
    broken_limits,
    judge,
    tip_speed_mps,
    tipped,
)


def td(vz: float, vx: float = 0.0, tilt: float = 0.0, rate: float = 0.0) -> Touchdown:
    return Touchdown(10.0, vz, vx, tilt, rate, 50.0)


@pytest.mark.parametrize(
    ("touchdown", "verdict"),
    [
        (td(-2.0, 0.5, 10.0, 5.0), Verdict.SOFT),  # every soft limit, inclusive
        (td(-2.01), Verdict.MARGINAL),
        (td(-1.0, 0.51), Verdict.MARGINAL),
        (td(-1.0, 0.0, 0.0, 5.1), Verdict.MARGINAL),  # tilt rate only matters for soft
        (td(-3.0, 1.0, 12.0, 40.0), Verdict.MARGINAL),
        (td(-3.01), Verdict.CRASH),
        (td(-1.0, 1.01), Verdict.CRASH),
        (td(-1.0, 0.0, -12.5), Verdict.CRASH),
        (td(-42.0), Verdict.CRASH),
    ],
)
def test_thresholds(touchdown: Touchdown, verdict: Verdict) -> None:
    assert judge(touchdown) is verdict


@given(st.floats(-50, 50), st.floats(-5, 5), st.floats(-30, 30), st.floats(-20, 20))
def test_verdict_is_monotone_in_vertical_speed(
    vz: float, vx: float, tilt: float, rate: float
) -> None:
    order = [Verdict.SOFT, Verdict.MARGINAL, Verdict.CRASH]
    a = judge(td(vz, vx, tilt, rate))
    b = judge(td(vz * 1.5 - 0.1 if vz < 0 else vz * 1.5 + 0.1, vx, tilt, rate))
    assert order.index(b) >= order.index(a)


def on_slope(vx: float, slope_deg: float, vz: float = -1.0) -> Touchdown:
    return Touchdown(10.0, vz, vx, 0.0, 0.0, 50.0, slope_deg)


def test_tipping_speed_is_the_energy_to_lift_the_centre_of_mass_over_a_footpad() -> None:
    c = LandingCriteria(half_base_m=1.0, cg_height_m=1.5, g_mps2=1.62)
    beta = math.atan(1.0 / 1.5)
    arm = math.sqrt(1.0 + 1.5**2)
    level = math.sqrt(2 * 1.62 * arm * (1 - math.cos(beta)))
    assert tip_speed_mps(0.0, True, c) == pytest.approx(level)
    assert tip_speed_mps(0.0, False, c) == pytest.approx(level)
    down, up = tip_speed_mps(12.0, True, c), tip_speed_mps(12.0, False, c)
    assert down == pytest.approx(
        math.sqrt(2 * 1.62 * arm * (1 - math.cos(beta - math.radians(12))))
    )
    assert down < level < up
    assert tip_speed_mps(40.0, True, c) == 0.0  # steeper than beta = 33.7 deg: cannot stand


@pytest.mark.parametrize(
    ("touchdown", "verdict", "is_tipped"),
    [
        (on_slope(0.3, 12.0), Verdict.SOFT, False),  # slow on 12 deg: stands
        (on_slope(-0.7, 12.0), Verdict.CRASH, True),  # downhill above 0.68 m/s: tips
        (on_slope(0.7, 12.0), Verdict.MARGINAL, False),  # uphill 0.7 m/s: stands
        (on_slope(1.5, 12.0), Verdict.CRASH, True),  # IM-1: 1-2 m/s on ~12 deg
        (on_slope(0.0, 40.0), Verdict.CRASH, True),  # a wall
        (on_slope(1.0, 0.0), Verdict.MARGINAL, False),  # level: tips above 1.02 m/s
    ],
)
def test_tipped_is_a_crash_with_its_cause(
    touchdown: Touchdown, verdict: Verdict, is_tipped: bool
) -> None:
    assert judge(touchdown) is verdict
    assert tipped(touchdown) is is_tipped
    tips = [why for cause, why in broken_limits(touchdown) if cause is Cause.TIPPED]
    assert len(tips) == is_tipped
    if is_tipped:
        assert tips[0].startswith("tipped over: |v_x|") and "m/s" in tips[0]
