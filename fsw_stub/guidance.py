"""Terminal-descent guidance: the velocity-versus-altitude schedule.

Above ``h_final`` the commanded descent rate follows a constant-deceleration profile
that reaches ``v_final`` at ``h_final``; below it the vehicle descends at ``v_final``
until the contact probe touches:

    vz_target(h) = -min(v_max, sqrt(v_final² + 2 decel (h - h_final)))   h > h_final
    vz_target(h) = -v_final                                              h <= h_final

Flown as a velocity loop with the schedule's own deceleration as feed-forward
(``d|vz_target|/dt = -decel`` while on the curve).
"""

from __future__ import annotations

import math

from fsw_stub.config import ScheduleConfig


def vz_schedule(h: float, s: ScheduleConfig) -> tuple[float, float]:
    """(vz_target m/s, +up; feed-forward vertical acceleration m/s², +up) at altitude h."""
    if h <= s.h_final_m:
        return -s.v_final_mps, 0.0
    v = math.sqrt(s.v_final_mps * s.v_final_mps + 2.0 * s.decel_mps2 * (h - s.h_final_m))
    if v >= s.v_max_mps:
        return -s.v_max_mps, 0.0
    return -v, s.decel_mps2


def vertical_accel_cmd(vz_target: float, a_ff: float, vz: float, k_vz: float) -> float:
    """Commanded vertical (non-gravitational + gravity-compensated) acceleration, +up."""
    return k_vz * (vz_target - vz) + a_ff


def horizontal_accel_cmd(vx: float, k_vx: float, max_ax: float) -> float:
    """Horizontal-velocity nulling: a_x = -k vx, limited."""
    return max(-max_ax, min(max_ax, -k_vx * vx))
