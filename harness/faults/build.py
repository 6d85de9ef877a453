"""Fault layers from their specs: one chain per sensor, in the order configured."""

from __future__ import annotations

from harness.errors import ConfigError
from harness.faults.base import AppliedFault, FaultLayer
from harness.faults.config import (
    BiasParams,
    DropoutParams,
    FalseInvalidParams,
    FalseValidParams,
    FaultSpec,
    LateAcquisitionParams,
    LatencyParams,
    NoiseGrowthParams,
)
from harness.faults.timing import DropoutFault, InhibitedFault, LatencyFault
from harness.faults.validity import FalseInvalidFault, FalseValidFault, LateAcquisitionFault
from harness.faults.values import BiasFault, NoiseGrowthFault, StuckFault
from harness.sensors.config import SensorsConfig
from harness.sensors.noise import NormalStream, UniformStream, rng_for


def fault_key(spec: FaultSpec) -> str:
    """The stable key of a fault's random generator."""
    return f"fault{spec.index}:{spec.kind}"


def build_layer(
    spec: FaultSpec, sensors: SensorsConfig, seed: int, step_us: int, log: list[AppliedFault]
) -> FaultLayer:
    rng = rng_for(seed, fault_key(spec))
    p = spec.params
    if isinstance(p, LatencyParams):
        return LatencyFault(spec, log, p, step_us, UniformStream(rng))
    if isinstance(p, DropoutParams):
        return DropoutFault(spec, log, p, UniformStream(rng))
    if isinstance(p, LateAcquisitionParams):
        return LateAcquisitionFault(spec, log, p, sensors.lrf.n_good_to_valid)
    if isinstance(p, BiasParams):
        return BiasFault(spec, log, p)
    if isinstance(p, NoiseGrowthParams):
        return NoiseGrowthFault(spec, log, p, NormalStream(rng))
    if isinstance(p, FalseValidParams):
        lo = sensors.lrf.min_range_m if p.garbage_min_m is None else p.garbage_min_m
        hi = sensors.lrf.max_range_m if p.garbage_max_m is None else p.garbage_max_m
        return FalseValidFault(spec, log, p, UniformStream(rng), (lo, max(lo, hi)))
    if isinstance(p, FalseInvalidParams):
        return FalseInvalidFault(spec, log, p, UniformStream(rng))
    if spec.kind == "stuck":
        return StuckFault(spec, log)
    return InhibitedFault(spec, log)


def build_chains(
    specs: list[FaultSpec],
    sensors: SensorsConfig,
    seed: int,
    step_us: int,
    log: list[AppliedFault],
) -> dict[str, list[FaultLayer]]:
    """Layers per sensor name. A fault on a disabled sensor is a located config error."""
    chains: dict[str, list[FaultLayer]] = {}
    for spec in specs:
        if not getattr(sensors, spec.sensor).enabled:
            raise ConfigError(
                spec.file, f"{spec.key}.sensor", "an enabled sensor", f"{spec.sensor} (disabled)"
            )
        chains.setdefault(spec.sensor, []).append(build_layer(spec, sensors, seed, step_us, log))
    return chains
