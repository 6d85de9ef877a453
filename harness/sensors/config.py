"""Sensor configuration: the ``[sensors]`` table of a scenario, validated into frozen objects.

``sensors_from_config(doc.table("sensors"))`` reads these keys (units in the names; every
key is optional, the defaults below are what an absent key means; unknown keys are errors):

``[sensors]``
    ``noise = true``            false switches every sensor's random noise and bias off
                                (open-loop plant validation; fault layers keep their own)
``[sensors.imu]``  incremental dv/dθ, body frame (ICD 0x100), LN-200 class
    ``enabled = true``, ``rate_hz = 100.0``, ``latency_s = 0.0``
    ``gyro_arw_deg_per_rthr = 0.07``   angle random walk, °/√h
    ``gyro_bias_deg_per_hr = 1.0``     Gauss–Markov bias, steady-state 1-σ, °/h
    ``gyro_bias_tau_s = 100.0``        its correlation time
    ``accel_noise_ug_per_rthz = 50.0`` accelerometer white noise density, µg/√Hz
    ``accel_bias_ug = 75.0``           Gauss–Markov bias, steady-state 1-σ, µg
    ``accel_bias_tau_s = 100.0``
    ``accel_saturation_mps2 = 0.0``    per-axis clip (status bit1); 0 = none
    ``gyro_saturation_dps = 0.0``      per-axis clip (status bit1); 0 = none
``[sensors.lrf]``  slant range along the tilted boresight (ICD 0x101)
    ``enabled = true``, ``rate_hz = 10.0``, ``latency_s = 0.0``
    ``min_range_m = 0.5``       closer targets read invalid (status 0, range 0)
    ``max_range_m = 10000.0``   beyond: no_return (status bit1)
    ``noise_frac = 0.005``, ``noise_m = 0.3``   σ = noise_frac·range + noise_m
    ``mount_tilt_rad = 0.0``    boresight tilt from body −X about +Y: ψ = θ + mount_tilt_rad
    ``n_good_to_valid = 3``     consecutive good returns before valid; "acquiring" meanwhile
    ``quality_at_max_range = 20``  quality = min(255, q·(max_range/range)²), 0 on no return
``[sensors.attitude]``  star tracker quaternion (ICD 0x102)
    ``enabled = true``, ``rate_hz = 10.0``, ``latency_s = 0.0``, ``noise_rad = 5e-5`` (tilt)
``[sensors.velocimeter]``  Doppler velocity, world frame (ICD 0x103), optional
    ``enabled = false``, ``rate_hz = 10.0``, ``latency_s = 0.0``, ``noise_mps = 0.05``,
    ``max_alt_m = 8000.0`` (invalid above)
``[sensors.discretes]``  contact probe (ICD 0x104)
    ``enabled = true``, ``rate_hz = 20.0``, ``latency_s = 0.0``, ``probe_length_m = 1.5``

A rate's period must be a whole number of µs and (checked with ``step_us``, or by the
``SensorSuite``) a whole number of plant steps. Latencies are rounded to plant steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from harness.config.table import ConfigTable
from harness.errors import ConfigError

#: standard gravity: the unit of µg in accelerometer specifications
G0_MPS2 = 9.80665


@dataclass(frozen=True)
class SensorCommon:
    """What every sensor has: on/off, sample period, intrinsic latency; where it was read."""

    enabled: bool
    period_us: int
    latency_s: float
    file: str = field(default="", compare=False)
    key: str = field(default="", compare=False)

    def check_step(self, step_us: int) -> None:
        """Raise a located error unless the period is a whole number of plant steps."""
        if self.enabled and self.period_us % step_us:
            raise ConfigError(
                self.file,
                f"{self.key}.rate_hz" if self.key else "rate_hz",
                f"a rate whose period is a multiple of the {step_us} µs plant step",
                f"{1e6 / self.period_us:g} Hz (period {self.period_us} µs)",
            )


@dataclass(frozen=True)
class ImuConfig(SensorCommon):
    gyro_arw_deg_per_rthr: float = 0.07
    gyro_bias_deg_per_hr: float = 1.0
    gyro_bias_tau_s: float = 100.0
    accel_noise_ug_per_rthz: float = 50.0
    accel_bias_ug: float = 75.0
    accel_bias_tau_s: float = 100.0
    accel_saturation_mps2: float = 0.0
    gyro_saturation_dps: float = 0.0


@dataclass(frozen=True)
class LrfConfig(SensorCommon):
    min_range_m: float = 0.5
    max_range_m: float = 10_000.0
    noise_frac: float = 0.005
    noise_m: float = 0.3
    mount_tilt_rad: float = 0.0
    n_good_to_valid: int = 3
    quality_at_max_range: int = 20


@dataclass(frozen=True)
class AttitudeConfig(SensorCommon):
    noise_rad: float = 5e-5


@dataclass(frozen=True)
class VelocimeterConfig(SensorCommon):
    noise_mps: float = 0.05
    max_alt_m: float = 8000.0


@dataclass(frozen=True)
class DiscretesConfig(SensorCommon):
    probe_length_m: float = 1.5


@dataclass(frozen=True)
class SensorsConfig:
    imu: ImuConfig
    lrf: LrfConfig
    attitude: AttitudeConfig
    velocimeter: VelocimeterConfig
    discretes: DiscretesConfig
    noise: bool = True

    def check_step(self, step_us: int) -> None:
        for s in (self.imu, self.lrf, self.attitude, self.velocimeter, self.discretes):
            s.check_step(step_us)


def _common(t: ConfigTable, *, enabled: bool, rate_hz: float) -> tuple[bool, int, float, str, str]:
    """(enabled, period_us, latency_s, file, key): SensorCommon's fields, in order."""
    rate = t.number("rate_hz", rate_hz, min=0.0, min_exclusive=True)
    period = 1e6 / rate
    period_us = round(period)
    if period_us < 1 or abs(period - period_us) > 1e-6:
        raise t.error("rate_hz", "a rate whose period is a whole number of µs", rate)
    return (
        t.boolean("enabled", enabled),
        period_us,
        t.number("latency_s", 0.0, min=0.0),
        t.file,
        t.path,
    )


def sensors_from_config(table: ConfigTable, *, step_us: int | None = None) -> SensorsConfig:
    """Read the ``[sensors]`` table (see the module docstring for every key).

    With ``step_us`` the rates are also checked against the plant step here; the
    ``SensorSuite`` checks them again in any case.
    """
    noise = table.boolean("noise", True)

    t = table.table("imu")
    imu = ImuConfig(
        *_common(t, enabled=True, rate_hz=100.0),
        gyro_arw_deg_per_rthr=t.number("gyro_arw_deg_per_rthr", 0.07, min=0.0),
        gyro_bias_deg_per_hr=t.number("gyro_bias_deg_per_hr", 1.0, min=0.0),
        gyro_bias_tau_s=t.number("gyro_bias_tau_s", 100.0, min=0.0, min_exclusive=True),
        accel_noise_ug_per_rthz=t.number("accel_noise_ug_per_rthz", 50.0, min=0.0),
        accel_bias_ug=t.number("accel_bias_ug", 75.0, min=0.0),
        accel_bias_tau_s=t.number("accel_bias_tau_s", 100.0, min=0.0, min_exclusive=True),
        accel_saturation_mps2=t.number("accel_saturation_mps2", 0.0, min=0.0),
        gyro_saturation_dps=t.number("gyro_saturation_dps", 0.0, min=0.0),
    )
    t.done()

    t = table.table("lrf")
    common = _common(t, enabled=True, rate_hz=10.0)
    min_range = t.number("min_range_m", 0.5, min=0.0, min_exclusive=True)
    max_range = t.number("max_range_m", 10_000.0, min=min_range, min_exclusive=True)
    lrf = LrfConfig(
        *common,
        min_range_m=min_range,
        max_range_m=max_range,
        noise_frac=t.number("noise_frac", 0.005, min=0.0),
        noise_m=t.number("noise_m", 0.3, min=0.0),
        mount_tilt_rad=t.number("mount_tilt_rad", 0.0, min=-math.pi / 2, max=math.pi / 2),
        n_good_to_valid=t.integer("n_good_to_valid", 3, min=1, max=1000),
        quality_at_max_range=t.integer("quality_at_max_range", 20, min=0, max=255),
    )
    t.done()

    t = table.table("attitude")
    attitude = AttitudeConfig(
        *_common(t, enabled=True, rate_hz=10.0),
        noise_rad=t.number("noise_rad", 5e-5, min=0.0),
    )
    t.done()

    t = table.table("velocimeter")
    velocimeter = VelocimeterConfig(
        *_common(t, enabled=False, rate_hz=10.0),
        noise_mps=t.number("noise_mps", 0.05, min=0.0),
        max_alt_m=t.number("max_alt_m", 8000.0, min=0.0),
    )
    t.done()

    t = table.table("discretes")
    discretes = DiscretesConfig(
        *_common(t, enabled=True, rate_hz=20.0),
        probe_length_m=t.number("probe_length_m", 1.5, min=0.0),
    )
    t.done()
    table.done()

    config = SensorsConfig(imu, lrf, attitude, velocimeter, discretes, noise)
    if step_us is not None:
        config.check_step(step_us)
    return config


def default_sensors_config() -> SensorsConfig:
    """The configuration an empty ``[sensors]`` table means."""
    return sensors_from_config(ConfigTable({}, "<defaults>", "sensors"))
