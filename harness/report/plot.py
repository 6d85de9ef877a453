"""descent.png: the four panels a failure review starts from -- altitude (true, FSW
estimate, LRF returns), vertical speed, throttle and propellant -- with fault windows
shaded and the milestones marked.

matplotlib is imported inside the functions that draw: a CLI call or a campaign worker
that draws nothing does not pay for it (~0.7 s).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.outcome import TickRow
from packets import LrfStatus

if TYPE_CHECKING:
    from types import ModuleType


def _pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_descent(
    path: Path,
    rows: Sequence[TickRow],
    *,
    title: str,
    fault_windows: Sequence[tuple[float, float, str]] = (),
    milestones: Sequence[tuple[float, str]] = (),
    dry_mass_kg: float = 0.0,
    lrf_tilt_rad: float = 0.0,
) -> None:
    if not rows:
        return
    t = [r.t_us / 1e6 for r in rows]
    alt = [r.truth.alt_m for r in rows]
    vz = [r.truth.vz_mps for r in rows]
    est_t = [r.t_us / 1e6 for r in rows if r.status is not None]
    est_alt = [r.status.est_alt_m for r in rows if r.status is not None]
    est_vz = [r.status.est_vz_mps for r in rows if r.status is not None]
    lrf_t, lrf_alt = [], []
    for r in rows:
        if r.lrf_sent is not None and r.lrf_sent.status & LrfStatus.VALID:
            lrf_t.append(r.t_us / 1e6)
            lrf_alt.append(r.lrf_sent.range_m * math.cos(r.truth.tilt_rad + lrf_tilt_rad))
    thr = [r.throttle if r.engine_on else 0.0 for r in rows]
    prop = [r.truth.mass_kg - dry_mass_kg for r in rows]

    plt = _pyplot()
    fig, axes = plt.subplots(4, 1, figsize=(10, 11), sharex=True)
    ax = axes[0]
    if lrf_t:  # under the truth, so the true altitude stays visible where they agree
        ax.plot(
            lrf_t, lrf_alt, "C2.", ms=1.8, alpha=0.5, zorder=1, label="LRF (valid, as altitude)"
        )
    ax.plot(t, alt, "k-", lw=1.6, zorder=3, label="true altitude")
    ax.plot(est_t, est_alt, "C1--", lw=1.3, zorder=2, label="FSW estimate")
    # touchdown (or the last tick): a marker on the altitude and speed panels
    ax.plot(t[-1], alt[-1], "kX", ms=9, zorder=4, label=f"end: v_z {vz[-1]:.1f} m/s")
    ax.set_ylabel("altitude above terrain [m]")
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1]
    ax.plot(t, vz, "k-", lw=1.6, label="true v_z")
    ax.plot(t[-1], vz[-1], "kX", ms=9)
    ax.plot(est_t, est_vz, "C1--", lw=1.3, label="FSW estimate")
    ax.axhline(-2.0, color="C3", lw=0.8, ls=":", label="soft limit -2 m/s")
    ax.set_ylabel("vertical speed [m/s]")
    ax.legend(loc="best", fontsize=8)
    ax = axes[2]
    ax.plot(t, thr, "C0-", lw=1.2, label="commanded throttle")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("throttle")
    ax = axes[3]
    ax.plot(t, prop, "C4-", lw=1.4)
    ax.set_ylabel("propellant [kg]")
    ax.set_xlabel("sim time [s]")
    for a in axes:
        a.grid(alpha=0.3)
        for i, (t0, t1, label) in enumerate(fault_windows):
            a.axvspan(
                t0, t1, color="C3", alpha=0.12, label=label if (a is axes[0] and i < 4) else None
            )
        for tm, _ in milestones:
            a.axvline(tm, color="0.4", lw=0.8, ls="--")
    # milestone labels in a strip above the top panel, staggered: never over the data
    strip = axes[0].get_xaxis_transform()
    for i, (tm, label) in enumerate(sorted(milestones)):
        axes[0].annotate(
            f"{label} (t={tm:.0f} s)", (tm, 1.0), xytext=(tm, 1.03 + 0.075 * (i % 3)),
            textcoords=strip, xycoords=strip, fontsize=7, ha="left", va="bottom",
            arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.6},
        )  # fmt: skip
    if fault_windows:
        axes[0].legend(loc="upper right", fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95 if milestones else 0.98))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fault_windows_of(summary: Sequence[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """Shade where each fault actually did something (first to last applied)."""
    out = []
    for f in summary:
        t0, t1 = f.get("first_t_s"), f.get("last_t_s")
        if t0 is None or t1 is None:
            continue
        out.append((float(t0), float(max(t1, t0 + 0.5)), f"{f.get('kind')} ({f.get('sensor')})"))
    return out


def plot_comparison(
    path: Path,
    runs: Sequence[tuple[str, Sequence[TickRow], str]],
    *,
    title: str,
    milestones: Sequence[tuple[float, str]] = (),
) -> None:
    """Several runs of one scenario on shared axes: true vs estimated altitude, v_z."""
    plt = _pyplot()
    fig, (ax_h, ax_v) = plt.subplots(2, 1, figsize=(10, 7.5), sharex=True)
    for i, (label, rows, verdict) in enumerate(runs):
        if not rows:
            continue
        c = f"C{i}"
        t = [r.t_us / 1e6 for r in rows]
        ax_h.plot(t, [r.truth.alt_m for r in rows], c, lw=1.8, label=f"{label}: true ({verdict})")
        est = [(r.t_us / 1e6, r.status.est_alt_m) for r in rows if r.status is not None]
        if est:
            ax_h.plot(*zip(*est, strict=True), c, ls="--", lw=1.1, label=f"{label}: FSW estimate")
        ax_v.plot(t, [r.truth.vz_mps for r in rows], c, lw=1.8, label=f"{label} ({verdict})")
        ax_h.plot(t[-1], rows[-1].truth.alt_m, c, marker="X", ms=10)
    ax_h.set_ylabel("altitude above terrain [m]")
    ax_v.set_ylabel("true vertical speed [m/s]")
    ax_v.axhline(-2.0, color="C3", lw=0.8, ls=":", label="soft limit -2 m/s")
    ax_v.set_xlabel("sim time [s]")
    for a in (ax_h, ax_v):
        a.grid(alpha=0.3)
        for tm, _ in milestones:
            a.axvline(tm, color="0.4", lw=0.8, ls="--")
        a.legend(fontsize=8, loc="upper right" if a is ax_h else "lower right")
    for tm, label in milestones:
        lo, hi = ax_h.get_ylim()
        ax_h.annotate(
            label, (tm, hi - 0.04 * (hi - lo)), rotation=90, va="top", ha="right", fontsize=7
        )
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
