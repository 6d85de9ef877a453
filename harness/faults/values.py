"""Faults on a packet's value: stuck, bias and scale, noise growth."""

from __future__ import annotations

from typing import Any

from harness.faults.base import AppliedFault, FaultLayer, Sample, field_access, fmt, is_valid
from harness.faults.config import BiasParams, FaultSpec, NoiseGrowthParams
from harness.sensors.noise import NormalStream
from packets import Imu, Lrf, Packet


def _refreeze(frozen: Any, current: Packet) -> Packet:
    """The frozen packet with the current packet's counters (meas_id, interval_us)."""
    if isinstance(current, Lrf):
        return frozen._replace(meas_id=current.meas_id)  # type: ignore[no-any-return]
    if isinstance(current, Imu):
        return frozen._replace(interval_us=current.interval_us)  # type: ignore[no-any-return]
    return frozen  # type: ignore[no-any-return]


class StuckFault(FaultLayer):
    """Every value field (status included) frozen at the first sample in the window."""

    def __init__(self, spec: FaultSpec, log: list[AppliedFault]) -> None:
        super().__init__(spec, log)
        self._frozen: Packet | None = None

    def apply(self, s: Sample) -> bool:
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)):
            return True
        if self._frozen is None:
            self._frozen = s.packet
            self.record(s, "froze", repr(s.packet))
            return True
        s.packet = _refreeze(self._frozen, s.packet)
        self.record(s, "stuck")
        return True


class BiasFault(FaultLayer):
    """value → scale·value + bias on one field of valid samples (kinds "bias", "scale")."""

    def __init__(self, spec: FaultSpec, log: list[AppliedFault], params: BiasParams) -> None:
        super().__init__(spec, log)
        self._get, self._set = field_access(params.field)
        self._bias = params.bias
        self._scale = params.scale
        self._nonneg = params.field == "range_m"

    def apply(self, s: Sample) -> bool:
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)) or not is_valid(
            s.packet
        ):
            return True
        v = self._get(s.packet)
        w = self._scale * v + self._bias
        if self._nonneg:
            w = max(0.0, w)
        s.packet = self._set(s.packet, w)
        self.record(s, "biased", f"{fmt(v)} -> {fmt(w)}")
        return True


class NoiseGrowthFault(FaultLayer):
    """Extra N(0, σ²) on one field of valid samples, σ growing with time and with value.

    σ = sigma + sigma_per_s·(t − t_first) + sigma_frac·|value|, t_first being the first
    sample in the window.
    """

    def __init__(
        self,
        spec: FaultSpec,
        log: list[AppliedFault],
        params: NoiseGrowthParams,
        normal: NormalStream,
    ) -> None:
        super().__init__(spec, log)
        self._p = params
        self._get, self._set = field_access(params.field)
        self._normal = normal
        self._first_us: int | None = None
        self._nonneg = params.field == "range_m"

    def apply(self, s: Sample) -> bool:
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)) or not is_valid(
            s.packet
        ):
            return True
        if self._first_us is None:
            self._first_us = s.acquired_us
        p = self._p
        v = self._get(s.packet)
        sigma = p.sigma + p.sigma_per_s * (s.acquired_us - self._first_us) / 1e6
        sigma += p.sigma_frac * abs(v)
        w = v + sigma * self._normal.next()
        if self._nonneg:
            w = max(0.0, w)
        s.packet = self._set(s.packet, w)
        self.record(s, "noised", f"sigma {fmt(sigma)}: {fmt(v)} -> {fmt(w)}")
        return True
