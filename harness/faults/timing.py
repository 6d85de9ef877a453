"""Faults on when (and whether) a packet arrives: latency, dropouts, inhibited output."""

from __future__ import annotations

from harness.faults.base import AppliedFault, FaultLayer, Sample
from harness.faults.config import DropoutParams, FaultSpec, LatencyParams
from harness.sensors.noise import UniformStream
from packets import cuc_from_us


class LatencyFault(FaultLayer):
    """Delay = latency_s + growth_s_per_s·(t − t_first) + U(0, jitter_s), rounded to steps.

    ``stamped``: the packet keeps its time stamp (the acquisition time, so the FSW can
    compensate); unstamped: it is stamped with its delivery time (the FSW cannot tell).
    ``fifo``: delivery times never decrease (a jittered line does not reorder); a packet
    that waits behind a delayed one -- even after the window closed -- is "queued".
    """

    def __init__(
        self,
        spec: FaultSpec,
        log: list[AppliedFault],
        params: LatencyParams,
        step_us: int,
        uniform: UniformStream,
    ) -> None:
        super().__init__(spec, log)
        self._p = params
        self._step = step_us
        self._uniform = uniform
        self._first_us: int | None = None
        self._last_due = -1

    def apply(self, s: Sample) -> bool:
        p = self._p
        before = s.due_us
        if self.always or self.schedule.active(s.acquired_us, s.alt_m):
            if self._first_us is None:
                self._first_us = s.acquired_us
            delay_s = p.latency_s + p.growth_s_per_s * (s.acquired_us - self._first_us) / 1e6
            if p.jitter_s:
                delay_s += p.jitter_s * self._uniform.next()
            due = before + round(delay_s * 1e6 / self._step) * self._step
            action = "delayed"
        else:
            due = before
            action = "queued"
        if p.fifo and due < self._last_due:
            due = self._last_due
        if due > self._last_due:
            self._last_due = due
        if due == before:
            return True  # nothing done to this packet
        s.due_us = due
        if not p.stamped:
            s.cuc = cuc_from_us(due)
        self.record(s, action, f"{(due - before) / 1e6:.6g} s")
        return True


class DropoutFault(FaultLayer):
    """Bernoulli (each sample lost with p) or Gilbert–Elliott bursts.

    Gilbert–Elliott: a two-state chain stepped once per sample in the window (good→bad
    with p_gb, bad→good with p_bg) before the sample is judged; samples in the bad state
    are lost. Loss rate p_gb/(p_gb + p_bg), mean burst 1/p_bg samples.
    """

    def __init__(
        self,
        spec: FaultSpec,
        log: list[AppliedFault],
        params: DropoutParams,
        uniform: UniformStream,
    ) -> None:
        super().__init__(spec, log)
        self._p = params
        self._uniform = uniform
        self._bad = False

    def apply(self, s: Sample) -> bool:
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)):
            return True
        p = self._p
        u = self._uniform.next()
        if p.model == "bernoulli":
            lost = u < p.p
        else:
            self._bad = (u >= p.p_bg) if self._bad else (u < p.p_gb)
            lost = self._bad
        if lost:
            self.record(s, "dropped")
            return False
        return True


class InhibitedFault(FaultLayer):
    """No output at all (IM-1: the LRFs' laser enable was never armed)."""

    def apply(self, s: Sample) -> bool:
        if not (self.always or self.schedule.active(s.acquired_us, s.alt_m)):
            return True
        self.record(s, "inhibited")
        return False
