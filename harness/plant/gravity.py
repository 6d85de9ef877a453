"""Gravity models: the field's part of the lander's equations of motion (ICD §5 frames).

The state is always (x downrange, z up, v_x, v_z) in the *local* frame at the vehicle:
x along the local horizontal, z along the local vertical. A model gives the kinematic
rate of x and the non-thrust accelerations (``rates``); the integrator adds the thrust.

``FlatGravity`` -- a flat Moon, g uniform (terminal descent: fine below ~3 km and
~300 m/s, docs/facts.md "Flat-Moon error"):

    x' = v_x        A_x = 0        A_z = -g

``CentralGravity`` -- planar polar dynamics about a point mass mu at the centre of a
sphere of radius R (the datum). z is the height above the datum, r = R + z; x = R phi is
the arc length along the datum (terrain is a function of it); v_x = r phi' is the local
horizontal velocity and v_z = r' the local vertical one. From r'' - r phi'^2 = a_r - mu/r^2
and (r^2 phi')' / r = a_h:

    x' = R v_x / r   A_x = -v_x v_z / r   A_z = v_x^2 / r - mu / r^2

With the engine off it conserves the specific energy (v_x^2 + v_z^2)/2 - mu/r and the
specific angular momentum r v_x (``specific_energy``, ``angular_momentum``).

The sensors see the central plant in the same local frame, so the ICD keeps its meaning
(altitude and horizontal velocity along the local vertical / horizontal; tilt from the
local vertical, held there by the attitude actuator). Two approximations, both small
where they matter: the LRF ray-marches the terrain as a profile in the local frame (the
datum falls d^2 / 2R below the tangent at a horizontal offset d: 1.2 m at 3.5 km up and
30 deg of tilt, 0.03 % of the range, under the LRF's 0.5 % noise), and the IMU's and
star tracker's attitude is relative to the local level (the frame turns at v_x / r,
0.055 deg/s at orbital speed; the stub does not use the gyro).
"""

from __future__ import annotations

from typing import Protocol

G0_MPS2 = 9.80665
MOON_G_MPS2 = 1.62
MOON_MU_M3PS2 = 4.9028e12
MOON_RADIUS_M = 1_737_400.0


class Gravity(Protocol):
    #: True when the field is uniform and x' = v_x (lets a fast path skip ``rates``)
    uniform: bool

    def rates(self, z_m: float, vx_mps: float, vz_mps: float) -> tuple[float, float, float, float]:
        """(x', z', A_x, A_z): kinematic rates and non-thrust accelerations, local frame."""
        ...

    def weight(self, z_m: float) -> float:
        """|g| at height z at rest (what the ground pushes back with, per unit mass)."""
        ...


class FlatGravity:
    """g = (0, -g_mps2) everywhere; x' = v_x."""

    uniform = True

    def __init__(self, g_mps2: float = MOON_G_MPS2) -> None:
        self.g_mps2 = g_mps2
        self._gz = -g_mps2

    def rates(self, z_m: float, vx_mps: float, vz_mps: float) -> tuple[float, float, float, float]:
        return vx_mps, vz_mps, 0.0, self._gz

    def weight(self, z_m: float) -> float:
        return self.g_mps2


class CentralGravity:
    """Point mass mu under a datum sphere of radius R; polar dynamics in the local frame."""

    uniform = False

    def __init__(self, mu_m3ps2: float = MOON_MU_M3PS2, radius_m: float = MOON_RADIUS_M) -> None:
        self.mu_m3ps2 = mu_m3ps2
        self.radius_m = radius_m

    def rates(self, z_m: float, vx_mps: float, vz_mps: float) -> tuple[float, float, float, float]:
        inv_r = 1.0 / (self.radius_m + z_m)
        return (
            self.radius_m * vx_mps * inv_r,
            vz_mps,
            -vx_mps * vz_mps * inv_r,
            (vx_mps * vx_mps - self.mu_m3ps2 * inv_r) * inv_r,
        )

    def weight(self, z_m: float) -> float:
        r = self.radius_m + z_m
        return self.mu_m3ps2 / (r * r)

    def specific_energy(self, z_m: float, vx_mps: float, vz_mps: float) -> float:
        return 0.5 * (vx_mps * vx_mps + vz_mps * vz_mps) - self.mu_m3ps2 / (self.radius_m + z_m)

    def angular_momentum(self, z_m: float, vx_mps: float) -> float:
        return (self.radius_m + z_m) * vx_mps

    def circular_speed(self, z_m: float) -> float:
        return float((self.mu_m3ps2 / (self.radius_m + z_m)) ** 0.5)
