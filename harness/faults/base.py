"""What a sensor-fault layer is: a step between a sensor's true sample and its packet.

A ``Sample`` travels from the sensor through its layers in the order configured; each
layer may change its packet, its delivery time (``due_us``) or its time stamp (``cuc``),
or drop it. A layer records what it *actually* did, packet by packet, as an
``AppliedFault`` -- the record a campaign audits -- and keeps counts for the summary.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from harness.faults.config import FaultSpec
from harness.sensors.attitude import quaternion_of_tilt, tilt_of_quaternion
from harness.sensors.base import Sample
from packets import Attitude, Packet

_new_tuple = tuple.__new__

__all__ = ["AppliedFault", "FaultLayer", "Sample"]


class AppliedFault(NamedTuple):
    """What one fault did to one packet."""

    fault_index: int  # position in the [[faults]] list
    kind: str
    sensor: str
    acquired_us: int
    due_us: int  # delivery time after this layer (the would-be time for a dropped packet)
    action: str  # "delayed", "queued", "dropped", "stuck", "biased", "no_return", ...
    detail: str


class FaultLayer:
    """Base of every fault layer: schedule, applied record, counts."""

    def __init__(self, spec: FaultSpec, log: list[AppliedFault]) -> None:
        self.spec = spec
        self.schedule = spec.schedule
        #: the schedule holds for every sample (sim time is never negative): skip its test
        sch = spec.schedule
        self.always = (
            sch.start_us <= 0
            and sch.end_us is None
            and sch.below_alt_m is None
            and sch.above_alt_m is None
        )
        self._log = log
        self.counts: dict[str, int] = {}
        self.first_us: int | None = None
        self.last_us: int | None = None

    @property
    def index(self) -> int:
        return self.spec.index

    def apply(self, s: Sample) -> bool:
        """Act on one sample; False when the sample is gone (dropped, inhibited)."""
        raise NotImplementedError

    def record(self, s: Sample, action: str, detail: str = "") -> None:
        spec = self.spec
        self._log.append(
            _new_tuple(
                AppliedFault,
                (spec.index, spec.kind, spec.sensor, s.acquired_us, s.due_us, action, detail),
            )
        )
        self.counts[action] = self.counts.get(action, 0) + 1
        if self.first_us is None:
            self.first_us = s.acquired_us
        self.last_us = s.acquired_us

    def summary(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "index": spec.index,
            "kind": spec.kind,
            "sensor": spec.sensor,
            "schedule": spec.schedule.as_dict(),
            "params": spec.params_dict(),
            "applied": sum(self.counts.values()),
            "counts": dict(sorted(self.counts.items())),
            "first_t_s": None if self.first_us is None else self.first_us / 1e6,
            "last_t_s": None if self.last_us is None else self.last_us / 1e6,
        }


# --- scalar fields of packets, for value faults -------------------------------------

Getter = Callable[[Any], float]
Setter = Callable[[Any, float], Packet]


def _set_tilt(p: Attitude, tilt: float) -> Attitude:
    q_w, q_x, q_y, q_z = quaternion_of_tilt(tilt)
    return p._replace(q_w=q_w, q_x=q_x, q_y=q_y, q_z=q_z)


def _get_tilt(p: Attitude) -> float:
    return tilt_of_quaternion(p.q_w, p.q_y)


def field_access(field: str) -> tuple[Getter, Setter]:
    """Getter and setter of one scalar field (``tilt_rad`` is derived from the quaternion)."""
    if field == "tilt_rad":
        return _get_tilt, _set_tilt

    def get(p: Any) -> float:
        return float(getattr(p, field))

    def put(p: Any, v: float) -> Packet:
        # p._replace(**{field: v}) without its keyword machinery (ValueError if no such field)
        cls = type(p)
        i = cls._fields.index(field)
        return _new_tuple(cls, (*p[:i], v, *p[i + 1 :]))  # type: ignore[no-any-return]

    return get, put


def is_valid(p: Any) -> bool:
    """Status bit0 (DISCRETES has no valid bit: always valid)."""
    status = getattr(p, "status", None)
    return status is None or bool(status & 1)


def with_status(p: Any, status: int) -> Packet:
    """The packet with another status byte (sensors with a valid bit only)."""
    return p._replace(status=status)  # type: ignore[no-any-return]


def fmt(v: float) -> str:
    return f"{v:.6g}" if math.isfinite(v) else str(v)
