"""The whole powered descent in memory: real-time factor of nominal_full.toml.

Budget (issue 16): >= 200x real time. From 20 km at orbital speed on the curved Moon
(central gravity) through braking, pitch-up and the terminal descent to touchdown,
~900 s of sim time (~8x the terminal scenario), the robust stub in-process over the
memory link (the whole loop: plant, sensors, link, FSW). Prints the median of ``REPS``
runs with min and max, and the terminal nominal.toml beside it for scale (no budget).
Run: .venv/bin/python -m benchmarks descent
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.figures import Figures
from harness import runner

CONFIGS = Path(__file__).resolve().parents[1] / "hil_configs"
BUDGET_X = 200.0


def measure(scenario: str, reps: int) -> tuple[list[float], float]:
    factors = []
    sim_s = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            r = runner.run(
                runner.RunRequest(
                    config=CONFIGS / f"{scenario}.toml",
                    profile="robust",
                    fsw_kind="memory",
                    out=Path(tmp) / f"{scenario}-{i}",
                    plot=False,
                )
            )
            assert r.result["verdict"] == "soft", r.result["end_reason"]
            factors.append(r.result["realtime_factor"])
            sim_s = r.result["sim_time_s"]
    return factors, sim_s


def main(figures: Figures, reps: int = 5) -> None:
    for scenario, budget in (("nominal_full", BUDGET_X), ("nominal", None)):
        f, sim_s = measure(scenario, reps)
        print(f"  ({scenario}: {sim_s:.0f} s of sim, robust stub in memory, {reps} runs)")
        figures.add_median(f"{scenario} in memory", f, "x real time", budget=budget)


if __name__ == "__main__":
    main(Figures(), int(sys.argv[1]) if len(sys.argv) > 1 else 5)
