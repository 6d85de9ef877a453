"""Star tracker: the body-to-world attitude quaternion (ICD 0x102, §5).

The body-to-world rotation is about world +y by φ = θ − π/2, so
q = (cos(φ/2), 0, sin(φ/2), 0); at θ = 0 that is (0.70711, 0, −0.70711, 0).
Noise: θ + N(0, noise_rad²) before the conversion (the quaternion stays unit).
"""

from __future__ import annotations

import math

from harness.plant.state import Truth
from harness.sensors.config import AttitudeConfig
from harness.sensors.noise import NormalStream, rng_for
from packets import Attitude

_HALF_PI = 0.5 * math.pi
#: builds a NamedTuple from a tuple of its fields without its Python ``__new__`` frame
_new_tuple = tuple.__new__


def quaternion_of_tilt(tilt_rad: float) -> tuple[float, float, float, float]:
    half = 0.5 * (tilt_rad - _HALF_PI)
    return (math.cos(half), 0.0, math.sin(half), 0.0)


def tilt_of_quaternion(q_w: float, q_y: float) -> float:
    """The inverse of ``quaternion_of_tilt`` (exact for −π/2 < θ < 3π/2)."""
    return 2.0 * math.atan2(q_y, q_w) + _HALF_PI


class StarTracker:
    name = "attitude"

    def __init__(self, config: AttitudeConfig, seed: int, *, noise: bool = True) -> None:
        self.period_us = config.period_us
        self._sigma = config.noise_rad if noise else 0.0
        self._normal = NormalStream(rng_for(seed, "sensor:attitude"))

    def sample(self, truth: Truth) -> Attitude:
        tilt = truth.tilt_rad
        if self._sigma:
            tilt += self._sigma * self._normal.next()
        half = 0.5 * (tilt - _HALF_PI)
        return _new_tuple(Attitude, (math.cos(half), 0.0, math.sin(half), 0.0, 1))
