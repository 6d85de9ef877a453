"""Powered-descent braking from ~20 km at orbital speed to the high gate, then the pitch-up.

Braking (phase 5) is explicit guidance after Cherry's E-guidance (1964; the Apollo LM's
braking-phase law is its quadratic-in-time sibling): every cycle the vertical
acceleration is the profile linear in time that reaches the gate's height h_T and
vertical speed vz_T in t_go, evaluated now,

    a_z = 6 (h_T - h - vz t_go) / t_go^2 - 2 (vz_T - vz) / t_go          (total)
    a_z,thrust = clip(a_z - A_z, 0, a_max)          a_max = throttle T_max / m

where A_z is the field's own vertical acceleration in the local frame (flat: -g; central:
v_x^2 / r - mu / r^2, the centrifugal term being 102 % of g at orbital speed). The rest
of the thrust brakes the horizontal speed, retrograde:

    a_x = -sign(v_x) sqrt(a_max^2 - a_z,thrust^2)        tilt = atan2(a_x, a_z,thrust)

and t_go is the time the horizontal braking needs at the thrust left over from holding
the field's weight, t_go = (|v_x| - vx_T) / sqrt(a_max^2 - max(-A_z, 0)^2), clamped to
[min_tgo_s, max_tgo_s]. It depends on the horizontal state alone: a t_go that fed the
vertical error back (the last cycle's a_x, or a t_go solving |demand| = a_max, which has
several roots) makes the loop swing between them near the gate. In the last
``velocity_only_tgo_s`` the position term is dropped (a_z = (vz_T - vz) / t_go:
E-guidance's 6 D / t_go^2 would take all the thrust for a few metres of height error and
stop the horizontal braking), and the vertical share of the thrust never exceeds
``max_vertical_frac``, so the horizontal speed always falls. The throttle is held at
``braking.throttle`` (a margin below full). Braking ends when |v_x| <= vx_T; the pitch-up
(phase 6) then rotates the thrust axis toward the vertical at the tilt-rate limit while
the terminal velocity loop holds the descent (the tilt limit shrinks one rate step a
cycle down to ``limits.max_tilt_deg``), and the terminal phases (DESCENT, FINAL) take
over from there.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from fsw_stub.config import BrakingConfig


class BrakingCommand(NamedTuple):
    throttle: float
    pitch_rad: float
    #: |a_x| of this cycle, m/s^2
    ax_mps2: float
    t_go_s: float


def e_guidance_accel(h: float, vz: float, h_target: float, vz_target: float, t_go: float) -> float:
    """Total vertical acceleration now of the linear-in-time profile reaching the target."""
    return 6.0 * (h_target - h - vz * t_go) / (t_go * t_go) - 2.0 * (vz_target - vz) / t_go


def field_accel_z(h: float, vx: float, g: float, mu: float, radius_m: float) -> float:
    """A_z: the field's vertical acceleration in the local frame (radius 0: flat)."""
    if radius_m <= 0.0:
        return -g
    r = radius_m + h
    return (vx * vx - mu / r) / r


def braking_command(
    b: BrakingConfig,
    *,
    h: float,
    vz: float,
    vx: float,
    mass_kg: float,
    max_thrust_n: float,
    a_field_z: float,
    prev_pitch_rad: float,
    max_tilt_step_rad: float,
) -> BrakingCommand:
    """Throttle and tilt for one braking cycle (see the module docstring)."""
    a_max = b.throttle * max_thrust_n / mass_kg
    weight = max(-a_field_z, 0.0)
    a_h = math.sqrt(max(a_max * a_max - weight * weight, 1e-6))
    t_go = (abs(vx) - b.vx_gate_mps) / a_h
    t_go = min(max(t_go, b.min_tgo_s), b.max_tgo_s)
    if t_go > b.velocity_only_tgo_s:
        az_total = e_guidance_accel(h, vz, b.h_gate_m, -b.vz_gate_mps, t_go)
    else:  # the last seconds: the gate's vertical speed only (no 1/t_go^2 position term)
        az_total = (-b.vz_gate_mps - vz) / t_go
    az = min(max(az_total - a_field_z, 0.0), b.max_vertical_frac * a_max)
    ax = math.sqrt(max(a_max * a_max - az * az, 0.0))
    want = math.atan2(-ax if vx >= 0.0 else ax, az)
    step = max(-max_tilt_step_rad, min(max_tilt_step_rad, want - prev_pitch_rad))
    return BrakingCommand(b.throttle, prev_pitch_rad + step, ax, t_go)


def pitch_up_tilt_limit(prev_pitch_rad: float, max_tilt_step_rad: float, floor_rad: float) -> float:
    """The pitch-up's tilt limit: one rate step closer to the vertical a cycle, to the floor."""
    return max(floor_rad, abs(prev_pitch_rad) - max_tilt_step_rad)
