"""Laser rangefinder: slant range along the tilted boresight (ICD 0x101, §5).

The boresight is body −X tilted by the mounting angle about +Y, so its tilt from the
vertical is ψ = θ + mount_tilt_rad and it points along world (−sin ψ, −cos ψ) from the
footpad plane at (x_m, z_m); on level ground range = alt / cos ψ. The terrain ray-marches.

Per measurement (meas_id +1 each, wrapping at 2¹⁶):
* no target within max_range_m: status no_return, range 0, quality 0; acquisition restarts
* target closer than min_range_m: status 0 (invalid), range 0; acquisition restarts
* otherwise a good return, range + N(0, (noise_frac·range + noise_m)²), quality
  min(255, q_max·(max_range/range)²) (signal ∝ 1/range²); "acquiring" (bit2, range 0)
  until n_good_to_valid consecutive good returns, then "valid" (bit0).
"""

from __future__ import annotations

from typing import Protocol

from harness.plant.state import Truth
from harness.sensors.config import LrfConfig
from harness.sensors.noise import NormalStream, rng_for
from packets import Lrf, LrfStatus

#: builds a NamedTuple from a tuple of its fields without its Python ``__new__`` frame
_new_tuple = tuple.__new__
_VALID = int(LrfStatus.VALID)
_NO_RETURN = int(LrfStatus.NO_RETURN)
_ACQUIRING = int(LrfStatus.ACQUIRING)


class RangeTarget(Protocol):
    """What the LRF needs of the terrain (harness.plant's Terrain implements it)."""

    def ray_range(self, x_m: float, z_m: float, psi_rad: float, max_range_m: float) -> float | None:
        """Distance from (x_m, z_m) along (−sin ψ, −cos ψ) to the surface; None beyond."""
        ...


class Rangefinder:
    name = "lrf"

    def __init__(
        self, config: LrfConfig, seed: int, terrain: RangeTarget, *, noise: bool = True
    ) -> None:
        self.period_us = config.period_us
        self._terrain = terrain
        self._mount = config.mount_tilt_rad
        self._min = config.min_range_m
        self._max = config.max_range_m
        self._k = config.noise_frac if noise else 0.0
        self._c = config.noise_m if noise else 0.0
        self._normal = NormalStream(rng_for(seed, "sensor:lrf"))
        self._n_good = config.n_good_to_valid
        self._q_scale = config.quality_at_max_range * config.max_range_m**2
        self._streak = 0
        self._meas_id = 0

    def sample(self, truth: Truth) -> Lrf:
        meas_id = self._meas_id
        self._meas_id = (meas_id + 1) & 0xFFFF
        r = self._terrain.ray_range(truth.x_m, truth.z_m, truth.tilt_rad + self._mount, self._max)
        if r is None or r > self._max:
            self._streak = 0
            return Lrf(0.0, _NO_RETURN, 0, meas_id)
        quality = 255 if r <= 0.0 else min(255, int(self._q_scale / (r * r) + 0.5))
        if r < self._min:
            self._streak = 0
            return Lrf(0.0, 0, quality, meas_id)
        self._streak += 1
        if self._streak < self._n_good:
            return Lrf(0.0, _ACQUIRING, quality, meas_id)
        if self._k or self._c:
            r = max(0.0, r + (self._k * r + self._c) * self._normal.next())
        return _new_tuple(Lrf, (r, _VALID, quality, meas_id))
