"""Doppler velocimeter (the IM-1 NDL-style backup): world-frame velocity (ICD 0x103).

Valid (bit0) while the altitude is at most ``max_alt_m``; each axis + N(0, noise_mps²);
invalid samples carry zeros. The planar plant has no y motion: vy is noise only.
"""

from __future__ import annotations

from harness.plant.state import Truth
from harness.sensors.config import VelocimeterConfig
from harness.sensors.noise import NormalStream, rng_for
from packets import Velocimeter


class DopplerVelocimeter:
    name = "velocimeter"

    def __init__(self, config: VelocimeterConfig, seed: int, *, noise: bool = True) -> None:
        self.period_us = config.period_us
        self._sigma = config.noise_mps if noise else 0.0
        self._max_alt = config.max_alt_m
        self._normal = NormalStream(rng_for(seed, "sensor:velocimeter"))

    def sample(self, truth: Truth) -> Velocimeter:
        if truth.alt_m > self._max_alt:
            return Velocimeter(0.0, 0.0, 0.0, 0)
        s = self._sigma
        if not s:
            return Velocimeter(truth.vx_mps, 0.0, truth.vz_mps, 1)
        n = self._normal.next
        return Velocimeter(truth.vx_mps + s * n(), s * n(), truth.vz_mps + s * n(), 1)
