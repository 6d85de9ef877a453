"""The short human summary `lunar-hil run` prints, and the milestones a plot marks."""

from __future__ import annotations

import math
from typing import Any

from harness.report.pacing import pacing_lines
from harness.runspec import RunResult

CAPTURE_NAME = "capture.lhcap"


def plot_milestones(m: dict[str, Any]) -> list[tuple[float, str]]:
    out = []
    if m.get("lrf_first_valid"):
        fv = m["lrf_first_valid"]
        out.append((fv["t_s"], f"LRF first valid {fv['alt_true_m']:.0f} m"))
    if m.get("lrf_latched_failed"):
        out.append((m["lrf_latched_failed"]["t_s"], "LRF latched failed"))
    if m.get("propellant_out"):
        out.append((m["propellant_out"]["t_s"], "propellant out"))
    return out


def jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    return x


def summary_lines(r: RunResult) -> list[str]:
    """The short human summary `lunar-hil run` prints."""
    res = r.result
    fsw = res["fsw"]
    flew = f"FSW: {fsw['kind']}, profile {fsw['profile']}: {fsw['endpoint']}"
    if fsw.get("command"):
        flew += f"; launched: {fsw['command']}"
    lines = [flew, f"verdict: {res['verdict'].upper()}  ({res['end_reason']})"]
    if res["causes"]:
        lines.append("causes: " + ", ".join(res["causes"]))
    td = res["touchdown"]
    if td:
        lines.append(
            f"touchdown: t={td['t_s']:.1f} s  v_z={td['vz_mps']:.2f} m/s"
            f"  v_x={td['vx_mps']:.2f} m/s  tilt={td['tilt_deg']:.1f}°"
            f"  propellant={td['propellant_kg']:.1f} kg"
        )
    m = res["metrics"]
    fv = m.get("lrf_first_valid")
    lines.append(
        f"LRF first valid at {fv['alt_true_m']:.0f} m, {abs(fv['vz_true_mps']):.0f} m/s"
        f" (t={fv['t_s']:.1f} s)"
        if fv
        else "LRF never valid"
    )
    if m.get("lrf_latched_failed"):
        lt = m["lrf_latched_failed"]
        lines.append(
            f"LRF declared failed by the FSW at {lt['alt_true_m']:.0f} m (t={lt['t_s']:.1f} s)"
        )
    if m.get("propellant_out"):
        po = m["propellant_out"]
        lines.append(
            f"propellant exhausted at t={po['t_s']:.1f} s,"
            f" {po.get('alt_true_m', float('nan')):.0f} m up"
        )
    if res.get("ticks"):
        lines.append(
            f"sim {res['sim_time_s']:.1f} s in {res['wall_time_s']:.2f} s wall:"
            f" {res['realtime_factor']:.0f}x real time (FSW boot {res['boot_wall_s']:.2f} s)"
        )
    else:
        lines.append(f"no tick was flown (FSW boot took {res['boot_wall_s']:.2f} s)")
    lines.extend(pacing_lines(res.get("realtime")))
    lines.append(f"artifacts: {r.run_dir}/ ({', '.join(res.get('artifacts', []))})")
    for name, why in res.get("artifact_errors", {}).items():
        lines.append(f"artifact not written: {name}: {why}")
    return lines
