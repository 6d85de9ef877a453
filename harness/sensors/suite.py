"""The sensor suite: samples every sensor at its rate, runs its fault chain, queues packets.

The simulator calls ``on_steps(truths)`` with a control tick's plant steps (``on_step``
for one, e.g. at t = 0 with the initial truth); a sensor samples when ``t_us`` is a
multiple of its period. Each sample is stamped with its acquisition time, delivered at
acquisition + intrinsic latency, then passes its fault layers in the order configured.
``pop_due(t_us)`` hands out every emission due by then, ordered by (due_us, acquired_us,
sensor order, sequence): IMU, LRF, attitude, velocimeter, discretes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from harness.plant.state import Truth
from harness.sensors.attitude import StarTracker
from harness.sensors.base import Emission, Sample, SampleLayer, Sensor
from harness.sensors.config import SensorCommon, SensorsConfig
from harness.sensors.discretes import ContactProbe
from harness.sensors.imu import InertialUnit
from harness.sensors.lrf import Rangefinder, RangeTarget
from harness.sensors.velocimeter import DopplerVelocimeter
from packets import Packet
from packets.icd import CUC_FINE_PER_S as _CUC_FINE_PER_S

__all__ = ["RangeTarget", "SensorSuite"]

_due = itemgetter(0)
_Plan = tuple[Callable[[Truth], Packet | None], int, str, Sequence[SampleLayer]]
#: builds a NamedTuple from a tuple of its fields without its Python ``__new__`` frame
_new_tuple = tuple.__new__
#: above this many sample phases per common cycle, fall back to a modulo per channel
_MAX_PHASES = 100_000


class _Channel:
    """One enabled sensor with its period, intrinsic latency and fault chain."""

    __slots__ = ("latency_us", "layers", "name", "period_us", "rank", "sensor")

    def __init__(
        self, sensor: Sensor, rank: int, latency_us: int, layers: Sequence[SampleLayer]
    ) -> None:
        self.sensor = sensor
        self.name = sensor.name
        self.period_us = sensor.period_us
        self.rank = rank
        self.latency_us = latency_us
        self.layers = layers

    def plan(self) -> _Plan:
        """What ``on_step`` needs to sample it: (bound sample, latency_us, name, layers)."""
        return (self.sensor.sample, self.latency_us, self.name, self.layers)


class SensorSuite:
    """Every enabled sensor, its fault chain and the queue of packets awaiting delivery.

    ``applied`` lists every ``AppliedFault`` in the order taken; ``fault_summary()`` is
    the per-fault digest for result.json. Raises ``ConfigError`` (located) for a rate
    that is not a whole number of plant steps or a fault on a disabled sensor.
    """

    def __init__(
        self,
        config: SensorsConfig,
        seed: int,
        step_us: int,
        terrain: RangeTarget,
        layers: Mapping[str, Sequence[SampleLayer]] | None = None,
        applied: list[Any] | None = None,
    ) -> None:
        config.check_step(step_us)
        #: every action every layer took (the list the layers were built to append to)
        self.applied: list[Any] = [] if applied is None else applied
        chains = dict(layers or {})
        self._layers = [layer for chain in chains.values() for layer in chain]
        self._layers.sort(key=lambda layer: layer.index)
        noise = config.noise
        candidates: list[tuple[SensorCommon, Sensor]] = [
            (config.imu, InertialUnit(config.imu, seed, noise=noise)),
            (config.lrf, Rangefinder(config.lrf, seed, terrain, noise=noise)),
            (config.attitude, StarTracker(config.attitude, seed, noise=noise)),
            (config.velocimeter, DopplerVelocimeter(config.velocimeter, seed, noise=noise)),
            (config.discretes, ContactProbe(config.discretes)),
        ]
        self._channels: list[_Channel] = []
        for rank, (cfg, sensor) in enumerate(candidates):
            if cfg.enabled:
                latency_us = round(cfg.latency_s * 1e6 / step_us) * step_us
                chain = chains.get(sensor.name, [])
                self._channels.append(_Channel(sensor, rank, latency_us, chain))
        self._pending: list[Emission] = []
        self._in_order = True  # pending is sorted by due_us
        self._last_due = -1
        # what samples at each phase of the common cycle (one dict lookup a step), as
        # (bound sample, latency_us, name, layers) plans unpacked in one go per sample
        self._plans = [(ch.period_us, ch.plan()) for ch in self._channels]
        self._cycle_us = 0
        self._by_phase: dict[int, list[_Plan]] = {}
        cycle = 1
        for ch in self._channels:
            cycle = math.lcm(cycle, ch.period_us)
        if self._channels and sum(cycle // ch.period_us for ch in self._channels) <= _MAX_PHASES:
            self._cycle_us = cycle
            for period, plan in self._plans:
                for phase in range(0, cycle, period):
                    self._by_phase.setdefault(phase, []).append(plan)

    def on_step(self, truth: Truth) -> None:
        """Sample every sensor whose period divides ``truth.t_us``."""
        self.on_steps((truth,))

    def on_steps(self, truths: Sequence[Truth]) -> None:
        """``on_step`` of each truth in turn (a control tick's plant steps in one call)."""
        cycle = self._cycle_us
        by_phase = self._by_phase.get
        append = self._pending.append
        last_due = self._last_due
        in_order = True
        for truth in truths:
            t = truth.t_us
            if cycle:
                plans = by_phase(t % cycle)
                if plans is None:
                    continue
            else:
                plans = [plan for period, plan in self._plans if t % period == 0]
            cuc = (t * _CUC_FINE_PER_S + 500_000) // 1_000_000  # cuc_from_us(t), inlined
            for sample, latency_us, name, layers in plans:
                packet = sample(truth)
                if packet is None:
                    continue
                if layers:
                    s = Sample(packet, t, t + latency_us, cuc, truth.alt_m)
                    for layer in layers:
                        if not layer.apply(s):
                            break
                    else:
                        due = s.due_us
                        append(_new_tuple(Emission, (due, s.cuc, s.packet, name, t)))
                        if due < last_due:
                            in_order = False
                        last_due = due
                else:
                    due = t + latency_us
                    append(_new_tuple(Emission, (due, cuc, packet, name, t)))
                    if due < last_due:
                        in_order = False
                    last_due = due
        self._last_due = last_due
        if not in_order:
            self._in_order = False

    def pop_due(self, t_us: int) -> list[Emission]:
        """Every emission with due_us ≤ t_us, in delivery order; they leave the queue.

        Emissions are queued in acquisition order (then sensor order), so a stable sort
        on due_us alone yields (due_us, acquired_us, sensor order).
        """
        pending = self._pending
        if not pending:
            return []
        if self._in_order:
            if pending[-1].due_us <= t_us:
                self._pending = []
                return pending
            ready = [e for e in pending if e.due_us <= t_us]
            del pending[: len(ready)]
            return ready
        ready = [e for e in pending if e.due_us <= t_us]
        if len(ready) == len(pending):
            self._pending = []
            self._in_order = True
        elif ready:
            self._pending = [e for e in pending if e.due_us > t_us]
            self._last_due = self._pending[-1].due_us
            self._in_order = all(
                a.due_us <= b.due_us for a, b in zip(self._pending, self._pending[1:], strict=False)
            )
        ready.sort(key=_due)
        return ready

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def fault_summary(self) -> list[dict[str, Any]]:
        """Per configured fault: what it did, how often, first/last sim time (result.json)."""
        return [layer.summary() for layer in self._layers]
