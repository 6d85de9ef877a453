"""A real-time run's pacing health for people: the summary lines and jitter.png.

jitter.png has two panels: each plant step's lateness past its deadline over the run
(with the p99 and the 1 ms budget drawn), and the command latencies' distribution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.pacing import PacingRecord, percentile
from harness.report.plot import _pyplot

#: docs/design.md "Performance budgets": p99 step jitter at a 100 Hz plant step
JITTER_P99_BUDGET_MS = 1.0


def pacing_lines(rt: Mapping[str, Any] | None) -> list[str]:
    """The run summary's pacing lines (none for a lockstep run)."""
    if not rt:
        return []

    def ms(key: str) -> str:
        v = rt.get(key)
        return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"

    return [
        f"pacing ({rt['scheduling']}, speed {rt['speed']:g}x): step jitter p50/p99/max"
        f" {ms('jitter_p50_ms')}/{ms('jitter_p99_ms')}/{ms('jitter_max_ms')} ms,"
        f" {rt['overruns']} overruns (worst {ms('worst_overrun_ms')} ms),"
        f" achieved ratio {rt['achieved_ratio']:.4f}",
        f"commands: {rt['commands']} arrived, latency p50/p99/max {ms('cmd_latency_p50_ms')}"
        f"/{ms('cmd_latency_p99_ms')}/{ms('cmd_latency_max_ms')} ms;"
        f" {rt['late_commands']} late, {rt['missing_commands']} control periods without one",
    ]


def plot_jitter(path: Path, rec: PacingRecord, *, title: str) -> None:
    late_ms = [x * 1e3 for x in rec.lateness_s]
    if not late_ms:
        return
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 7))
    t = [i * rec.step_us / 1e6 for i in range(len(late_ms))]
    ax1.plot(t, late_ms, ".", ms=2, color="tab:blue")
    p99 = percentile(late_ms, 99)
    ax1.axhline(p99, color="tab:orange", lw=1, label=f"p99 {p99:.3f} ms")
    ax1.axhline(JITTER_P99_BUDGET_MS, color="tab:red", lw=1, ls="--", label="budget 1 ms")
    ax1.set_yscale("symlog", linthresh=0.01)
    ax1.set_ylim(bottom=0.0)
    ax1.set_xlabel("sim time, s")
    ax1.set_ylabel("step lateness, ms")
    ax1.set_title(
        f"{title} · {rec.scheduling} · {rec.overruns} overruns · ratio {rec.achieved_ratio:.4f}"
    )
    ax1.legend(loc="upper right")
    lat_ms = [x * 1e3 for x in rec.cmd_latency_s]
    if lat_ms:
        ax2.hist(lat_ms, bins=60, color="tab:green")
        ax2.set_title(
            f"command latency (arrival - the time it answers): p50 {percentile(lat_ms, 50):.2f}"
            f" ms, p99 {percentile(lat_ms, 99):.2f} ms, {len(lat_ms)} commands"
        )
    else:
        ax2.set_title("no command arrived")
    ax2.set_xlabel("ms")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
