"""Gravity models: the acceleration at a point of the planar world frame (ICD §5).

``FlatGravity`` is uniform (terminal descent: fine below ~3 km and ~300 m/s, docs/facts.md).
``CurvedMoonGravity`` is the point-mass field mu/r^2 of a Moon whose centre lies at
(0, -R) under the origin, for descents from orbit; it is position dependent, so the
integrator evaluates it at every RK4 stage.
"""

from __future__ import annotations

import math
from typing import Protocol

G0_MPS2 = 9.80665
MOON_G_MPS2 = 1.62
MOON_MU_M3PS2 = 4.9028e12
MOON_RADIUS_M = 1_737_400.0


class Gravity(Protocol):
    #: True when the field does not depend on position (lets the integrator skip calls)
    uniform: bool

    def accel(self, x_m: float, z_m: float) -> tuple[float, float]:
        """(g_x, g_z) in m/s^2 at (x, z)."""
        ...


class FlatGravity:
    """g = (0, -g_mps2) everywhere."""

    uniform = True

    def __init__(self, g_mps2: float = MOON_G_MPS2) -> None:
        self.g_mps2 = g_mps2
        self._a = (0.0, -g_mps2)

    def accel(self, x_m: float, z_m: float) -> tuple[float, float]:
        return self._a


class CurvedMoonGravity:
    """g = -mu r_vec / |r|^3 with r_vec = (x, R + z) from the Moon's centre."""

    uniform = False

    def __init__(self, mu_m3ps2: float = MOON_MU_M3PS2, radius_m: float = MOON_RADIUS_M) -> None:
        self.mu_m3ps2 = mu_m3ps2
        self.radius_m = radius_m

    def accel(self, x_m: float, z_m: float) -> tuple[float, float]:
        rz = self.radius_m + z_m
        r2 = x_m * x_m + rz * rz
        k = -self.mu_m3ps2 / (r2 * math.sqrt(r2))
        return (k * x_m, k * rz)
