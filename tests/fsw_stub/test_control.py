"""The allocator never exceeds the tilt limit and keeps vertical priority."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from fsw_stub.control import allocate

T_MAX = 3600.0
MIN_THROTTLE = 0.15
G = 1.62


@given(
    mass=st.floats(340.0, 1000.0),
    az=st.floats(-5.0, 10.0),
    ax=st.floats(-10.0, 10.0),
    limit_deg=st.floats(0.0, 45.0),
    prev_deg=st.floats(-60.0, 60.0),
    rate_deg=st.floats(0.0, 5.0),
)
def test_tilt_limit_rate_limit_and_vertical_priority(
    mass: float, az: float, ax: float, limit_deg: float, prev_deg: float, rate_deg: float
) -> None:
    limit, prev, rate = map(math.radians, (limit_deg, prev_deg, rate_deg))
    a = allocate(
        mass,
        G,
        az,
        ax,
        max_thrust_n=T_MAX,
        min_throttle=MIN_THROTTLE,
        tilt_limit_rad=limit,
        prev_pitch_rad=prev,
        max_tilt_step_rad=rate,
    )
    assert abs(a.pitch_rad) <= limit + 1e-12  # the tilt limit is never exceeded
    if abs(prev) <= limit:
        assert abs(a.pitch_rad - prev) <= rate + 1e-12  # nor the tilt rate, from inside it
    assert MIN_THROTTLE <= a.throttle <= 1.0
    fz_want = min(max(mass * (G + az), 0.0), T_MAX)
    fz_got = a.throttle * T_MAX * math.cos(a.pitch_rad)
    # vertical priority: horizontal thrust never takes what the vertical asked for
    assert fz_got >= min(fz_want, T_MAX * math.cos(a.pitch_rad)) - 1e-6
    # and it does not give more than asked unless the throttle floor forces it
    if a.throttle > MIN_THROTTLE + 1e-9:
        assert fz_got <= fz_want + 1e-6


def test_horizontal_gets_the_remainder_toward_the_requested_side() -> None:
    a = allocate(
        600.0,
        G,
        0.0,
        1.0,
        max_thrust_n=T_MAX,
        min_throttle=MIN_THROTTLE,
        tilt_limit_rad=math.radians(20),
        prev_pitch_rad=0.0,
        max_tilt_step_rad=1.0,
    )
    assert 0.0 < a.pitch_rad <= math.radians(20)
    assert a.throttle * T_MAX * math.cos(a.pitch_rad) >= 600.0 * G - 1e-6
    full = allocate(
        600.0,
        G,
        10.0,
        5.0,
        max_thrust_n=T_MAX,
        min_throttle=MIN_THROTTLE,
        tilt_limit_rad=math.radians(20),
        prev_pitch_rad=0.0,
        max_tilt_step_rad=1.0,
    )
    assert full.throttle == 1.0 and full.pitch_rad == 0.0  # saturated vertical: no room left
