"""Whole loop, lockstep: the nominal scenario with the FSW stub as a subprocess over a
pty, and in-process over the memory link. Prints the median real-time factor.

Budget (DESIGN.md): pty >= 100x real time (target 300x); memory >= 300x.
Run: .venv/bin/python -m benchmarks loop   (or: .venv/bin/python benchmarks/bench_loop.py [reps])
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.figures import Figures
from harness import runner

SCENARIO = Path(__file__).resolve().parents[1] / "hil_configs" / "nominal.toml"


def measure(kind: str, reps: int) -> list[float]:
    factors = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            r = runner.run(
                runner.RunRequest(
                    config=SCENARIO,
                    profile="robust",
                    fsw_kind=kind,
                    out=Path(tmp) / f"{kind}-{i}",
                    plot=False,
                )
            )
            factors.append(r.result["realtime_factor"])
            verdict = r.result["verdict"]
    print(f"  ({kind}: last verdict {verdict}, sim {r.result['sim_time_s']:.1f} s)")
    return factors


def main(figures: Figures, reps: int = 5) -> None:
    print(f"whole loop, lockstep, {SCENARIO.name}, robust stub, {reps} runs each")
    for kind, budget in (("memory", 300.0), ("python-stub", 100.0)):
        f = measure(kind, reps)
        figures.add(
            f"{kind} lockstep, median",
            statistics.median(f),
            "x real time",
            budget=budget,
            min=min(f),
            max=max(f),
        )


if __name__ == "__main__":
    main(Figures(), int(sys.argv[1]) if len(sys.argv) > 1 else 5)
