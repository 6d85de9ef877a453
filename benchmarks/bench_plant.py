"""Plant + sensors + faults alone, no FSW: real-time factor of the terminal descent.

Budget (docs/design.md): >= 2000x real time. The base scenario (3 km, -60 m/s, 10 ms plant
step, IMU 100 Hz, LRF/attitude 10 Hz, contact probe 20 Hz) plus one LRF fault layer is
flown open loop by a simple suicide-burn throttle law evaluated at 20 Hz, as the session
would (advance_to each control tick), until touchdown (~116 s of sim time). Prints the
median real-time factor over ``REPEATS`` repetitions, its min and max, the budget and
OK / BELOW (the median against the budget). Machine load skews single runs; compare
before/after side by side, in the same minute.
"""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path

from benchmarks.figures import Figures
from harness.config.table import apply_overrides, load_toml
from harness.scenario import scenario_from_doc
from harness.simulator import Simulator

REPEATS = 7
BASE = Path(__file__).resolve().parent.parent / "hil_configs" / "base.toml"
#: one active fault layer on the LRF, so the fault path is in the measurement
FAULTS = [{"kind": "bias", "sensor": "lrf", "bias": 2.0}]
G = 1.62
#: docs/design.md "Performance budgets": plant + sensors + faults alone, x real time
BUDGET_X = 2000.0


def throttle_law(sim: Simulator) -> float:
    """Brake at a constant deceleration that stops the vehicle ~20 m up, hover-ish after."""
    tr = sim.truth
    v = -tr.vz_mps
    h = max(tr.alt_m - 20.0, 1.0)
    decel = v * v / (2 * h) if v > 0 else 0.0
    v_target = 2.0 if tr.alt_m < 25.0 else 0.0
    accel = G + decel + 0.5 * (v - v_target if tr.alt_m < 25.0 else 0.0)
    return min(1.0, max(0.0, accel * tr.mass_kg / sim.scenario.vehicle.max_thrust_n))


def one_run() -> tuple[float, float]:
    doc = apply_overrides(load_toml(BASE), ["run.max_sim_time_s=200"])
    doc["faults"] = FAULTS
    scenario = scenario_from_doc(doc, BASE)
    sim = Simulator(scenario)
    period = scenario.run.control_period_us
    max_k = int(scenario.run.max_sim_time_s * 1e6) // period
    t0 = time.perf_counter()
    k = 0
    while sim.touchdown is None and k < max_k:
        sim.command(True, throttle_law(sim), 0.0)
        k += 1
        sim.advance_to(k * period)
    wall = time.perf_counter() - t0
    assert sim.fault_summary(), "the fault layer should have acted"
    return sim.t_us / 1e6, wall


def main(figures: Figures) -> None:
    results = [one_run() for _ in range(REPEATS)]
    sim_s = results[0][0]
    factors = sorted(s / w for s, w in results)
    med = statistics.median(factors)
    print(f"plant+sensors+faults: {sim_s:.1f} s of terminal descent, 10 ms step, {REPEATS} runs")
    assert math.isfinite(med)
    figures.add(
        "plant+sensors+faults, median",
        med,
        "x real time",
        budget=BUDGET_X,
        min=factors[0],
        max=factors[-1],
    )


if __name__ == "__main__":
    main(Figures())
