"""The braking law (fsw_stub/braking.py) against its equations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsw_stub.braking import (
    braking_command,
    e_guidance_accel,
    field_accel_z,
    pitch_up_tilt_limit,
)
from fsw_stub.config import BrakingConfig

MU, R = 4.9028e12, 1_737_400.0


@given(
    h=st.floats(1_000.0, 20_000.0),
    vz=st.floats(-80.0, 20.0),
    h_t=st.floats(500.0, 5_000.0),
    vz_t=st.floats(-80.0, 0.0),
    t_go=st.floats(5.0, 800.0),
)
def test_e_guidance_is_the_linear_profile_that_meets_the_target(
    h: float, vz: float, h_t: float, vz_t: float, t_go: float
) -> None:
    """a(t) = a0 + a1 t with a0 from the law and a1 from the velocity condition also
    meets the position target: z(T) = z + v T + a0 T^2/2 + a1 T^3/6 = h_T."""
    a0 = e_guidance_accel(h, vz, h_t, vz_t, t_go)
    a1 = 2.0 * (vz_t - vz - a0 * t_go) / t_go**2
    assert vz + a0 * t_go + a1 * t_go**2 / 2 == pytest.approx(vz_t, abs=1e-6)
    z_end = h + vz * t_go + a0 * t_go**2 / 2 + a1 * t_go**3 / 6
    assert z_end == pytest.approx(h_t, abs=1e-6 * max(1.0, abs(h) + abs(vz) * t_go))


def test_field_acceleration_flat_and_central() -> None:
    assert field_accel_z(3000.0, 100.0, 1.62, MU, 0.0) == -1.62
    r = R + 20_000.0
    v_circ = math.sqrt(MU / r)
    assert field_accel_z(20_000.0, v_circ, 1.62, MU, R) == pytest.approx(0.0, abs=1e-12)
    assert field_accel_z(0.0, 0.0, 1.62, MU, R) == pytest.approx(-MU / R**2)


def cmd(**kw: float) -> tuple[float, float, float, float]:
    b = BrakingConfig(h_gate_m=3000.0)
    args = {
        "h": 15_000.0,
        "vz": -30.0,
        "vx": 1_000.0,
        "mass_kg": 600.0,
        "max_thrust_n": 1400.0,
        "a_field_z": field_accel_z(15_000.0, 1_000.0, 1.62, MU, R),
        "prev_pitch_rad": math.radians(-60.0),
        "max_tilt_step_rad": math.radians(90.0),
    }
    args.update(kw)
    c = braking_command(b, **args)
    return c.throttle, c.pitch_rad, c.ax_mps2, c.t_go_s


def test_braking_is_retrograde_at_full_braking_thrust() -> None:
    throttle, pitch, ax, t_go = cmd()
    a_max = 0.95 * 1400.0 / 600.0
    assert throttle == 0.95
    assert -math.pi / 2 <= pitch < 0.0  # thrust against +v_x
    az = a_max * math.cos(pitch)
    assert math.hypot(ax, az) == pytest.approx(a_max)
    assert az <= 0.8 * a_max + 1e-12  # the vertical share is capped
    weight = -field_accel_z(15_000.0, 1_000.0, 1.62, MU, R)
    assert t_go == pytest.approx((1_000.0 - 10.0) / math.sqrt(a_max**2 - weight**2))
    assert cmd(vx=-1_000.0)[1] > 0.0  # flying toward -x: thrust toward +x


def test_too_low_asks_for_more_vertical_thrust_and_the_tilt_is_rate_limited() -> None:
    low = cmd(h=4_000.0)[1]
    high = cmd(h=19_000.0)[1]
    assert abs(low) < abs(high)  # more vertical when below the plan
    step = math.radians(0.5)
    limited = cmd(h=4_000.0, max_tilt_step_rad=step)[1]
    assert limited == pytest.approx(math.radians(-60.0) + step)


def test_pitch_up_limit_shrinks_one_step_a_cycle_to_its_floor() -> None:
    floor = math.radians(20.0)
    assert pitch_up_tilt_limit(math.radians(-60.0), math.radians(0.5), floor) == pytest.approx(
        math.radians(59.5)
    )
    assert pitch_up_tilt_limit(math.radians(-20.2), math.radians(0.5), floor) == floor
