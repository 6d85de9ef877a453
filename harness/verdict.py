"""Verdicts from the plant's truth at touchdown (docs/design.md; thresholds after Chandrayaan-3).

Soft: |v_z| <= 2 m/s, |v_h| <= 0.5 m/s, tilt <= 10 deg, tilt rate <= 5 deg/s (the
Chandrayaan-3 specification; docs/facts.md "Landing criteria"); marginal: the tested 3 m/s,
1 m/s and 12 deg tilt; anything worse is a crash, and so is a lander that tips over. The
local slope (``Touchdown.slope_deg``, over the footpads' 2 m base) enters through tipping
only: the terminal scenarios' 2 m roughness has ~2 % of 2 m baselines steeper than the
specification's 12 deg, and a slow lander stands on them (as the model says).

Tipping (cause ``tipped``): a rigid lander of footpad half-base a and centre-of-mass height
c pivots about its leading footpad when its lateral kinetic energy lifts the centre of
mass over that pad. On a slope sigma (+ rising toward +x), moving at v_x, the margin angle
to the pivot is beta - sigma' with beta = atan(a / c) and sigma' = +|sigma| moving downhill,
-|sigma| moving uphill; it tips when

    margin <= 0   or   v_x^2 / 2 > g L (1 - cos(margin)),   L = sqrt(a^2 + c^2).

With a = 1.0 m, c = 1.4 m (a ~2-4 m tall lander) that is 1.02 m/s on level ground (just
above the tested 1 m/s), 0.68 m/s downhill and 1.34 m/s uphill on 12 deg (IM-1: 1-2 m/s
lateral on ~12 deg, tipped).
"""

from __future__ import annotations

import math
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
    #: the lander tipped over at touchdown (lateral speed against the local slope)
    TIPPED = "tipped"


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
    #: the tipping model: footpad half-base, centre-of-mass height, surface gravity
    half_base_m: float = 1.0
    cg_height_m: float = 1.4
    g_mps2: float = 1.62


def tip_speed_mps(
    slope_deg: float, downhill: bool, c: LandingCriteria = LandingCriteria()
) -> float:
    """The lateral speed above which the lander tips over (0 when it cannot stand)."""
    beta = math.atan2(c.half_base_m, c.cg_height_m)
    sigma = math.radians(abs(slope_deg))
    margin = beta - sigma if downhill else beta + sigma
    if margin <= 0.0:
        return 0.0
    arm = math.hypot(c.half_base_m, c.cg_height_m)
    return math.sqrt(2.0 * c.g_mps2 * arm * (1.0 - math.cos(min(margin, math.pi / 2))))


def tipped(touchdown: Touchdown, criteria: LandingCriteria = LandingCriteria()) -> bool:
    """Over the tipping speed for its direction, or on ground too steep to stand on."""
    vx, slope = touchdown.vx_mps, touchdown.slope_deg
    downhill = vx * slope < 0.0  # moving toward lower ground
    cannot_stand = tip_speed_mps(slope, True, criteria) == 0.0
    return cannot_stand or abs(vx) > tip_speed_mps(slope, downhill, criteria)


def judge(touchdown: Touchdown, criteria: LandingCriteria = LandingCriteria()) -> Verdict:
    vz, vx = abs(touchdown.vz_mps), abs(touchdown.vx_mps)
    tilt, rate = abs(touchdown.tilt_deg), abs(touchdown.tilt_rate_dps)
    c = criteria
    if tipped(touchdown, c):
        return Verdict.CRASH
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
    as a cause and a line such as ``|v_z| 37.6 m/s > 3.0 m/s marginal limit`` -- and
    ``tipped`` with its numbers when the lander tipped over."""
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
    out = [
        (cause, f"{name} {value:.1f} {unit} > {limit:.1f} {unit} {level} limit")
        for cause, name, value, unit, limit in checks
        if value > limit
    ]
    if tipped(touchdown, c):
        slope, vx = touchdown.slope_deg, touchdown.vx_mps
        way = "downhill" if vx * slope < 0.0 else "uphill" if vx * slope > 0.0 else "level"
        limit = tip_speed_mps(slope, vx * slope < 0.0, c)
        why = f"tipped over: |v_x| {abs(vx):.2f} m/s {way} on {abs(slope):.1f}°"
        out.append((Cause.TIPPED, f"{why} > {limit:.2f} m/s"))
    return out
