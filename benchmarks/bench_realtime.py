"""Real time: 60 s of the nominal descent with the plant paced at its 100 Hz step and the
stub as a subprocess on its own clock over a pty (hil_configs/nominal_realtime.toml, cut
at 60 s of sim). Step jitter p50/p99/max, overruns, achieved ratio, command latency and
the drift (the last step's lateness: absolute deadlines cannot accumulate more) --
once under SCHED_OTHER, once under SCHED_FIFO where the OS permits.

Budgets (docs/design.md; meant for an idle machine -- say the load beside any figure):
SCHED_OTHER p99 <= 1 ms, ratio 1.00 +- 0.01, 0 overruns; SCHED_FIFO p99 <= 50 µs.
``LUNAR_HIL_RT_SECONDS=10`` shortens the runs for a quick look; ``LUNAR_HIL_RT_SPIN_MS=2.5``
sets ``[run] spin_ms`` (the spin before each deadline; 2.5 ms by default).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import runner
from harness.pacing import RtPriorityError
from harness.scenario import load_scenario

if TYPE_CHECKING:
    from benchmarks.figures import Figures

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "hil_configs" / "nominal_realtime.toml"
RT_PRIORITY = 50


def fly(
    seconds: float, rt_priority: int, scenario: Path = SCENARIO, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The ``realtime`` record of a paced run cut at ``seconds`` of sim, with its drift
    (the last step's lateness) and the step lateness, s (``lateness_s``)."""
    overrides = [f"run.max_sim_time_s={seconds}", f"run.rt_priority={rt_priority}", *extra]
    with tempfile.TemporaryDirectory(prefix="bench-rt-") as tmp:
        spec = runner.RunSpec(
            scenario=load_scenario(scenario, overrides),
            out=Path(tmp) / "run",
            artifacts="full",  # the capture and telemetry are written as in any run
            plot=False,
            keep_rows=False,
        )
        summary = runner.fly(spec)
        if summary.outcome is None or summary.outcome.pacing is None:
            raise RuntimeError(f"no pacing record: {summary.result.get('end_reason')}")
        rt = dict(summary.result["realtime"])
        rt["drift_ms"] = summary.outcome.pacing.lateness_s[-1] * 1e3
        rt["lateness_s"] = list(summary.outcome.pacing.lateness_s)
        rt["verdict"] = summary.result["verdict"]
    return rt


def main(figures: Figures) -> None:
    seconds = float(os.environ.get("LUNAR_HIL_RT_SECONDS", "60"))
    print(f"  load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)", flush=True)
    runs = [("other", 0)]
    runs.append(("fifo", RT_PRIORITY))
    for name, prio in runs:
        try:
            spin = os.environ.get("LUNAR_HIL_RT_SPIN_MS")
            rt = fly(seconds, prio, extra=(f"run.spin_ms={spin}",) if spin else ())
        except RtPriorityError as exc:
            print(f"  {name}: {exc}")
            continue
        p99_budget = 0.05 if prio else 1.0
        figures.add(f"{name}_jitter_p50", rt["jitter_p50_ms"], "ms", higher_is_better=False)
        figures.add(
            f"{name}_jitter_p99", rt["jitter_p99_ms"], "ms", budget=p99_budget,
            higher_is_better=False,
        )  # fmt: skip
        figures.add(f"{name}_jitter_max", rt["jitter_max_ms"], "ms", higher_is_better=False)
        figures.add(f"{name}_overruns", rt["overruns"], "steps", budget=0, higher_is_better=False)
        figures.add(f"{name}_worst_overrun", rt["worst_overrun_ms"], "ms", higher_is_better=False)
        figures.add(
            f"{name}_ratio_error", abs(rt["achieved_ratio"] - 1.0), "", budget=0.01,
            higher_is_better=False, achieved_ratio=rt["achieved_ratio"],
        )  # fmt: skip
        figures.add(f"{name}_drift", rt["drift_ms"], "ms", budget=1.0, higher_is_better=False)
        figures.add(
            f"{name}_cmd_latency_p50", rt["cmd_latency_p50_ms"], "ms", higher_is_better=False
        )
        figures.add(
            f"{name}_cmd_latency_p99", rt["cmd_latency_p99_ms"], "ms", higher_is_better=False
        )
        print(f"  {name}: {rt['steps']} steps, verdict {rt['verdict']}", flush=True)
    print(f"  load after: {os.getloadavg()[0]:.2f}", flush=True)
