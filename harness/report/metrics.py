"""The milestones an engineer asks for first, read off a run's telemetry rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from packets import LrfStatus, NavFlags

if TYPE_CHECKING:
    from harness.outcome import TickRow


#: a command at or above this throttle counts as full thrust (control saturated)
FULL_THROTTLE = 0.99
#: the net braking deceleration below which a vehicle is taken as unable to stop (m/s²)
MIN_NET_DECEL_MPS2 = 0.01


def milestones(
    rows: Sequence[TickRow],
    propellant_out_us: int | None,
    dry_mass_kg: float,
    max_thrust_n: float | None = None,
    g_mps2: float = 1.62,
) -> dict[str, Any]:
    """First valid LRF (truth as delivered), LRF declared failed, the estimate near zero
    while still in the air, propellant out, minimum propellant, worst altitude error and,
    given the engine's ``max_thrust_n``, the braking margin: the least, over the descent,
    of the true altitude less the distance full vertical thrust needs to stop the descent,
    ``h - vz² / (2 (T_max / m - g))`` (negative: no throttle could have saved it from
    then on) -- a margin that shrinks smoothly as a descent nears a crash."""
    margin = math.inf
    full_thrust_us = 0
    prev: TickRow | None = None
    first_valid = None
    latched = None
    est_zero = None
    max_err = 0.0
    min_prop = math.inf
    for r in rows:
        tr = r.truth
        if first_valid is None and r.lrf_sent is not None and r.lrf_sent.status & LrfStatus.VALID:
            first_valid = {
                "t_s": r.t_us / 1e6,
                "alt_true_m": tr.alt_m,
                "vz_true_mps": tr.vz_mps,
            }
        st = r.status
        if st is not None:
            max_err = max(max_err, abs(st.est_alt_m - tr.alt_m))
            if latched is None and st.nav_flags & NavFlags.LRF_FAILED:
                latched = {"t_s": r.t_us / 1e6, "alt_true_m": tr.alt_m, "est_alt_m": st.est_alt_m}
            if est_zero is None and st.est_alt_m <= 10.0 and tr.alt_m > 50.0:
                est_zero = {"t_s": r.t_us / 1e6, "alt_true_m": tr.alt_m, "vz_true_mps": tr.vz_mps}
        min_prop = min(min_prop, tr.mass_kg)
        if prev is not None and prev.engine_on and prev.throttle >= FULL_THROTTLE:
            full_thrust_us += r.t_us - prev.t_us
        prev = r
        if max_thrust_n is not None and tr.vz_mps < 0.0 and not tr.landed:
            net = max(max_thrust_n / tr.mass_kg - g_mps2, MIN_NET_DECEL_MPS2)
            margin = min(margin, tr.alt_m - tr.vz_mps * tr.vz_mps / (2.0 * net))
    prop_out = None
    if propellant_out_us is not None:
        prop_out = {"t_s": propellant_out_us / 1e6}
        for r in rows:
            if r.t_us >= propellant_out_us:
                prop_out["alt_true_m"] = r.truth.alt_m
                break
    return {
        "lrf_first_valid": first_valid,
        "lrf_latched_failed": latched,
        "estimate_near_zero_in_air": est_zero,
        "propellant_out": prop_out,
        "min_propellant_kg": None if math.isinf(min_prop) else min_prop - dry_mass_kg,
        "max_abs_alt_error_m": max_err,
        "braking_margin_min_m": None if math.isinf(margin) else margin,
        "full_thrust_s": full_thrust_us / 1e6,
        "ticks": len(rows),
    }
