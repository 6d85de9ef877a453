"""Whole loop, lockstep: nominal, robust stub, in-process (memory link) and as a
subprocess over a pty. Prints the median real-time factor and µs per tick by stage.

Stages (class-level timers around room entry points, so the figures carry a few tenths
of a µs of timer cost each; on the memory link they count the thread's CPU time, which a
loaded machine skews far less than wall time -- the real-time factor stays wall time):
  plant    -- ``Lander.step`` (the integration)
  fsw      -- ``FlightSoftware.receive`` (the FSW's whole control cycle: its deframing,
              navigation, guidance, control and encoding)
  sensors  -- ``SensorSuite.on_step`` + ``pop_due`` (sensor models and fault layers)
  harness  -- everything else in the tick loop: framing, the line, the link, the
              capture, deframing the answers, the exchange, the row, the observers.
The harness's own overhead is ``sensors + harness``: everything but the plant
integration and the FSW's control cycle.

Side by side with another checkout (e.g. the commit before a change)::

    git worktree add /tmp/base 168679c
    LUNAR_HIL_BASELINE=/tmp/base .venv/bin/python -m benchmarks loop

runs each measurement in a fresh subprocess, alternating this tree and the baseline,
and prints the ratios. Budget (docs/design.md): memory >= 300x (target 400x), pty >= 100x
(target 200x).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the worker runs against other trees too: it imports only the harness
    from benchmarks.figures import Figures

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "hil_configs" / "nominal.toml"
REPS = 5
BUDGET = {"memory": 300.0, "python-stub": 100.0}


def _timed(cls: type, name: str, bucket: list[int], clock: Callable[[], int]) -> None:
    """Wrap ``cls.name`` so its time on ``clock`` adds up in ``bucket[0]`` (ns)."""
    inner: Callable[..., Any] = getattr(cls, name)

    def wrapper(*a: Any, **k: Any) -> Any:
        t0 = clock()
        try:
            return inner(*a, **k)
        finally:
            bucket[0] += clock() - t0

    setattr(cls, name, wrapper)


def worker(kind: str) -> dict[str, Any]:
    """One run in this process, with stage timers; works on this tree and older ones."""
    from fsw_stub.core import FlightSoftware
    from harness import runner
    from harness.plant.lander import Lander
    from harness.sensors.suite import SensorSuite
    from harness.session import Session

    # memory: thread CPU time (one thread does it all; a loaded machine barely skews it);
    # pty: wall time (the round trip is the point)
    clock = time.thread_time_ns if kind == "memory" else time.perf_counter_ns
    plant, fsw, sensors, link_read, session = [0], [0], [0], [0], [0]
    _timed(Lander, "step", plant, clock)
    _timed(FlightSoftware, "receive", fsw, clock)
    _timed(SensorSuite, "on_step", sensors, clock)
    _timed(SensorSuite, "pop_due", sensors, clock)
    _timed(Session, "run", session, clock)
    if kind != "memory":
        from harness.link.pty import PtyPair

        _timed(PtyPair, "read", link_read, clock)
    with tempfile.TemporaryDirectory() as tmp:
        r = runner.run(
            runner.RunRequest(
                config=SCENARIO, profile="robust", fsw_kind=kind, out=Path(tmp) / "r", plot=False
            )
        )
    res = r.result
    ticks = res["metrics"]["ticks"]
    loop_us = session[0] / 1e3 if kind == "memory" else res["wall_time_s"] * 1e6
    per = {"plant": plant[0] / 1e3, "fsw": fsw[0] / 1e3, "sensors": sensors[0] / 1e3}
    if kind == "memory":
        per["harness"] = loop_us - per["plant"] - per["fsw"] - per["sensors"]
    else:
        # the boot exchange reads too (waiting for the child's PONG): not in the loop
        per["waiting on the pty"] = link_read[0] / 1e3 - res["boot_wall_s"] * 1e6
        per["harness"] = loop_us - per["plant"] - per["sensors"] - per["waiting on the pty"]
        del per["fsw"]
    return {
        "verdict": res["verdict"],
        "rtf": res["realtime_factor"],
        "ticks": ticks,
        "us_per_tick": {k: v / ticks for k, v in per.items()},
        "loop_us_per_tick": loop_us / ticks,
    }


def _spawn(tree: Path, kind: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", kind],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _median_stages(runs: list[dict[str, Any]]) -> dict[str, float]:
    keys = runs[0]["us_per_tick"].keys()
    return {k: statistics.median(r["us_per_tick"][k] for r in runs) for k in keys}


def main(figures: Figures, reps: int = REPS) -> None:
    baseline = os.environ.get("LUNAR_HIL_BASELINE")
    trees = [("this tree", ROOT)] + ([("baseline", Path(baseline))] if baseline else [])
    print(f"whole loop, lockstep, {SCENARIO.name}, robust stub, {reps} runs each, load "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    for kind in ("memory", "python-stub"):
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in trees}
        for _ in range(reps):
            for label, tree in trees:
                runs[label].append(_spawn(tree, kind))
        for label, _ in trees:
            rs = runs[label]
            rtf = [r["rtf"] for r in rs]
            stages = _median_stages(rs)
            own = stages["sensors"] + stages["harness"]
            print(f"  {kind} [{label}]: " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
                  + f" µs/tick; harness's own {own:.1f} µs/tick")  # fmt: skip
            if label == "this tree":
                figures.add(
                    f"{kind} lockstep, median",
                    statistics.median(rtf),
                    "x real time",
                    budget=BUDGET[kind],
                    min=min(rtf),
                    max=max(rtf),
                    us_per_tick=stages,
                )
                figures.add(
                    f"{kind} harness's own overhead", own, "µs/tick", higher_is_better=False
                )
        if baseline:
            cur = _median_stages(runs["this tree"])
            base = _median_stages(runs["baseline"])
            ratio = (cur["sensors"] + cur["harness"]) / (base["sensors"] + base["harness"])
            rtf_ratio = statistics.median(r["rtf"] for r in runs["this tree"]) / statistics.median(
                r["rtf"] for r in runs["baseline"]
            )
            figures.add(f"{kind} harness overhead vs baseline", ratio, "x", higher_is_better=False)
            figures.add(f"{kind} real-time factor vs baseline", rtf_ratio, "x")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2])))
    else:
        from benchmarks.figures import Figures

        main(Figures(), int(sys.argv[1]) if len(sys.argv) > 1 else REPS)
