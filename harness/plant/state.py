"""The plant's truth as the rest of the harness sees it (shared by sensors, faults, session).

World frame (ICD §5): x downrange, z up, origin on the terrain datum under the vehicle at
t = 0. Tilt θ is the thrust axis (body +X) from the local vertical, + toward +x.
"""

from __future__ import annotations

from typing import NamedTuple


class Truth(NamedTuple):
    """The lander's true state at one plant step (integer sim time)."""

    t_us: int
    x_m: float
    z_m: float  # height of the footpad plane above the datum
    alt_m: float  # height of the footpad plane above the terrain directly below
    vx_mps: float
    vz_mps: float
    tilt_rad: float
    tilt_rate_radps: float
    mass_kg: float
    thrust_n: float  # actual (lagged) thrust
    throttle_cmd: float  # commanded throttle held this step (0 when the engine is off)
    engine_on: bool
    #: accumulated specific-force delta-v in the body frame since t = 0 (m/s); the IMU
    #: differences these between samples, so its dv is the exact integral
    sf_dv_body_x: float
    sf_dv_body_z: float
    landed: bool


class Touchdown(NamedTuple):
    """The state at the instant the footpad plane met the terrain (bisected in the step)."""

    t_s: float
    vz_mps: float  # ICD axes: negative when descending
    vx_mps: float
    tilt_deg: float
    tilt_rate_dps: float
    propellant_kg: float
    #: the ground's local slope under the footpads, degrees (+ rising toward +x)
    slope_deg: float = 0.0
