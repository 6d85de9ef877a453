"""IMU: incremental Δv and Δθ in the body frame over each interval (ICD 0x100).

Δv is the specific force (non-gravitational acceleration) integrated over the interval:
the plant accumulates it in the body frame (``Truth.sf_dv_body_*``), so the IMU's Δv is
the exact difference between samples. At rest on level ground that is (g·Δt, 0, 0).
Δθ_y = θ(t) − θ(t − Δt) (rate about +Y is positive when the tilt grows); Δθ_x = Δθ_z = 0.
Errors (LN-200 class): white noise (velocity/angle random walk, σ = density·√Δt) plus a
Gauss–Markov bias integrated over the interval. Optional per-axis saturation clips the
mean rate over the interval and sets status bit1.
"""

from __future__ import annotations

import math

from harness.plant.state import Truth
from harness.sensors.config import G0_MPS2, ImuConfig
from harness.sensors.noise import ErrorStream, rng_for
from packets import Imu, ImuStatus

_new_tuple = tuple.__new__
_VALID = int(ImuStatus.VALID)
_SATURATED = int(ImuStatus.SATURATED)


class InertialUnit:
    """Differences the plant's accumulated specific force and tilt into IMU packets."""

    name = "imu"

    def __init__(self, config: ImuConfig, seed: int, *, noise: bool = True) -> None:
        self.period_us = config.period_us
        dt_s = config.period_us / 1e6
        self._errors: ErrorStream | None = None
        if noise:
            accel_white = config.accel_noise_ug_per_rthz * 1e-6 * G0_MPS2 * math.sqrt(dt_s)
            gyro_white = math.radians(config.gyro_arw_deg_per_rthr) / 60.0 * math.sqrt(dt_s)
            accel_bias = config.accel_bias_ug * 1e-6 * G0_MPS2
            gyro_bias = math.radians(config.gyro_bias_deg_per_hr) / 3600.0
            self._errors = ErrorStream(
                rng_for(seed, "sensor:imu"),
                dt_s,
                [accel_white] * 3 + [gyro_white] * 3,
                [accel_bias] * 3 + [gyro_bias] * 3,
                [config.accel_bias_tau_s] * 3 + [config.gyro_bias_tau_s] * 3,
            )
        self._accel_sat = config.accel_saturation_mps2
        self._gyro_sat = math.radians(config.gyro_saturation_dps)
        self._last: Truth | None = None
        #: the current block of errors, one list per channel, and the next row in it
        self._cols: list[list[float]] = [[]]
        self._row = 0

    def sample(self, truth: Truth) -> Imu | None:
        last = self._last
        self._last = truth  # immutable: the next sample differences against it
        if last is None:
            return None  # the first call only opens the integration interval
        interval_us = truth.t_us - last.t_us
        errors = self._errors
        if errors is None:
            e0 = e1 = e2 = e3 = e4 = e5 = 0.0
        else:  # errors.next(), walked here by column (one call per block, not per sample)
            i = self._row
            cols = self._cols
            if i >= len(cols[0]):
                cols = self._cols = errors.columns()
                i = 0
            self._row = i + 1
            c0, c1, c2, c3, c4, c5 = cols
            e0, e1, e2, e3, e4, e5 = c0[i], c1[i], c2[i], c3[i], c4[i], c5[i]
        dvx = truth.sf_dv_body_x - last.sf_dv_body_x + e0
        dvz = truth.sf_dv_body_z - last.sf_dv_body_z + e2
        dthy = truth.tilt_rad - last.tilt_rad + e4
        if not (self._accel_sat or self._gyro_sat):
            return _new_tuple(Imu, (dvx, e1, dvz, e3, dthy, e5, interval_us, _VALID))
        dt_s = interval_us / 1e6
        dv = [dvx, e1, dvz]
        dth = [e3, dthy, e5]
        status = _VALID
        if _clip(dv, self._accel_sat * dt_s) | _clip(dth, self._gyro_sat * dt_s):
            status |= _SATURATED
        return Imu(dv[0], dv[1], dv[2], dth[0], dth[1], dth[2], interval_us, status)


def _clip(values: list[float], limit: float) -> bool:
    """Clip each value to ±limit in place (limit 0 = none); True when any was clipped."""
    if limit <= 0.0:
        return False
    clipped = False
    for i, v in enumerate(values):
        if abs(v) > limit:
            values[i] = math.copysign(limit, v)
            clipped = True
    return clipped
