"""Run a fault-free and a faulted suite side by side on the same truth (same seed)."""

from __future__ import annotations

from typing import Any

from harness.sensors.base import Emission
from harness.sensors.config import SensorsConfig
from harness.sensors.suite import SensorSuite
from tests.harness.sensors.fakes import descent, faults, make_suite, run, sensors

DRAIN_US = 10**8
SENSOR_NAMES = ("imu", "lrf", "attitude", "velocimeter", "discretes")


def only(sensor: str, **keys: Any) -> SensorsConfig:
    """A noise-free configuration with one sensor enabled."""
    sections: dict[str, dict[str, Any]] = {s: {"enabled": s == sensor} for s in SENSOR_NAMES}
    sections[sensor].update(keys)
    return sensors(**sections)


class Paired:
    def __init__(
        self,
        *fault_tables: dict[str, Any],
        seconds: float = 10.0,
        config: SensorsConfig | None = None,
        seed: int = 1,
        **descent_kw: Any,
    ) -> None:
        config = config or sensors()
        self.suite: SensorSuite = make_suite(config, faults(*fault_tables), seed=seed)
        base = make_suite(config, [], seed=seed)
        self.truths = list(descent(seconds, **descent_kw))
        self.out = run(self.suite, self.truths, drain_us=DRAIN_US)
        self.base = run(base, self.truths, drain_us=DRAIN_US)
        self.applied = self.suite.applied

    def of(self, sensor: str) -> tuple[dict[int, Emission], dict[int, Emission]]:
        """(fault-free, faulted) emissions of one sensor by acquisition time."""
        base = {e.acquired_us: e for e in self.base if e.sensor == sensor}
        out = {e.acquired_us: e for e in self.out if e.sensor == sensor}
        return base, out

    def alt_at(self, t_us: int) -> float:
        return self.truths[t_us // 10_000].alt_m
