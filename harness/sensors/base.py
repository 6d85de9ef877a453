"""What every sensor and fault layer hands to the link: packets with two times.

``due_us`` is when the packet reaches the harness's sender (delivery time, sim time);
``cuc`` is the time the packet carries in its secondary header (acquisition time as the
sensor stamps it, which a fault may falsify). In lockstep the session sends, before
SYNC(k), every emission with ``due_us <= t_k``, in order of ``due_us``.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from harness.plant.state import Truth
from packets import Packet


class Emission(NamedTuple):
    due_us: int
    cuc: int
    packet: Packet
    sensor: str  # "imu", "lrf", "attitude", "velocimeter", "discretes"
    acquired_us: int  # true acquisition time (for audits and telemetry; never on the wire)


class Sensor(Protocol):
    """One sensor: turns the truth at a sample time into its ICD packet.

    ``sample`` is called when ``t_us`` is a multiple of ``period_us``; it returns the
    packet acquired at that instant, or None when there is nothing to report yet (the
    IMU's first call only starts its integration interval).
    """

    name: str
    period_us: int

    def sample(self, truth: Truth) -> Packet | None: ...


class Sample:
    """One measurement on its way to the link (mutable; layers edit it in place)."""

    __slots__ = ("acquired_us", "alt_m", "cuc", "due_us", "packet")

    def __init__(self, packet: Packet, acquired_us: int, due_us: int, cuc: int, alt_m: float):
        self.packet = packet
        self.acquired_us = acquired_us  # true acquisition time
        self.due_us = due_us  # delivery time so far
        self.cuc = cuc  # the time stamp the packet will carry
        self.alt_m = alt_m  # true altitude at acquisition (for schedules)


class SampleLayer(Protocol):
    """A step between a sensor's true sample and its packet (a sensor fault, built by
    harness.faults and handed to the suite prebuilt: sensors know no fault kinds)."""

    @property
    def index(self) -> int:
        """Its position among the scenario's faults (the order of result.json's summary)."""
        ...

    def apply(self, s: Sample) -> bool:
        """Act on one sample; False when the sample is gone (dropped, inhibited)."""
        ...

    def summary(self) -> dict[str, Any]: ...
