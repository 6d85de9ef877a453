from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.plant.state import Touchdown
from harness.verdict import Verdict, judge


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
