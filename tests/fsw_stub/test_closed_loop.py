"""Closed loop, in-process, over ICD bytes, against the independent plant in icd_plant.py.

The verdicts the stub exists to show (issue 4): both profiles land the nominal
descent; a 3 km cliff latches naive (it hovers the propellant away in the air) while
robust re-baselines and lands; the M2 case (first valid LRF at ~900 m, STATE_INIT
1.1 km high) crashes naive and robust lands; robust handles 2 s LRF latency, stamped
or not. Plus a few plausible plant variations (the stub depends on its config and the
bytes, not on a plant's internals).
"""

from __future__ import annotations

from typing import Any

import pytest

from fsw_stub.core import FlightSoftware
from fsw_stub.telemetry import EventCode

from .conftest import VEHICLE, config
from .icd_plant import IcdPlant, Outcome, PlantOptions, fly

LATCHED = 0x04
CLIFF = {"terrain_step_x_m": 30.0, "vx0_mps": 15.0}  # LRF altitude jumps +3 km at x = 30 m
M2 = {"lrf_valid_below_m": 900.0, "init_alt_error_m": 1100.0, "vz0_mps": -62.0}
#: RESILIENCE-class at terminal descent: ~640 kg, thrust-to-weight ~1.8 (lunar)
M2_VEHICLE = {"propellant_kg": 300.0, "max_thrust_n": 1900.0}
M2_FSW = {"vehicle": {**VEHICLE, "max_thrust_n": 1900.0}}
UNSTAMPED = {"lrf_latency_us": 2_000_000, "lrf_stamped": False}
STAMPED = {"lrf_latency_us": 2_000_000, "lrf_stamped": True}


def run(profile: str, max_s: float = 600.0, fsw_sections: Any = None, **plant: Any) -> Outcome:
    fsw = FlightSoftware(config(profile, **(fsw_sections or {})))
    return fly(IcdPlant(PlantOptions(**plant)), fsw, max_s=max_s)


@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_nominal_lands_soft(profile: str) -> None:
    o = run(profile)
    assert o.verdict == "soft", o.touchdown
    assert o.touchdown is not None and abs(o.touchdown.vz_mps) < 1.6
    assert EventCode.ENGINE_CUTOFF in o.event_codes()


def test_cliff_latches_naive_which_runs_dry_in_the_air() -> None:
    o = run("naive", max_s=1400.0, **CLIFF)
    assert o.flags_ever() & LATCHED
    assert EventCode.LRF_LATCHED_FAILED in o.event_codes()
    assert o.fuel_exhausted_at_s is not None  # propellant gone before any touchdown
    assert o.touchdown is not None and o.touchdown.t_s > o.fuel_exhausted_at_s
    assert o.verdict == "crash" and abs(o.touchdown.vz_mps) > 50


def test_cliff_robust_rebaselines_and_lands_soft() -> None:
    o = run("robust", **CLIFF)
    assert EventCode.LRF_REBASELINED in o.event_codes()
    assert not o.flags_ever() & LATCHED
    assert o.verdict == "soft", o.touchdown


def test_m2_late_lrf_and_high_state_init_crashes_naive() -> None:
    o = run("naive", fsw_sections=M2_FSW, **M2, **M2_VEHICLE)
    assert o.lrf_first_valid is not None
    alt, vz = o.lrf_first_valid
    assert 850 < alt <= 900 and vz < -55  # lower and faster than it believes
    assert o.verdict == "crash", o.touchdown
    # it took the late LRF (no latch) and braked at full thrust: too late, as on M2
    assert not o.flags_ever() & LATCHED
    assert EventCode.LRF_ACQUIRED in o.event_codes()


def test_m2_with_thrust_to_spare_naive_recovers_once_it_takes_the_lrf() -> None:
    """The same failure on a vehicle with T/W ~3.7: accepting the first fix saves it --
    M2's crash needs both the late LRF and a lander that cannot brake in 900 m."""
    o = run("naive", **M2)
    assert o.verdict == "soft", o.touchdown


def test_m2_robust_lands_soft() -> None:
    o = run("robust", fsw_sections=M2_FSW, **M2, **M2_VEHICLE)
    assert o.lrf_first_valid is not None and o.lrf_first_valid[1] > -45  # braked earlier
    assert o.verdict == "soft", o.touchdown


@pytest.mark.parametrize("latency", [UNSTAMPED, STAMPED], ids=["unstamped", "stamped"])
def test_robust_handles_2s_lrf_latency(latency: dict[str, Any]) -> None:
    o = run("robust", **latency)
    assert o.verdict == "soft", o.touchdown


@pytest.mark.parametrize(
    ("plant", "fsw"),
    [
        ({"max_thrust_n": 3000.0}, {"vehicle": {**VEHICLE, "max_thrust_n": 3000.0}}),
        (
            {"max_thrust_n": 4500.0, "min_throttle": 0.2},
            {"vehicle": {**VEHICLE, "max_thrust_n": 4500.0, "min_throttle": 0.2}},
        ),
        ({"engine_lag_s": 0.25, "imu_every": 2, "attitude_every": 10, "lrf_every": 20}, {}),
        ({"lrf_mount_tilt_rad": 0.3}, {"lrf": {"mount_tilt_rad": 0.3}}),
        ({"velocimeter_every": 10, "vx0_mps": -20.0, "seed": 4}, {}),
        ({"alt0_m": 2000.0, "vz0_mps": -40.0, "probe_m": 0.5, "imu_bias_mps2": 0.005}, {}),
    ],
    ids=["3kN", "4.5kN", "lag-slow-sensors", "lrf-mount", "velocimeter", "low-start"],
)
@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_plausible_plants_land_soft(profile: str, plant: dict, fsw: dict) -> None:
    o = run(profile, fsw_sections=fsw, **plant)
    assert o.verdict == "soft", o.touchdown
