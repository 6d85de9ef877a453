"""Thrust allocation with vertical priority, tilt and tilt-rate limits.

The vertical force comes first: ``F_z = m (g + a_z)`` within [0, T_max]. Horizontal
force gets what is left of the thrust circle, and never more than the tilt limit
allows: ``|F_x| <= min(sqrt(T_max² - F_z²), F_z tan(tilt_max))``. The tilt command
``θ = atan2(F_x, F_z)`` is rate limited, then clamped to the tilt limit, and the thrust
is sized so the vertical component is what was asked for at the *commanded* tilt:
``T = F_z / cos θ`` (saturated at T_max). Throttle = T / T_max within
[min_throttle, 1] (engine_on=1 in flight: min throttle is the floor, not zero).
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Allocation(NamedTuple):
    throttle: float
    pitch_rad: float


def allocate(
    mass_kg: float,
    g: float,
    az_cmd: float,
    ax_cmd: float,
    *,
    max_thrust_n: float,
    min_throttle: float,
    tilt_limit_rad: float,
    prev_pitch_rad: float,
    max_tilt_step_rad: float,
) -> Allocation:
    """Throttle and tilt for commanded vertical/horizontal accelerations (m/s², +up/+x)."""
    fz = min(max(mass_kg * (g + az_cmd), 0.0), max_thrust_n)
    fx_room = min(
        math.sqrt(max(max_thrust_n * max_thrust_n - fz * fz, 0.0)), fz * math.tan(tilt_limit_rad)
    )
    fx = max(-fx_room, min(fx_room, mass_kg * ax_cmd))
    want = math.atan2(fx, fz) if fz > 0.0 else 0.0
    step = max(-max_tilt_step_rad, min(max_tilt_step_rad, want - prev_pitch_rad))
    pitch = max(-tilt_limit_rad, min(tilt_limit_rad, prev_pitch_rad + step))
    thrust = min(fz / math.cos(pitch), max_thrust_n)
    throttle = max(min_throttle, min(1.0, thrust / max_thrust_n))
    return Allocation(throttle, pitch)
