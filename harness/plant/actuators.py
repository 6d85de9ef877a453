"""The main engine and the attitude actuator, each exact (closed form) within one plant step.

Both hold their command over the step, so their outputs are known functions of the time
t in [0, dt] since the step began; the integrator samples them at its RK4 nodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSpec:
    max_thrust_n: float
    min_throttle: float  # a commanded throttle below this, engine on, is raised to it
    isp_s: float
    engine_lag_s: float  # first-order time constant tau; 0 = instantaneous
    thrust_slew_n_per_s: float  # |dT/dt| limit; 0 = unlimited


class ThrustProfile:
    """Thrust over one step toward a held command T_c, from T_0.

    dT/dt = clip((T_c - T)/tau, -S, +S): with gap G = |T_c - T|, the engine slews at S
    while G > S tau, i.e. until t_r = (G_0 - S tau)/S, then G(t) = G(t_r) exp(-(t - t_r)/tau).
    tau = 0: a pure slew (G = G_0 - S t); S = 0 (unlimited): a pure lag (t_r = 0);
    both 0: T = T_c from the step's start. T is 0 after ``t_cut`` (propellant gone).
    """

    __slots__ = ("gap0", "sign", "slew", "t_cut", "t_ramp", "target", "tau")

    def __init__(self, t0_n: float, target_n: float, tau_s: float, slew_n_per_s: float) -> None:
        self.target = target_n
        diff = target_n - t0_n
        self.sign = 1.0 if diff >= 0.0 else -1.0
        # an instantaneous engine (no lag, no slew limit) is at its command from t = 0
        self.gap0 = abs(diff) if (tau_s > 0.0 or slew_n_per_s > 0.0) else 0.0
        self.tau = tau_s
        self.slew = slew_n_per_s
        if slew_n_per_s > 0.0:
            self.t_ramp = max(0.0, (self.gap0 - slew_n_per_s * tau_s) / slew_n_per_s)
        else:
            self.t_ramp = 0.0
        self.t_cut = math.inf

    def at(self, t: float) -> float:
        if t > self.t_cut:
            return 0.0
        gap0 = self.gap0
        if gap0 == 0.0:
            return self.target
        if t <= self.t_ramp:
            gap = gap0 - self.slew * t
        else:
            gap_r = gap0 - self.slew * self.t_ramp if self.slew > 0.0 else gap0
            gap = gap_r * math.exp(-(t - self.t_ramp) / self.tau) if self.tau > 0.0 else 0.0
        return self.target - self.sign * gap


@dataclass(frozen=True)
class AttitudeSpec:
    max_rate_radps: float
    max_accel_radps2: float


#: the braking curve plans with this fraction of the acceleration limit (margin for the
#: one-step lag of a sampled controller, so it does not overshoot)
_BRAKING_MARGIN = 0.9
#: near the target the rate command is linear in the error with this time constant, in
#: plant steps; >= 4 steps makes the sampled loop's poles real (no ringing, no chatter)
_LINEAR_STEPS = 4.0


def tilt_accel(
    spec: AttitudeSpec, tilt_rad: float, rate_radps: float, cmd_rad: float, dt_s: float
) -> float:
    """Angular acceleration to hold over the next step (bang-bang with a braking curve).

    Rate command w*(e) = sign(e) min(w_max, sqrt(2 a |e| + (a tau)^2) - a tau), with
    e = cmd - tilt, a = k a_max and tau = 4 dt: the time-optimal braking curve
    sqrt(2 a |e|) far from the target, bending into a linear law |e|/tau near it. Following
    it needs a deceleration w dw*/de = a w/(w + a tau) < a -- never more than the margin
    allows, so it does not overshoot. alpha = clip((w* - w)/dt, -a_max, a_max): the rate
    after the step lies between w and w*, so |w| never exceeds w_max, and the sampled
    loop's linear tail (tau = 4 dt, real poles) settles without chattering.
    """
    e = cmd_rad - tilt_rad
    a = _BRAKING_MARGIN * spec.max_accel_radps2
    a_tau = a * _LINEAR_STEPS * dt_s
    w_des = min(spec.max_rate_radps, math.sqrt(2.0 * a * abs(e) + a_tau * a_tau) - a_tau)
    if e < 0.0:
        w_des = -w_des
    alpha = (w_des - rate_radps) / dt_s
    a_max = spec.max_accel_radps2
    return a_max if alpha > a_max else (-a_max if alpha < -a_max else alpha)
