"""Analytic checks of the lander's dynamics: free fall, rocket equation, hover, actuators."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.plant.actuators import AttitudeSpec, EngineSpec
from harness.plant.gravity import G0_MPS2, FlatGravity
from harness.plant.lander import InitialState, Lander
from harness.plant.terrain import Cliff, Terrain

G = 1.62
ISP = 310.0
VE = ISP * G0_MPS2


def lander(
    *,
    alt: float = 1000.0,
    vz: float = 0.0,
    vx: float = 0.0,
    tilt: float = 0.0,
    dry: float = 340.0,
    prop: float = 100.0,
    thrust: float = 3000.0,
    min_throttle: float = 0.1,
    lag: float = 0.0,
    slew: float = 0.0,
    rate_dps: float = 10.0,
    accel_dps2: float = 20.0,
    terrain: Terrain | None = None,
    step_us: int = 10_000,
) -> Lander:
    return Lander(
        dry_mass_kg=dry,
        propellant_kg=prop,
        engine=EngineSpec(thrust, min_throttle, ISP, lag, slew),
        attitude=AttitudeSpec(math.radians(rate_dps), math.radians(accel_dps2)),
        initial=InitialState(0.0, alt, vx, vz, tilt),
        terrain=terrain,
        gravity=FlatGravity(G),
        step_us=step_us,
    )


def run_until_touchdown(pl: Lander, max_steps: int = 1_000_000) -> None:
    for _ in range(max_steps):
        if pl.touchdown is not None:
            return
        pl.step()
    raise AssertionError("no touchdown")


@pytest.mark.parametrize("h", [1.0, 100.0, 2345.6])
def test_free_fall_touchdown_time_and_speed(h: float) -> None:
    pl = lander(alt=h)
    pl.command(False, 0.0, 0.0)
    run_until_touchdown(pl)
    td = pl.touchdown
    assert td is not None
    assert td.t_s == pytest.approx(math.sqrt(2 * h / G), abs=1e-9)
    assert td.vz_mps == pytest.approx(-math.sqrt(2 * G * h), abs=1e-8)  # ICD: negative down
    assert td.vx_mps == 0.0 and td.tilt_deg == 0.0 and td.propellant_kg == 100.0
    assert pl.truth.landed and pl.truth.alt_m == 0.0


def test_touchdown_on_a_raised_terrain_and_with_horizontal_speed() -> None:
    terrain = Terrain(
        x_min_m=-100, x_max_m=400, cliffs=[Cliff(x_m=100.0, height_m=50.0, width_m=20.0)]
    )
    # starts over x = 0 (h = 0) with vx = 10: falls onto the flat top of the ramp (h = 50)
    pl = lander(alt=300.0, vx=10.0, terrain=terrain)
    pl.command(False, 0.0, 0.0)
    run_until_touchdown(pl)
    td = pl.touchdown
    assert td is not None
    t = math.sqrt(2 * 250 / G)
    assert td.t_s == pytest.approx(t, abs=1e-8)
    assert td.vx_mps == pytest.approx(10.0)
    assert 10.0 * t > 110.0  # indeed over the top of the ramp (90 m to 110 m)


def test_constant_thrust_mass_flow_and_rocket_equation() -> None:
    """Vertical, no lag: m(t) = m0 - mdot t, v(t) = v0 + ve ln(m0/m) - g t, z by its integral."""
    thrust, m0, v0, z0 = 3000.0, 440.0, -40.0, 2000.0
    pl = lander(alt=z0, vz=v0, lag=0.0)
    pl.command(True, 1.0, 0.0)
    mdot = thrust / VE
    for _ in range(1500):  # 15 s
        pl.step()
    t = pl.t_us / 1e6
    m = m0 - mdot * t
    assert pl.truth.mass_kg == pytest.approx(m, rel=1e-12)
    assert pl.truth.vz_mps == pytest.approx(v0 + VE * math.log(m0 / m) - G * t, abs=1e-9)
    z = z0 + v0 * t - 0.5 * G * t * t + VE * t - VE * (m / mdot) * math.log(m0 / m)
    assert pl.truth.z_m == pytest.approx(z, abs=1e-7)
    # the IMU's specific force: the integral of T/m, i.e. ve ln(m0/m)
    assert pl.truth.sf_dv_body_x == pytest.approx(VE * math.log(m0 / m), abs=1e-9)
    assert pl.truth.sf_dv_body_z == 0.0


def test_hover_throttle_holds_altitude() -> None:
    """Throttle m g / T_max, updated each 50 ms control tick, holds the altitude."""
    pl = lander(alt=500.0, lag=0.0, min_throttle=0.1)
    for k in range(10 * 20):  # 10 s at 20 Hz
        pl.command(True, pl.truth.mass_kg * G / 3000.0, 0.0)
        for _ in range(5):
            pl.step()
        assert abs(pl.truth.alt_m - 500.0) < 5e-3, k
    assert abs(pl.truth.vz_mps) < 1e-3


def test_min_throttle_raises_a_low_command_and_engine_off_is_zero() -> None:
    pl = lander(min_throttle=0.2)
    pl.command(True, 0.05, 0.0)
    pl.step()
    assert pl.truth.thrust_n == pytest.approx(600.0)
    pl.command(False, 0.9, 0.0)
    pl.step()
    assert pl.truth.thrust_n == 0.0 and pl.truth.throttle_cmd == 0.0


def test_engine_first_order_lag() -> None:
    tau = 0.15
    pl = lander(lag=tau)
    pl.command(True, 1.0, 0.0)
    for k in range(1, 60):
        pl.step()
        t = k * 0.01
        assert pl.truth.thrust_n == pytest.approx(3000.0 * (1 - math.exp(-t / tau)), rel=1e-12)


def test_engine_slew_limit() -> None:
    pl = lander(slew=5000.0)  # 0 -> 3000 N in 0.6 s
    pl.command(True, 1.0, 0.0)
    for k in range(1, 80):
        pl.step()
        assert pl.truth.thrust_n == pytest.approx(min(3000.0, 5000.0 * k * 0.01), abs=1e-9)


def test_engine_slew_and_lag_together_are_continuous_and_bounded() -> None:
    pl = lander(slew=4000.0, lag=0.2)
    pl.command(True, 1.0, 0.0)
    last = 0.0
    for _ in range(300):
        pl.step()
        d = pl.truth.thrust_n - last
        assert 0.0 <= d <= 4000.0 * 0.01 + 1e-9
        last = pl.truth.thrust_n
    # slew until the gap is S tau = 800 N (t = 0.55 s), then exponential
    assert last == pytest.approx(3000.0 - 800.0 * math.exp(-(3.0 - 0.55) / 0.2), abs=1e-9)


def test_propellant_exhaustion_is_timed_and_ends_thrust() -> None:
    pl = lander(prop=10.0, alt=100_000.0, lag=0.0)
    pl.command(True, 1.0, 0.0)
    for _ in range(20_000):
        pl.step()
        if pl.propellant_out_us is not None:
            break
    t_out = 10.0 / (3000.0 / VE)
    assert pl.propellant_out_us is not None
    assert abs(pl.propellant_out_us - t_out * 1e6) <= 1.0
    pl.step()
    assert pl.truth.thrust_n == 0.0
    assert pl.truth.mass_kg == pytest.approx(340.0, abs=1e-9)
    v = pl.truth.vz_mps
    pl.step()
    assert pl.truth.vz_mps == pytest.approx(v - G * 0.01, abs=1e-12)  # coasting


@settings(max_examples=40)
@given(
    st.lists(st.tuples(st.floats(-1.2, 1.2), st.integers(1, 300)), min_size=1, max_size=6),
    st.floats(2.0, 20.0),
    st.floats(2.0, 40.0),
)
def test_tilt_never_exceeds_its_rate_or_acceleration_limit(
    plan: list[tuple[float, int]], rate_dps: float, accel_dps2: float
) -> None:
    pl = lander(alt=1e6, rate_dps=rate_dps, accel_dps2=accel_dps2)
    w_max, a_max, dt = math.radians(rate_dps), math.radians(accel_dps2), 0.01
    prev_tilt, prev_rate = pl.truth.tilt_rad, 0.0
    for cmd, steps in plan:
        pl.command(False, 0.0, cmd)
        for _ in range(steps):
            tr = pl.step()
            assert abs(tr.tilt_rate_radps) <= w_max * (1 + 1e-12)
            assert abs(tr.tilt_rate_radps - prev_rate) <= a_max * dt * (1 + 1e-9)
            assert abs(tr.tilt_rad - prev_tilt) <= w_max * dt * (1 + 1e-9)
            prev_tilt, prev_rate = tr.tilt_rad, tr.tilt_rate_radps


@pytest.mark.parametrize("target", [0.01, 0.2, -0.5, 1.0])
def test_tilt_tracker_settles_without_chatter_or_overshoot(target: float) -> None:
    pl = lander(alt=1e6)
    pl.command(False, 0.0, target)
    sign_changes, last_sign, peak = 0, 0.0, 0.0
    for _ in range(2000):
        tr = pl.step()
        s = math.copysign(1.0, tr.tilt_rate_radps) if tr.tilt_rate_radps else 0.0
        if s and last_sign and s != last_sign:
            sign_changes += 1
        last_sign = s or last_sign
        peak = max(peak, abs(tr.tilt_rad))
    assert sign_changes == 0
    assert peak <= abs(target) + 1e-12
    assert pl.truth.tilt_rad == target and pl.truth.tilt_rate_radps == 0.0


def test_thrust_acts_along_the_tilt() -> None:
    """At tilt theta and thrust T: a_x = T sin(theta)/m, a_z = T cos(theta)/m - g (ICD §5)."""
    theta = 0.3
    pl = lander(tilt=theta, lag=0.0, alt=5000.0)
    pl.command(True, 1.0, theta)
    pl.step()
    m = 440.0 - 3000.0 / VE * 0.005  # mid-step mass, first order
    assert pl.truth.vx_mps / 0.01 == pytest.approx(3000.0 * math.sin(theta) / m, rel=1e-6)
    assert pl.truth.vz_mps / 0.01 == pytest.approx(3000.0 * math.cos(theta) / m - G, rel=1e-6)


def test_resting_vehicle_feels_g_on_body_x() -> None:
    pl = lander(alt=0.5)
    pl.command(False, 0.0, 0.0)
    run_until_touchdown(pl)
    before = pl.truth.sf_dv_body_x
    for _ in range(100):
        pl.step()
    assert pl.truth.sf_dv_body_x - before == pytest.approx(G * 1.0, rel=1e-12)
    assert pl.truth.landed and pl.truth.vz_mps == 0.0


def test_time_is_an_integer_step_count() -> None:
    pl = lander(step_us=3_000)
    for _ in range(1000):
        pl.step()
    assert pl.truth.t_us == 3_000_000 and isinstance(pl.truth.t_us, int)
