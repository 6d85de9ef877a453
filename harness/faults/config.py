"""Sensor-fault configuration: ``[[faults]]`` tables, validated into ``FaultSpec``s.

Every table has ``kind``, ``sensor`` (imu, lrf, attitude, velocimeter, discretes) and an
optional schedule, judged on the truth at each sample's acquisition:
``start_s = 0``, ``end_s`` (none; window is start_s ≤ t < end_s), ``below_alt_m``
(active while alt ≤ it), ``above_alt_m`` (active while alt ≥ it). Layers apply in the
order configured. Kind-specific keys (defaults):

* ``latency``: ``latency_s = 0``, ``jitter_s = 0`` (extra uniform in [0, jitter_s]),
  ``growth_s_per_s = 0`` (grows from the first sample in the window), ``stamped = true``
  (keep the acquisition time in the packet; false stamps the delivery time),
  ``fifo = true`` (a line that never reorders: a packet waits behind the one before it,
  even after the window closes). Delays are rounded to plant steps.
* ``late_acquisition`` (lrf): ``valid_below_alt_m`` (required); above it the LRF reports
  ``reports = "no_return"`` (or ``"invalid"``, ``"self_test_fault"``), range 0, quality 0;
  below it it re-acquires: n_good_to_valid good returns (acquiring) before valid.
* ``dropout``: ``model = "bernoulli"`` with ``p``, or ``"gilbert_elliott"`` with ``p_gb``
  (good→bad per sample) and ``p_bg`` (bad→good); every sample in the bad state is lost.
* ``stuck``: the value fields freeze at the first sample in the window (counters run on).
* ``bias`` / ``scale``: ``field`` (per-sensor default), ``bias = 0``, ``scale = 1``;
  value → scale·value + bias, on valid samples.
* ``noise_growth``: ``field``, extra σ = ``sigma`` + ``sigma_per_s``·(time since the first
  sample in the window) + ``sigma_frac``·|value|, on valid samples.
* ``false_valid``: ``p = 1``; sets the valid bit on invalid samples; LRF range
  ``range = "last"`` (last valid range seen, else garbage) or ``"garbage"``
  (uniform in [``garbage_min_m``, ``garbage_max_m``], default the LRF's min/max range).
* ``false_invalid``: ``p = 1``; clears the valid bit on valid samples (value kept).
* ``inhibited``: no output at all.

Fields: lrf ``range_m``; imu ``dv_x`` (default), ``dv_y``, ``dv_z``, ``dth_x``, ``dth_y``,
``dth_z``; attitude ``tilt_rad``; velocimeter ``vz_mps`` (default), ``vx_mps``, ``vy_mps``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.config.table import ConfigTable

SENSORS = ("imu", "lrf", "attitude", "velocimeter", "discretes")
#: scalar fields a value fault may act on, default first
FIELDS: dict[str, tuple[str, ...]] = {
    "lrf": ("range_m",),
    "imu": ("dv_x", "dv_y", "dv_z", "dth_x", "dth_y", "dth_z"),
    "attitude": ("tilt_rad",),
    "velocimeter": ("vz_mps", "vx_mps", "vy_mps"),
    "discretes": (),
}
#: sensors whose packets carry a valid bit (status bit0)
WITH_VALID_BIT = ("imu", "lrf", "attitude", "velocimeter")


@dataclass(frozen=True)
class Schedule:
    """When a fault is active: a sim-time window and/or an altitude band (truth at acquisition)."""

    start_us: int = 0
    end_us: int | None = None
    below_alt_m: float | None = None
    above_alt_m: float | None = None

    def active(self, t_us: int, alt_m: float) -> bool:
        if t_us < self.start_us or (self.end_us is not None and t_us >= self.end_us):
            return False
        if self.below_alt_m is not None and alt_m > self.below_alt_m:
            return False
        return not (self.above_alt_m is not None and alt_m < self.above_alt_m)

    def as_dict(self) -> dict[str, float | None]:
        return {
            "start_s": self.start_us / 1e6,
            "end_s": None if self.end_us is None else self.end_us / 1e6,
            "below_alt_m": self.below_alt_m,
            "above_alt_m": self.above_alt_m,
        }


@dataclass(frozen=True)
class LatencyParams:
    latency_s: float = 0.0
    jitter_s: float = 0.0
    growth_s_per_s: float = 0.0
    stamped: bool = True
    fifo: bool = True


@dataclass(frozen=True)
class LateAcquisitionParams:
    valid_below_alt_m: float
    reports: str = "no_return"


@dataclass(frozen=True)
class DropoutParams:
    model: str = "bernoulli"
    p: float = 0.0
    p_gb: float = 0.0
    p_bg: float = 1.0


@dataclass(frozen=True)
class StuckParams:
    pass


@dataclass(frozen=True)
class BiasParams:
    field: str
    bias: float = 0.0
    scale: float = 1.0


@dataclass(frozen=True)
class NoiseGrowthParams:
    field: str
    sigma: float = 0.0
    sigma_per_s: float = 0.0
    sigma_frac: float = 0.0


@dataclass(frozen=True)
class FalseValidParams:
    p: float = 1.0
    range: str = "last"
    garbage_min_m: float | None = None
    garbage_max_m: float | None = None


@dataclass(frozen=True)
class FalseInvalidParams:
    p: float = 1.0


@dataclass(frozen=True)
class InhibitedParams:
    pass


FaultParams = (
    LatencyParams
    | LateAcquisitionParams
    | DropoutParams
    | StuckParams
    | BiasParams
    | NoiseGrowthParams
    | FalseValidParams
    | FalseInvalidParams
    | InhibitedParams
)


@dataclass(frozen=True)
class FaultSpec:
    """One configured fault: its position in the list, kind, sensor, schedule, parameters."""

    index: int
    kind: str
    sensor: str
    schedule: Schedule
    params: FaultParams
    file: str = field(default="", compare=False)
    key: str = field(default="", compare=False)

    def params_dict(self) -> dict[str, Any]:
        return dict(vars(self.params))


def _p(t: ConfigTable, name: str, default: float | None = None) -> float:
    return t.number(name, default, min=0.0, max=1.0)


def _field(t: ConfigTable, sensor: str) -> str:
    fields = FIELDS[sensor]
    if not fields:
        raise t.error("sensor", "a sensor with a numeric value (not discretes)", sensor)
    return t.string("field", fields[0], choices=fields)


def _params(t: ConfigTable, kind: str, sensor: str) -> FaultParams:
    if kind == "latency":
        return LatencyParams(
            t.number("latency_s", 0.0, min=0.0),
            t.number("jitter_s", 0.0, min=0.0),
            t.number("growth_s_per_s", 0.0, min=0.0),
            t.boolean("stamped", True),
            t.boolean("fifo", True),
        )
    if kind == "late_acquisition":
        if sensor != "lrf":
            raise t.error("sensor", "'lrf' (late acquisition is a rangefinder fault)", sensor)
        return LateAcquisitionParams(
            t.number("valid_below_alt_m", min=0.0),
            t.string("reports", "no_return", choices=("no_return", "invalid", "self_test_fault")),
        )
    if kind == "dropout":
        model = t.string("model", "bernoulli", choices=("bernoulli", "gilbert_elliott"))
        if model == "bernoulli":
            return DropoutParams(model, p=_p(t, "p"))
        return DropoutParams(model, p_gb=_p(t, "p_gb"), p_bg=_p(t, "p_bg"))
    if kind == "stuck":
        return StuckParams()
    if kind in ("bias", "scale"):
        return BiasParams(_field(t, sensor), t.number("bias", 0.0), t.number("scale", 1.0))
    if kind == "noise_growth":
        return NoiseGrowthParams(
            _field(t, sensor),
            t.number("sigma", 0.0, min=0.0),
            t.number("sigma_per_s", 0.0, min=0.0),
            t.number("sigma_frac", 0.0, min=0.0),
        )
    if kind in ("false_valid", "false_invalid") and sensor not in WITH_VALID_BIT:
        raise t.error("sensor", "a sensor with a valid bit: " + ", ".join(WITH_VALID_BIT), sensor)
    if kind == "false_valid":
        lo = t.number("garbage_min_m", math.nan, min=0.0) if "garbage_min_m" in t else None
        hi = t.number("garbage_max_m", math.nan, min=0.0) if "garbage_max_m" in t else None
        if lo is not None and hi is not None and hi < lo:
            raise t.error("garbage_max_m", f"a number >= garbage_min_m ({lo:g})", hi)
        mode = t.string("range", "last", choices=("last", "garbage"))
        return FalseValidParams(_p(t, "p", 1.0), mode, lo, hi)
    if kind == "false_invalid":
        return FalseInvalidParams(_p(t, "p", 1.0))
    return InhibitedParams()


KINDS = (
    "latency",
    "late_acquisition",
    "dropout",
    "stuck",
    "bias",
    "scale",
    "noise_growth",
    "false_valid",
    "false_invalid",
    "inhibited",
)


def schedule_from_config(t: ConfigTable) -> Schedule:
    """A fault table's ``start_s``, ``end_s``, ``below_alt_m``, ``above_alt_m`` (sensor and
    link faults alike)."""
    start_s = t.number("start_s", 0.0, min=0.0)
    end_s = t.number("end_s", math.inf, min=start_s) if "end_s" in t else None
    below = t.number("below_alt_m", math.nan) if "below_alt_m" in t else None
    above = t.number("above_alt_m", math.nan) if "above_alt_m" in t else None
    if below is not None and above is not None and above > below:
        raise t.error("above_alt_m", f"a number <= below_alt_m ({below:g})", above)
    return Schedule(
        round(start_s * 1e6), None if end_s is None else round(end_s * 1e6), below, above
    )


def fault_from_config(t: ConfigTable, index: int) -> FaultSpec:
    """One ``[[faults]]`` table (see the module docstring)."""
    kind = t.string("kind", choices=KINDS)
    sensor = t.string("sensor", choices=SENSORS)
    schedule = schedule_from_config(t)
    params = _params(t, kind, sensor)
    t.done()
    return FaultSpec(index, kind, sensor, schedule, params, t.file, t.path)


def faults_from_config(tables: Iterator[ConfigTable]) -> list[FaultSpec]:
    """All ``[[faults]]`` tables, in order: ``faults_from_config(doc.tables("faults"))``."""
    return [fault_from_config(t, i) for i, t in enumerate(tables)]
