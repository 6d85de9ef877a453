"""Analytic checks of the curved-Moon plant (planar polar mu/r^2, x the arc length).

A circular orbit at 20 km keeps its radius and closes after one period at x = 2 pi R;
energy and angular momentum are conserved with the engine off; the flat and central
models agree at 3 km and <= 100 m/s within FACTS' flat-Moon error; the ground holds the
vehicle up with mu/R^2.
"""

from __future__ import annotations

import math

import pytest

from harness.plant.actuators import AttitudeSpec, EngineSpec
from harness.plant.gravity import (
    G0_MPS2,
    MOON_MU_M3PS2,
    MOON_RADIUS_M,
    CentralGravity,
    FlatGravity,
    Gravity,
)
from harness.plant.lander import InitialState, Lander

MU, R = MOON_MU_M3PS2, MOON_RADIUS_M


def coasting(
    gravity: Gravity,
    *,
    alt: float,
    vx: float,
    vz: float = 0.0,
    step_us: int = 10_000,
    thrust: float = 0.0,
    tilt: float = 0.0,
) -> Lander:
    pl = Lander(
        dry_mass_kg=340.0,
        propellant_kg=300.0 if thrust else 0.0,
        engine=EngineSpec(3000.0, 0.1, 310.0, 0.0, 0.0),
        attitude=AttitudeSpec(math.radians(10.0), math.radians(20.0)),
        initial=InitialState(0.0, alt, vx, vz, tilt, thrust_n=thrust),
        gravity=gravity,
        step_us=step_us,
    )
    if thrust:
        pl.command(True, thrust / 3000.0, tilt)
    return pl


def test_rates_are_the_polar_equations() -> None:
    g = CentralGravity()
    z, vx, vz = 20_000.0, 1_600.0, -30.0
    r = R + z
    dx, dz, ax, az = g.rates(z, vx, vz)
    assert dx == pytest.approx(R * vx / r, rel=1e-15)
    assert dz == vz
    assert ax == pytest.approx(-vx * vz / r, rel=1e-15)
    assert az == pytest.approx(vx * vx / r - MU / r**2, rel=1e-14)
    assert g.rates(0.0, 0.0, 0.0)[3] == pytest.approx(-1.624, abs=2e-3)  # FACTS: g ~ 1.62
    assert FlatGravity(1.62).rates(z, vx, vz) == (vx, vz, 0.0, -1.62)


def test_circular_orbit_at_20_km_keeps_its_radius_for_one_revolution() -> None:
    g = CentralGravity()
    alt = 20_000.0
    r = R + alt
    period_s = 2 * math.pi * math.sqrt(r**3 / MU)  # ~6,610 s
    step_us = 100_000  # 0.1 s: 66,000 steps (the 10 ms plant step is in the slow test)
    pl = coasting(g, alt=alt, vx=g.circular_speed(alt), step_us=step_us)
    n = round(period_s * 1e6 / step_us)
    worst = 0.0
    for _ in range(n):
        tr = pl.step()
        worst = max(worst, abs(tr.z_m - alt))
    assert worst < 1.0, f"radius wandered {worst:.3g} m"
    # one revolution of the datum's arc length; vertical speed still ~0
    x_end = pl.truth.x_m + (period_s - n * step_us * 1e-6) * pl.truth.vx_mps * R / r
    assert x_end == pytest.approx(2 * math.pi * R, rel=1e-7)
    assert abs(pl.truth.vz_mps) < 1e-3


@pytest.mark.slow
def test_circular_orbit_at_the_plant_step() -> None:
    g = CentralGravity()
    alt = 20_000.0
    period_s = 2 * math.pi * math.sqrt((R + alt) ** 3 / MU)
    pl = coasting(g, alt=alt, vx=g.circular_speed(alt), step_us=10_000)
    worst = 0.0
    for _ in range(round(period_s * 100)):
        worst = max(worst, abs(pl.step().z_m - alt))
    assert worst < 1.0


def test_energy_and_angular_momentum_are_conserved_on_an_ellipse() -> None:
    """Perilune 20 km at 1.03 x circular speed: apolune ~ 230 km, half an orbit."""
    g = CentralGravity()
    alt = 20_000.0
    pl = coasting(g, alt=alt, vx=1.03 * g.circular_speed(alt), step_us=50_000)
    e0 = g.specific_energy(pl.truth.z_m, pl.truth.vx_mps, pl.truth.vz_mps)
    l0 = g.angular_momentum(pl.truth.z_m, pl.truth.vx_mps)
    top = 0.0
    de = dl = 0.0
    for _ in range(80_000):  # 4,000 s: past apolune
        tr = pl.step()
        top = max(top, tr.z_m)
        de = max(de, abs(g.specific_energy(tr.z_m, tr.vx_mps, tr.vz_mps) - e0))
        dl = max(dl, abs(g.angular_momentum(tr.z_m, tr.vx_mps) - l0))
    # vis-viva apolune for the check that the orbit really is an ellipse
    r_p = R + alt
    v_p = 1.03 * math.sqrt(MU / r_p)
    r_a = r_p / (2 * MU / (r_p * v_p * v_p) - 1)
    assert top == pytest.approx(r_a - R, rel=1e-6)
    assert de / abs(e0) < 1e-10
    assert dl / l0 < 1e-10


def test_flat_and_central_agree_at_3_km_and_100_mps_within_the_flat_moon_error() -> None:
    """FACTS: the centrifugal term is 0.35 % of g at 100 m/s; g falls 2h/R = 0.35 % at 3 km.

    A powered descent from 3 km at 100 m/s downrange, same thrust in both models: the
    vertical-acceleration difference is at most eps g with eps = v^2/(g R) + 2h/R, so
    the altitudes differ by at most eps g t^2 / 2 and the speeds by eps g t.
    """
    g0 = MU / R**2
    runs = {}
    for name, field in (("flat", FlatGravity(g0)), ("central", CentralGravity())):
        pl = coasting(field, alt=3_000.0, vx=100.0, vz=-40.0, thrust=1_200.0, tilt=0.0)
        rows = [pl.step() for _ in range(6_000)]  # 60 s, still in the air
        assert not pl.landed
        runs[name] = rows
    eps = 100.0**2 / (g0 * R) + 2 * 3_000.0 / R
    t = 60.0
    dz = max(abs(a.z_m - b.z_m) for a, b in zip(runs["flat"], runs["central"], strict=True))
    dvz = abs(runs["flat"][-1].vz_mps - runs["central"][-1].vz_mps)
    dx = abs(runs["flat"][-1].x_m - runs["central"][-1].x_m)
    assert dz <= 0.5 * eps * g0 * t * t
    assert dvz <= eps * g0 * t
    assert dz > 0.1 * 0.5 * eps * g0 * t * t  # the models do differ, by that order
    assert dx < 100.0 * t * 3_000.0 / R  # arc length vs straight line: ~h/R of the path


def test_at_rest_on_the_curved_moon_the_imu_feels_mu_over_r_squared() -> None:
    pl = coasting(CentralGravity(), alt=1.0, vx=0.0)
    while not pl.landed:
        pl.step()
    s0 = pl.truth.sf_dv_body_x
    for _ in range(100):
        pl.step()
    assert (pl.truth.sf_dv_body_x - s0) == pytest.approx(MU / R**2, rel=1e-9)
    assert G0_MPS2 > 0
