"""Plant + sensors + faults alone, no FSW: real-time factor of the terminal descent.

Budget (docs/design.md): >= 2000x real time. Measured on the path the closed loop takes: the
command sequence of a real closed-loop run (``nominal.toml``, robust stub, memory link;
``benchmarks/data/nominal_robust.csv``, see ``benchmarks/replay.py``) is replayed open
loop through the ``Simulator`` -- 2,165 commands, ~108 s of sim time, the actuator
rarely settled because the robust FSW keeps trimming its pitch. Beside it, for
comparison only (no budget), the old figure: a pitch-0 suicide-burn throttle law with
one LRF bias layer, a path the closed loop hardly takes. Prints medians over ``REPEATS``,
with min and max, runs interleaved so both see the same machine load.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from benchmarks.figures import Figures
from benchmarks.replay import DATA, load, replay
from harness.config.table import apply_overrides, load_toml
from harness.scenario import load_scenario, scenario_from_doc
from harness.simulator import Simulator

REPEATS = 7
CONFIGS = Path(__file__).resolve().parent.parent / "hil_configs"
BASE = CONFIGS / "base.toml"
REPLAY_SCENARIO = CONFIGS / "nominal.toml"
REPLAY_COMMANDS = DATA / "nominal_robust.csv"
#: one active fault layer on the LRF, so the fault path is in the old measurement
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


def pitch0_run() -> tuple[float, float]:
    """The old benchmark: open loop, pitch 0, one LRF fault layer."""
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


def replay_run() -> tuple[float, float]:
    """The closed loop's own commands, replayed (scenario built outside the timing)."""
    scenario = load_scenario(REPLAY_SCENARIO)
    commands = load(REPLAY_COMMANDS)
    t0 = time.perf_counter()
    sim = replay(scenario, commands)
    wall = time.perf_counter() - t0
    assert sim.touchdown is not None, "the replayed descent should touch down"
    return sim.t_us / 1e6, wall


def main(figures: Figures) -> None:
    replayed, pitch0 = [], []
    for _ in range(REPEATS):
        replayed.append(replay_run())
        pitch0.append(pitch0_run())
    for name, results, budget in (
        ("replayed closed-loop commands (nominal, robust)", replayed, BUDGET_X),
        ("pitch-0 throttle law + LRF bias (old benchmark)", pitch0, None),
    ):
        factors = [s / w for s, w in results]
        assert all(math.isfinite(f) for f in factors)
        print(f"plant+sensors+faults, {name}: {results[0][0]:.1f} s of sim, {REPEATS} runs")
        figures.add_median(name, factors, "x real time", budget=budget)


if __name__ == "__main__":
    main(Figures())
