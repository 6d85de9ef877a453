"""Faults on a packet's validity: late acquisition (HAKUTO-R M2) and validity-flag lies."""

from __future__ import annotations

from harness.faults.base import AppliedFault, FaultLayer, Sample, fmt, is_valid, with_status
from harness.faults.config import FalseInvalidParams, FalseValidParams, FaultSpec
from harness.faults.config import LateAcquisitionParams as LateParams
from harness.sensors.noise import UniformStream
from packets import Lrf, LrfStatus

_REPORTS = {
    "no_return": int(LrfStatus.NO_RETURN),
    "invalid": 0,
    "self_test_fault": int(LrfStatus.SELF_TEST_FAULT),
}
_ACQUIRING = int(LrfStatus.ACQUIRING)


class LateAcquisitionFault(FaultLayer):
    """A degraded LRF: no usable return until the true altitude is below valid_below_alt_m.

    Above it every measurement reads ``reports`` (no_return: the weak echo is lost), range
    0, quality 0. Below it the sensor must acquire again like a real one: its first
    n_good_to_valid − 1 good returns read "acquiring" (range 0), then valid returns pass.
    """

    def __init__(
        self, spec: FaultSpec, log: list[AppliedFault], params: LateParams, n_good: int
    ) -> None:
        super().__init__(spec, log)
        self._below = params.valid_below_alt_m
        self._status = _REPORTS[params.reports]
        self._n_good = n_good
        self._streak = 0

    def apply(self, s: Sample) -> bool:
        p = s.packet
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)) or not isinstance(
            p, Lrf
        ):
            return True
        if s.alt_m > self._below:
            self._streak = 0
            s.packet = Lrf(0.0, self._status, 0, p.meas_id)
            self.record(s, "no_return" if self._status == _REPORTS["no_return"] else "invalid")
            return True
        if not p.status & 1:
            self._streak = 0
            return True
        self._streak += 1
        if self._streak < self._n_good:
            s.packet = Lrf(0.0, _ACQUIRING, p.quality, p.meas_id)
            self.record(s, "acquiring", f"{self._streak}/{self._n_good}")
        return True


class FalseValidFault(FaultLayer):
    """Sets the valid bit on invalid samples (with probability p).

    For the LRF the status becomes exactly "valid" and the range the last valid range this
    layer saw (``range = "last"``; garbage until there is one) or garbage, uniform in
    [garbage_min_m, garbage_max_m].
    """

    def __init__(
        self,
        spec: FaultSpec,
        log: list[AppliedFault],
        params: FalseValidParams,
        uniform: UniformStream,
        garbage_m: tuple[float, float],
    ) -> None:
        super().__init__(spec, log)
        self._p = params.p
        self._last = params.range == "last"
        self._uniform = uniform
        self._lo, self._hi = garbage_m
        self._last_range: float | None = None

    def apply(self, s: Sample) -> bool:
        p = s.packet
        if is_valid(p):
            if isinstance(p, Lrf):
                self._last_range = p.range_m
            return True
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)):
            return True
        if self._p < 1.0 and self._uniform.next() >= self._p:
            return True
        if isinstance(p, Lrf):
            r = self._last_range if self._last else None
            if r is None:
                r = self._lo + (self._hi - self._lo) * self._uniform.next()
            s.packet = Lrf(r, int(LrfStatus.VALID), p.quality, p.meas_id)
            self.record(s, "false_valid", f"range {fmt(r)}")
        else:
            s.packet = with_status(p, getattr(p, "status", 0) | 1)
            self.record(s, "false_valid")
        return True


class FalseInvalidFault(FaultLayer):
    """Clears the valid bit on valid samples (with probability p); the value is kept."""

    def __init__(
        self,
        spec: FaultSpec,
        log: list[AppliedFault],
        params: FalseInvalidParams,
        uniform: UniformStream,
    ) -> None:
        super().__init__(spec, log)
        self._p = params.p
        self._uniform = uniform

    def apply(self, s: Sample) -> bool:
        p = s.packet
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)) or not is_valid(p):
            return True
        if self._p < 1.0 and self._uniform.next() >= self._p:
            return True
        s.packet = with_status(p, getattr(p, "status", 0) & ~1)
        self.record(s, "false_invalid")
        return True
