"""FSW.toml: the stub's build-time constants, validated into frozen dataclasses.

Required keys: ``profile`` ("naive" | "robust"), ``period_us``; ``[vehicle]``
``dry_mass_kg``, ``max_thrust_n``, ``min_throttle``, ``isp_s``; ``[lrf]``
``mount_tilt_rad``. Everything else is optional with the defaults below. Unknown keys
are errors (a typo in a gate must not silently fly the default). Every error names the
file and the key path, what was expected and what was found.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

PROFILES = ("naive", "robust")


class ConfigError(ValueError):
    """A bad FSW.toml: carries the file, the key path, what was expected and found."""

    def __init__(self, source: str, key: str, expected: str, found: object) -> None:
        self.source, self.key, self.expected, self.found = source, key, expected, found
        super().__init__(f"{source}: {key}: expected {expected}, found {found!r}")


@dataclass(frozen=True)
class VehicleConfig:
    dry_mass_kg: float
    max_thrust_n: float
    min_throttle: float
    isp_s: float
    #: the contact probe hangs this far below the footpads (engine cut-off timing)
    probe_length_m: float = 1.5


@dataclass(frozen=True)
class LrfConfig:
    mount_tilt_rad: float
    #: measurement noise model, 1-sigma = noise_frac * range + noise_floor_m
    noise_frac: float = 0.005
    noise_floor_m: float = 0.3
    #: no accepted measurement for this long => data stale (nav_flags bit3)
    stale_s: float = 1.0
    #: consecutive accepted measurements before the LRF counts as acquired
    acquire_n: int = 3
    #: oldest stamped acquisition time (relative to the tick) that is compensated
    max_latency_s: float = 4.0
    #: a sample taken while |tilt| exceeds this is not used (slant geometry: an error of
    #: one degree in the tilt is range * sin(tilt) of altitude; braking flies at ~60 deg)
    max_tilt_deg: float = 90.0


@dataclass(frozen=True)
class NavConfig:
    g_mps2: float = 1.62
    #: white acceleration noise of the vertical/horizontal channels, (m/s^2)/sqrt(Hz)
    accel_noise: float = 0.05
    #: accelerometer-bias random walk, (m/s^2)/sqrt(s), and its initial 1-sigma
    bias_walk: float = 2e-4
    bias_sigma0_mps2: float = 0.01
    #: velocimeter 1-sigma per axis, m/s
    velocimeter_sigma_mps: float = 0.2
    #: no IMU for this long => propagate on the commanded thrust (fallback navigation)
    fallback_after_s: float = 0.2
    #: robust only: blind altitude 1-sigma growth per metre descended without an LRF fix
    #: (in the terminal phases: braking flies to a gate kilometres up on the point estimate)
    blind_sigma_per_m: float = 0.3
    #: the Moon's radius for a curved-Moon navigation frame (local vertical/horizontal):
    #: gravity mu / r^2 with centrifugal and Coriolis terms, r = radius_m + h;
    #: 0 = flat (uniform g_mps2), the terminal-descent default
    radius_m: float = 0.0
    mu_m3ps2: float = 4.9028e12


@dataclass(frozen=True)
class GateConfig:
    #: chi-square gate on one normalised innovation (6.63 = 99 %)
    chi2: float = 6.63
    #: terrain-relief allowance, after Apollo's landing-radar gate |dH| < 50 ft + H/8:
    #: a measurement within relief_floor_m + relief_frac * altitude of the estimate is
    #: accepted even when the chi-square test fails (craters and rocks under the beam
    #: are real altitude changes, not sensor faults); 0 and 0 disable it
    relief_floor_m: float = 15.0
    relief_frac: float = 0.125
    #: before the LRF is first acquired there is no LRF history to be consistent with:
    #: the allowance is relief_floor_m + acquire_relief_frac * altitude (first fix wins)
    acquire_relief_frac: float = 1.0
    #: naive: this many consecutive rejections latch the LRF as failed, forever
    latch_n: int = 5
    #: robust: M of the last N rejected measurements agreeing => re-baseline
    rebaseline_m: int = 20
    rebaseline_n: int = 25
    #: agreement: the M altitudes carried to now by the IMU pass a chi-square consistency
    #: test (99 %, M-1 dof) with per-sample variance R + terrain_sigma_m^2 (roughness)
    terrain_sigma_m: float = 3.0
    #: gate on one velocimeter axis
    velocimeter_chi2: float = 10.83


@dataclass(frozen=True)
class ScheduleConfig:
    #: vz_target(h) = -min(v_max, sqrt(v_final^2 + 2 decel (h - h_final))), -v_final below h_final
    decel_mps2: float = 1.0
    v_max_mps: float = 70.0
    v_final_mps: float = 1.0
    h_final_m: float = 30.0
    #: robust: fly on h - k_sigma * sigma_h
    k_sigma: float = 2.0
    #: robust: while blind (LRF not acquired / stale) never descend slower than this above h_final
    v_blind_min_mps: float = 8.0
    #: robust safe mode: descent limited to v_safe for at most safe_max_s per episode
    v_safe_mps: float = 10.0
    safe_after_s: float = 3.0
    safe_max_s: float = 20.0
    #: below this estimated altitude the tilt limit drops to limits.land_tilt_deg
    h_upright_m: float = 15.0
    #: after probe contact, cut the engine when the footpads are this high (estimated)
    cutoff_height_m: float = 0.3
    #: robust: a contact discrete is believed only when h - 3 sigma_h is below this
    contact_plausible_m: float = 50.0


@dataclass(frozen=True)
class BrakingConfig:
    """Powered-descent braking and pitch-up (fsw_stub/braking.py); h_gate_m = 0: none."""

    #: the high gate the braking phase flies to; 0 = no braking phase (terminal descent)
    h_gate_m: float = 0.0
    #: vertical speed (down) at the gate, m/s
    vz_gate_mps: float = 50.0
    #: braking ends (pitch-up begins) when the horizontal speed is down to this, m/s
    vx_gate_mps: float = 10.0
    #: throttle held while braking (a margin below 1 for the vertical channel)
    throttle: float = 0.95
    #: the time-to-go is sought in [min_tgo_s, max_tgo_s] (E-guidance grows as 1/t_go^2)
    min_tgo_s: float = 5.0
    max_tgo_s: float = 3000.0
    #: below this time-to-go the vertical channel targets the gate's speed only
    velocity_only_tgo_s: float = 30.0
    #: the vertical thrust never takes more than this fraction of the braking thrust
    max_vertical_frac: float = 0.8


@dataclass(frozen=True)
class Gains:
    k_vz: float = 0.8
    k_vx: float = 0.3
    #: horizontal acceleration command limit, m/s^2
    max_ax_mps2: float = 1.5


@dataclass(frozen=True)
class Limits:
    max_tilt_deg: float = 20.0
    land_tilt_deg: float = 5.0
    max_tilt_rate_dps: float = 10.0


@dataclass(frozen=True)
class FswConfig:
    profile: str
    period_us: int
    vehicle: VehicleConfig
    lrf: LrfConfig
    nav: NavConfig = field(default_factory=NavConfig)
    gates: GateConfig = field(default_factory=GateConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    braking: BrakingConfig = field(default_factory=BrakingConfig)
    gains: Gains = field(default_factory=Gains)
    limits: Limits = field(default_factory=Limits)
    source: str = "<config>"

    @property
    def robust(self) -> bool:
        return self.profile == "robust"


T = TypeVar("T")

#: section name -> dataclass, and which of its keys are required
_SECTIONS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "vehicle": (VehicleConfig, ("dry_mass_kg", "max_thrust_n", "min_throttle", "isp_s")),
    "lrf": (LrfConfig, ("mount_tilt_rad",)),
    "nav": (NavConfig, ()),
    "gates": (GateConfig, ()),
    "schedule": (ScheduleConfig, ()),
    "braking": (BrakingConfig, ()),
    "gains": (Gains, ()),
    "limits": (Limits, ()),
}

#: (section, key) -> (lower, upper) inclusive bounds for values that must be in a range
_BOUNDS: dict[tuple[str, str], tuple[float, float]] = {
    ("vehicle", "min_throttle"): (0.0, 1.0),
    ("lrf", "mount_tilt_rad"): (-math.pi / 2, math.pi / 2),
    ("limits", "max_tilt_deg"): (0.0, 80.0),
    ("limits", "land_tilt_deg"): (0.0, 80.0),
    ("braking", "throttle"): (0.0, 1.0),
    ("braking", "max_vertical_frac"): (0.0, 1.0),
    ("lrf", "max_tilt_deg"): (0.0, 90.0),
}
_POSITIVE = {
    ("vehicle", "dry_mass_kg"),
    ("vehicle", "max_thrust_n"),
    ("vehicle", "isp_s"),
    ("nav", "g_mps2"),
    ("schedule", "decel_mps2"),
    ("schedule", "v_max_mps"),
    ("schedule", "v_final_mps"),
    ("gates", "chi2"),
    ("gates", "velocimeter_chi2"),
    ("nav", "mu_m3ps2"),
    ("braking", "min_tgo_s"),
    ("braking", "max_tgo_s"),
}


def _section(source: str, name: str, cls: type[T], raw: object, required: tuple[str, ...]) -> T:
    if not isinstance(raw, Mapping):
        raise ConfigError(source, name, "a table", raw)
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    for key in raw:
        if key not in known:
            raise ConfigError(source, f"{name}.{key}", f"one of {sorted(known)}", key)
    for key in required:
        if key not in raw:
            raise ConfigError(source, f"{name}.{key}", "a value (required)", None)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{name}.{key}"
        want_int = known[key].type in ("int", int)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(source, path, "an integer" if want_int else "a number", value)
        if want_int:
            if not isinstance(value, int) or value < 1:
                raise ConfigError(source, path, "a positive integer", value)
        elif not math.isfinite(value):
            raise ConfigError(source, path, "a finite number", value)
        lo_hi = _BOUNDS.get((name, key))
        if lo_hi is not None and not lo_hi[0] <= value <= lo_hi[1]:
            raise ConfigError(source, path, f"a number in [{lo_hi[0]:g}, {lo_hi[1]:g}]", value)
        if (name, key) in _POSITIVE and value <= 0:
            raise ConfigError(source, path, "a positive number", value)
        if lo_hi is None and (name, key) not in _POSITIVE and value < 0:
            raise ConfigError(source, path, "a non-negative number", value)
        values[key] = int(value) if want_int else float(value)
    return cls(**values)


def config_from_mapping(doc: Mapping[str, Any], source: str = "<config>") -> FswConfig:
    """Validate a parsed FSW.toml document."""
    allowed = {"profile", "period_us", *_SECTIONS}
    for key in doc:
        if key not in allowed:
            raise ConfigError(source, key, f"one of {sorted(allowed)}", key)
    profile = doc.get("profile")
    if profile not in PROFILES:
        raise ConfigError(source, "profile", f"one of {list(PROFILES)}", profile)
    period = doc.get("period_us")
    if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= 10_000_000:
        raise ConfigError(source, "period_us", "an integer in [1, 10000000] (µs)", period)
    parts: dict[str, Any] = {}
    for name, (cls, required) in _SECTIONS.items():
        if name not in doc and required:
            raise ConfigError(source, name, "a table (required)", None)
        parts[name] = _section(source, name, cls, doc.get(name, {}), required)
    gates: GateConfig = parts["gates"]
    if gates.rebaseline_m > gates.rebaseline_n:
        raise ConfigError(source, "gates.rebaseline_m", "<= gates.rebaseline_n", gates.rebaseline_m)
    vehicle: VehicleConfig = parts["vehicle"]
    if vehicle.min_throttle >= 1.0:
        raise ConfigError(source, "vehicle.min_throttle", "< 1", vehicle.min_throttle)
    return FswConfig(profile=profile, period_us=period, source=source, **parts)


def load_config(path: str | Path) -> FswConfig:
    """Read and validate FSW.toml; ``ConfigError`` names the file and key on any problem."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(str(p), "<file>", "a readable TOML file", str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), "<syntax>", "valid TOML", str(exc)) from exc
    return config_from_mapping(doc, str(p))
