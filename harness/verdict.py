"""Verdicts from the plant's truth at touchdown (DESIGN.md; thresholds after Chandrayaan-3)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from harness.plant.state import Touchdown


class Verdict(StrEnum):
    SOFT = "soft"
    MARGINAL = "marginal"
    CRASH = "crash"
    NO_TOUCHDOWN = "no_touchdown"
    FSW_TIMEOUT = "fsw_timeout"
    FSW_CRASH = "fsw_crash"
    LINK_LOST = "link_lost"
    #: the FSW kept sending no valid ENGINE_CMD for longer than allowed (ICD §4)
    FSW_PROTOCOL = "fsw_protocol"
    #: the operator interrupted the run (Ctrl-C); the artifacts hold what it had
    ABORTED = "aborted"


class Cause(StrEnum):
    FUEL_EXHAUSTED = "fuel_exhausted"
    LRF_LATCHED_FAILED = "lrf_latched_failed"
    LRF_FALLBACK = "fallback_navigation"
    ENGINE_CMD_REJECTED = "engine_cmd_rejected"
    ENGINE_CMD_LOST = "engine_cmd_lost"
    STALE_ANSWERS = "stale_answers"


@dataclass(frozen=True)
class LandingCriteria:
    """Touchdown limits (magnitudes); soft ⊂ marginal, everything worse is a crash."""

    soft_vz_mps: float = 2.0
    soft_vx_mps: float = 0.5
    soft_tilt_deg: float = 10.0
    soft_tilt_rate_dps: float = 5.0
    marginal_vz_mps: float = 3.0
    marginal_vx_mps: float = 1.0
    marginal_tilt_deg: float = 12.0


def judge(touchdown: Touchdown, criteria: LandingCriteria = LandingCriteria()) -> Verdict:
    vz, vx = abs(touchdown.vz_mps), abs(touchdown.vx_mps)
    tilt, rate = abs(touchdown.tilt_deg), abs(touchdown.tilt_rate_dps)
    c = criteria
    if (
        vz <= c.soft_vz_mps
        and vx <= c.soft_vx_mps
        and tilt <= c.soft_tilt_deg
        and rate <= c.soft_tilt_rate_dps
    ):
        return Verdict.SOFT
    if vz <= c.marginal_vz_mps and vx <= c.marginal_vx_mps and tilt <= c.marginal_tilt_deg:
        return Verdict.MARGINAL
    return Verdict.CRASH
