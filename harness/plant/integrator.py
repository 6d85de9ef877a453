"""The plant's one integrator: classic RK4 over one plant step, actuators at its nodes.

State y = (x, z, v_x, v_z, m, s) in the local frame at the vehicle (ICD §5): x downrange,
z up, v_x / v_z along the local horizontal / vertical, mass m, and s the specific force
accumulated along body +X (what the IMU differences). Thrust T along body +X, tilt theta
from the local vertical (+ toward +x), flow q = 1 / (Isp g0):

    x' = X(z, v_x)            v_x' = T sin(theta) / m + A_x(z, v_x, v_z)
    z' = v_z                  v_z' = T cos(theta) / m + A_z(z, v_x, v_z)
    m' = -q T                 s'   = T / m

The gravity model (harness.plant.gravity) supplies X, A_x and A_z through ``rates``:
flat (X = v_x, A = (0, -g)) and central (polar mu/r^2, x the arc length) share every line
below. Over a step the commands are held, so T(t) (``ThrustProfile``) and
theta(t) = theta_0 + w_0 t + alpha t^2 / 2 are closed form and sampled at the RK4 nodes
t_a (start), t_m (middle) and t_b (end):

    k1 = f(t_a, y)   k2 = f(t_m, y + h/2 k1)   k3 = f(t_m, y + h/2 k2)   k4 = f(t_b, y + h k3)
    y(t + h) = y + h/6 (k1 + 2 k2 + 2 k3 + k4)

``span`` integrates a sub-interval [ta, tb] of a step (one RK4 step over it), ``through``
from the step's start to t across a propellant cut-off -- what event location bisects.
"""

from __future__ import annotations

import math

from harness.plant.actuators import ThrustProfile
from harness.plant.gravity import Gravity

#: (x, z, v_x, v_z, m, s)
State = tuple[float, float, float, float, float, float]
#: the tilt over a step: (theta_0, w_0, alpha), alpha held
TiltMotion = tuple[float, float, float]


def trig(angle: float) -> tuple[float, float]:
    return math.sin(angle), math.cos(angle)


class Integrator:
    """RK4 of the lander's equations for one engine (its flow) in one gravity field."""

    __slots__ = ("field", "flow", "rates")

    def __init__(self, flow_kg_per_ns: float, field: Gravity) -> None:
        self.flow = flow_kg_per_ns
        self.field = field
        self.rates = field.rates

    def rk4(
        self,
        y: State,
        h: float,
        t_a: float,
        t_m: float,
        t_b: float,
        sa: float,
        ca: float,
        sm: float,
        cm: float,
        sb: float,
        cb: float,
    ) -> State:
        """One RK4 step of length h, with thrust and (sin, cos) of the tilt at t_a, t_m, t_b."""
        q = self.flow
        rates = self.rates
        x, z, vx, vz, m, s = y
        h2 = 0.5 * h

        dx1, dz1, gx, gz = rates(z, vx, vz)
        a1 = t_a / m
        k1vx, k1vz, k1m = a1 * sa + gx, a1 * ca + gz, -t_a * q

        m2 = m + h2 * k1m
        vx2, vz2 = vx + h2 * k1vx, vz + h2 * k1vz
        dx2, dz2, gx, gz = rates(z + h2 * dz1, vx2, vz2)
        a2 = t_m / m2
        k2vx, k2vz, k2m = a2 * sm + gx, a2 * cm + gz, -t_m * q

        m3 = m + h2 * k2m
        vx3, vz3 = vx + h2 * k2vx, vz + h2 * k2vz
        dx3, dz3, gx, gz = rates(z + h2 * dz2, vx3, vz3)
        a3 = t_m / m3
        k3vx, k3vz = a3 * sm + gx, a3 * cm + gz

        m4 = m - h * t_m * q
        vx4, vz4 = vx + h * k3vx, vz + h * k3vz
        dx4, dz4, gx, gz = rates(z + h * dz3, vx4, vz4)
        a4 = t_b / m4
        k4vx, k4vz = a4 * sb + gx, a4 * cb + gz

        h6 = h / 6.0
        return (
            x + h6 * (dx1 + 2.0 * dx2 + 2.0 * dx3 + dx4),
            z + h6 * (dz1 + 2.0 * dz2 + 2.0 * dz3 + dz4),
            vx + h6 * (k1vx + 2.0 * k2vx + 2.0 * k3vx + k4vx),
            vz + h6 * (k1vz + 2.0 * k2vz + 2.0 * k3vz + k4vz),
            m - h6 * q * (t_a + 4.0 * t_m + t_b),
            s + h6 * (a1 + 2.0 * a2 + 2.0 * a3 + a4),
        )

    def span(self, y: State, ta: float, tb: float, prof: ThrustProfile, tilt: TiltMotion) -> State:
        """One RK4 step over [ta, tb] (times since the step's start), sampling the actuators."""
        if tb <= ta:
            return y
        th0, w0, alpha = tilt
        tm = 0.5 * (ta + tb)
        if prof.t_cut <= ta:  # after the cut-off: no thrust at any node
            t_a = t_m = t_b = 0.0
        else:
            t_a, t_m, t_b = prof.at(ta), prof.at(tm), prof.at(tb)
        sa, ca = trig(th0 + (w0 + 0.5 * alpha * ta) * ta)
        sm, cm = trig(th0 + (w0 + 0.5 * alpha * tm) * tm)
        sb, cb = trig(th0 + (w0 + 0.5 * alpha * tb) * tb)
        return self.rk4(y, tb - ta, t_a, t_m, t_b, sa, ca, sm, cm, sb, cb)

    def through(self, y0: State, t: float, prof: ThrustProfile, tilt: TiltMotion) -> State:
        """From the step's start to t, split at the propellant cut-off if it lies inside."""
        if prof.t_cut < t:
            y = self.span(y0, 0.0, prof.t_cut, prof, tilt)
            return self.span(y, prof.t_cut, t, prof, tilt)
        return self.span(y0, 0.0, t, prof, tilt)
