"""LRF measurement handling: range to altitude, the innovation gate, and what each
profile does with a measurement the gate rejects.

Range to altitude (ICD §3, LRF): the boresight is body -X tilted by the mount angle, so
at vehicle tilt θ its angle from the vertical is ψ = θ + mount_tilt_rad and, over level
ground, ``alt = range cos ψ``.

Gate: the normalised innovation squared ``ν² / (P_hh + R)`` against ``gates.chi2``
(6.63 = 99 % for one degree of freedom), ``R = (noise_frac range + noise_floor)²``, or
-- terrain relief under the beam is real -- ``|ν| <= relief_floor_m + relief_frac h``
(Apollo's landing-radar gate was |ΔH| < 50 ft + H/8). Before the first acquisition
there is no LRF history to disagree with, and the allowance is ``acquire_relief_frac h``:
the first fix re-initialises the altitude (HAKUTO-R M2 did use its late LRF). A 3 km
cliff after acquisition (M1) is far outside the allowance.

* naive: a measurement is used as if taken on arrival (its CUC time is ignored);
  ``latch_n`` consecutive rejections declare the LRF failed -- for good (HAKUTO-R M1).
* robust: a stamped measurement is carried from its acquisition time to now by the
  IMU displacement since then (``History``), tilt taken at acquisition; rejected
  measurements are kept, and when M of the last N measurements were rejected *and*
  agree with each other once carried to now by the IMU's motion (chi-square
  consistency of ``alt_i + (disp_now - disp_i)`` about their mean), the disagreement is
  a true terrain step, not a failed sensor: the altitude is re-baselined to them.
  A failed sensor (stuck, random, drifting) does not agree with the IMU and is never
  re-baselined to; robust never latches, it keeps testing every measurement.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from fsw_stub.config import FswConfig
from fsw_stub.nav import History, VerticalFilter
from fsw_stub.telemetry import EventCode

US = 1_000_000


@dataclass
class LrfResult:
    """What one LRF packet did, for nav_flags and events."""

    accepted: bool = False
    rejected: bool = False
    events: tuple[tuple[EventCode, float], ...] = ()


_NOTHING = LrfResult()


def chi2_99(dof: int) -> float:
    """The 99 % quantile of chi-square with ``dof`` degrees of freedom (Wilson-Hilferty)."""
    k = float(max(dof, 1))
    z = 2.3263  # 99 % one-sided normal quantile
    return k * (1.0 - 2.0 / (9.0 * k) + z * math.sqrt(2.0 / (9.0 * k))) ** 3


class LrfMonitor:
    """Gate, acquisition, staleness, latch (naive) and re-baselining (robust)."""

    def __init__(self, cfg: FswConfig) -> None:
        self.cfg = cfg
        self.robust = cfg.robust
        self.accepted = 0
        self.rejected = 0
        self.consecutive_rejections = 0
        self.consecutive_accepts = 0
        self.acquired = False
        self.latched_failed = False
        self.last_accept_us: int | None = None
        self.stale_reported = False
        #: robust: the last N outcomes, (rejected, altitude, displacement at acquisition)
        self.window: deque[tuple[bool, float, float]] = deque(maxlen=cfg.gates.rebaseline_n)

    def stale(self, now_us: int) -> bool:
        last = self.last_accept_us
        return last is None or now_us - last > self.cfg.lrf.stale_s * US

    def process(
        self,
        range_m: float,
        status: int,
        acq_us: int,
        now_us: int,
        tilt_now: float,
        kf: VerticalFilter,
        hist: History,
    ) -> LrfResult:
        """Handle one LRF packet received when the navigation time is ``now_us``."""
        if not status & 0x01 or range_m <= 0.0:
            return _NOTHING  # not a measurement: only staleness grows
        cfg = self.cfg
        if self.latched_failed:
            self.rejected = min(self.rejected + 1, 0xFFFF)
            return LrfResult(rejected=True)
        shift = 0.0
        tilt = tilt_now
        disp_acq = hist.total
        if self.robust:
            age_us = now_us - acq_us
            if age_us > cfg.lrf.max_latency_s * US:
                return _NOTHING  # too old to carry forward: not a measurement
            then = hist.at(acq_us) if age_us > 0 else None
            if then is not None:
                disp_acq, tilt = then
                shift = hist.total - disp_acq
        cos_psi = math.cos(tilt + cfg.lrf.mount_tilt_rad)
        if cos_psi < 0.2:
            return _NOTHING  # boresight too far from the vertical to be an altitude
        alt = range_m * cos_psi
        sigma = cfg.lrf.noise_frac * range_m + cfg.lrf.noise_floor_m
        r = sigma * sigma
        z = alt + shift
        nu, s = kf.innovation(0, z, r)
        frac = cfg.gates.relief_frac if self.acquired else cfg.gates.acquire_relief_frac
        relief = cfg.gates.relief_floor_m + frac * max(kf.h, 0.0)
        if nu * nu <= cfg.gates.chi2 * s or abs(nu) <= relief:
            kf.update(0, z, r)
            return self._accept(now_us, kf)
        return self._reject(nu, alt, disp_acq, sigma, now_us, kf, hist)

    def _accept(self, now_us: int, kf: VerticalFilter) -> LrfResult:
        self.accepted = min(self.accepted + 1, 0xFFFF)
        self.consecutive_rejections = 0
        self.consecutive_accepts += 1
        self.last_accept_us = now_us
        self.stale_reported = False
        self.window.append((False, 0.0, 0.0))
        if not self.acquired and self.consecutive_accepts >= self.cfg.lrf.acquire_n:
            self.acquired = True
            return LrfResult(accepted=True, events=((EventCode.LRF_ACQUIRED, kf.h),))
        return LrfResult(accepted=True)

    def _reject(
        self,
        nu: float,
        alt: float,
        disp_acq: float,
        sigma: float,
        now_us: int,
        kf: VerticalFilter,
        hist: History,
    ) -> LrfResult:
        gates = self.cfg.gates
        self.rejected = min(self.rejected + 1, 0xFFFF)
        self.consecutive_rejections += 1
        self.consecutive_accepts = 0
        events: list[tuple[EventCode, float]] = []
        if self.consecutive_rejections == 1:
            events.append((EventCode.LRF_REJECTED, nu))
        if not self.robust:
            if self.consecutive_rejections >= gates.latch_n:
                self.latched_failed = True
                events.append((EventCode.LRF_LATCHED_FAILED, nu))
            return LrfResult(rejected=True, events=tuple(events))
        self.window.append((True, alt, disp_acq))
        implied = [a + hist.total - d for rej, a, d in self.window if rej]
        m = gates.rebaseline_m
        if len(implied) >= m:
            implied = implied[-m:]
            mean = sum(implied) / m
            var = sigma * sigma + gates.terrain_sigma_m**2
            if sum((a - mean) * (a - mean) for a in implied) / var <= chi2_99(m - 1):
                step = mean - kf.h
                kf.rebaseline(mean, math.sqrt(var / m))
                self.window.clear()
                self.consecutive_rejections = 0
                self.last_accept_us = now_us
                self.stale_reported = False
                events.append((EventCode.LRF_REBASELINED, step))
                if not self.acquired:
                    self.acquired = True
                    events.append((EventCode.LRF_ACQUIRED, mean))
        return LrfResult(rejected=True, events=tuple(events))
