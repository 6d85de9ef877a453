"""Verdicts from the plant's truth at touchdown (docs/design.md; thresholds after Chandrayaan-3)."""

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
    #: the touchdown broke this limit of the verdict it missed (see ``broken_limits``)
    TOUCHDOWN_VZ = "touchdown_vz"
    TOUCHDOWN_VX = "touchdown_vx"
    TOUCHDOWN_TILT = "touchdown_tilt"
    TOUCHDOWN_TILT_RATE = "touchdown_tilt_rate"
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


def broken_limits(
    touchdown: Touchdown, criteria: LandingCriteria = LandingCriteria()
) -> list[tuple[Cause, str]]:
    """Why a touchdown is not soft (or, for a crash, not marginal): each limit it broke,
    as a cause and a line such as ``|v_z| 37.6 m/s > 3.0 m/s marginal limit``."""
    c = criteria
    verdict = judge(touchdown, criteria)
    if verdict is Verdict.SOFT:
        return []
    level = "marginal" if verdict is Verdict.CRASH else "soft"
    checks = [
        (Cause.TOUCHDOWN_VZ, "|v_z|", abs(touchdown.vz_mps), "m/s",
         c.marginal_vz_mps if level == "marginal" else c.soft_vz_mps),
        (Cause.TOUCHDOWN_VX, "|v_x|", abs(touchdown.vx_mps), "m/s",
         c.marginal_vx_mps if level == "marginal" else c.soft_vx_mps),
        (Cause.TOUCHDOWN_TILT, "|tilt|", abs(touchdown.tilt_deg), "°",
         c.marginal_tilt_deg if level == "marginal" else c.soft_tilt_deg),
    ]  # fmt: skip
    if level == "soft":
        checks.append(
            (Cause.TOUCHDOWN_TILT_RATE, "|tilt rate|", abs(touchdown.tilt_rate_dps), "°/s",
             c.soft_tilt_rate_dps)
        )  # fmt: skip
    return [
        (cause, f"{name} {value:.1f} {unit} > {limit:.1f} {unit} {level} limit")
        for cause, name, value, unit, limit in checks
        if value > limit
    ]
