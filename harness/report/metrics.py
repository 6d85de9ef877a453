"""The milestones an engineer asks for first, read off a run's telemetry rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from packets import LrfStatus, NavFlags

if TYPE_CHECKING:
    from harness.outcome import TickRow


def milestones(
    rows: Sequence[TickRow], propellant_out_us: int | None, dry_mass_kg: float
) -> dict[str, Any]:
    """First valid LRF (truth as delivered), LRF declared failed, the estimate near zero
    while still in the air, propellant out, minimum propellant, worst altitude error."""
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
        "ticks": len(rows),
    }
