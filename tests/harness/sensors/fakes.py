"""Fakes for sensor and fault tests: analytic terrains and synthetic truth streams."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from harness.config.table import ConfigTable
from harness.faults.base import AppliedFault
from harness.faults.build import build_chains
from harness.faults.config import FaultSpec, faults_from_config
from harness.plant.state import Truth
from harness.sensors.base import Emission
from harness.sensors.config import SensorsConfig, sensors_from_config
from harness.sensors.suite import SensorSuite

STEP_US = 10_000
G_MOON = 1.62


class RampTerrain:
    """h(x) = h0_m + slope·x; the ray (x − r sin ψ, z − r cos ψ) meets it analytically."""

    def __init__(self, slope: float = 0.0, h0_m: float = 0.0) -> None:
        self.slope = slope
        self.h0_m = h0_m

    def height(self, x_m: float) -> float:
        return self.h0_m + self.slope * x_m

    def ray_range(self, x_m: float, z_m: float, psi_rad: float, max_range_m: float) -> float | None:
        denom = math.cos(psi_rad) - self.slope * math.sin(psi_rad)
        if denom <= 0.0:
            return None
        r = (z_m - self.height(x_m)) / denom
        return r if 0.0 <= r <= max_range_m else None


FLAT = RampTerrain()


def truth(
    t_us: int,
    alt_m: float,
    *,
    x_m: float = 0.0,
    tilt_rad: float = 0.0,
    vx_mps: float = 0.0,
    vz_mps: float = 0.0,
    sf_x: float = 0.0,
    sf_z: float = 0.0,
    terrain: RampTerrain = FLAT,
) -> Truth:
    z = alt_m + terrain.height(x_m)
    return Truth(
        t_us, x_m, z, alt_m, vx_mps, vz_mps, tilt_rad, 0.0, 1000.0, 0.0, 0.0, False,
        sf_x, sf_z, False,
    )  # fmt: skip


def descent(
    seconds: float,
    *,
    alt0_m: float = 2000.0,
    vz_mps: float = -20.0,
    tilt_rad: float = 0.0,
    step_us: int = STEP_US,
    accel_mps2: float = G_MOON,
) -> Iterator[Truth]:
    """Constant-velocity descent with a constant specific force along body +X."""
    for k in range(round(seconds * 1e6 / step_us) + 1):
        t_s = k * step_us / 1e6
        yield truth(
            k * step_us,
            max(0.0, alt0_m + vz_mps * t_s),
            tilt_rad=tilt_rad,
            vz_mps=vz_mps,
            sf_x=accel_mps2 * t_s,
        )


def sensors(noise: bool = False, **sections: dict[str, Any]) -> SensorsConfig:
    """A SensorsConfig from keyword sections: ``sensors(lrf={"rate_hz": 20})``."""
    return sensors_from_config(ConfigTable({"noise": noise, **sections}, "test.toml", "sensors"))


def faults(*tables: dict[str, Any]) -> list[FaultSpec]:
    return faults_from_config(ConfigTable({"faults": list(tables)}, "test.toml").tables("faults"))


def run(suite: SensorSuite, truths: Iterable[Truth], *, drain_us: int = 0) -> list[Emission]:
    """Step the suite, popping every step; then drain what is due within drain_us."""
    out: list[Emission] = []
    t = 0
    for tr in truths:
        suite.on_step(tr)
        out += suite.pop_due(tr.t_us)
        t = tr.t_us
    out += suite.pop_due(t + drain_us)
    return out


def make_suite(
    config: SensorsConfig | None = None,
    fault_specs: list[FaultSpec] | None = None,
    *,
    seed: int = 1,
    terrain: RampTerrain = FLAT,
) -> SensorSuite:
    """A suite with its fault chains prebuilt, as the simulator builds them."""
    config = config or sensors()
    applied: list[AppliedFault] = []
    config.check_step(STEP_US)
    chains = build_chains(fault_specs or [], config, seed, STEP_US, applied)
    return SensorSuite(config, seed, STEP_US, terrain, chains, applied)


def of(emissions: list[Emission], sensor: str) -> list[Emission]:
    return [e for e in emissions if e.sensor == sensor]
