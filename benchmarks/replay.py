"""Recorded closed-loop command sequences, replayed open loop through the ``Simulator``.

A benchmark of the plant must measure the path the closed loop takes: the robust FSW
keeps commanding small pitch changes, so the actuator is rarely settled. ``record``
flies a scenario once in memory (the in-process stub) and keeps the command of every
control tick; ``replay`` gives the same commands at the same ticks to a fresh
``Simulator`` exactly as the session does (advance to t_k, then command), so the
replayed plant follows the closed-loop trajectory to the bit.

File format (``benchmarks/data/*.csv``): a header line, then one line a tick,
``t_us,engine_on,throttle,pitch_rad`` with floats written by ``repr`` (exact round trip).
Re-record with ``python -m benchmarks.replay`` after a change to the stub or the plant.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from harness.scenario import Scenario
from harness.simulator import Simulator

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
#: (recording file, scenario, profile): what ``python -m benchmarks.replay`` records
RECORDINGS = (("nominal_robust.csv", ROOT / "hil_configs" / "nominal.toml", "robust"),)
HEADER = "t_us,engine_on,throttle,pitch_rad"


class Command(NamedTuple):
    t_us: int
    engine_on: bool
    throttle: float
    pitch_rad: float


def record(scenario_path: Path, profile: str) -> list[Command]:
    """Fly the scenario closed loop with the in-process stub; the command of every tick."""
    from harness import runner  # the whole loop: only needed to record

    with tempfile.TemporaryDirectory() as tmp:
        r = runner.run(
            runner.RunRequest(
                config=scenario_path,
                profile=profile,
                fsw_kind="memory",
                out=Path(tmp) / "rec",
                plot=False,
            )
        )
    return [Command(row.t_us, row.engine_on, row.throttle, row.pitch_cmd_rad) for row in r.rows]


def dump(commands: list[Command]) -> str:
    lines = [HEADER]
    lines += [f"{c.t_us},{int(c.engine_on)},{c.throttle!r},{c.pitch_rad!r}" for c in commands]
    return "\n".join(lines) + "\n"


def load(path: Path) -> list[Command]:
    return load_text(path.read_text(), str(path))


def load_text(text: str, where: str = "<recording>") -> list[Command]:
    lines = text.splitlines()
    if not lines or lines[0] != HEADER:
        raise ValueError(f"{where}: line 1: expected the header {HEADER!r}, found {lines[:1]}")
    out = []
    for n, line in enumerate(lines[1:], start=2):
        try:
            t, on, thr, pitch = line.split(",")
            out.append(Command(int(t), on == "1", float(thr), float(pitch)))
        except ValueError as exc:
            raise ValueError(f"{where}: line {n}: expected {HEADER}, found {line!r}") from exc
    return out


def replay(scenario: Scenario, commands: list[Command]) -> Simulator:
    """A fresh simulator flown through the commands tick by tick; stops at touchdown."""
    sim = Simulator(scenario)
    for c in commands:
        sim.advance_to(c.t_us)
        if sim.touchdown is not None:
            break
        sim.command(c.engine_on, c.throttle, c.pitch_rad)
    else:
        period = scenario.run.control_period_us
        t = commands[-1].t_us if commands else 0
        while sim.touchdown is None and t < int(scenario.run.max_sim_time_s * 1e6):
            t += period
            sim.advance_to(t)
    return sim


def main(argv: list[str]) -> int:
    DATA.mkdir(exist_ok=True)
    for name, scenario_path, profile in RECORDINGS:
        cmds = record(scenario_path, profile)
        (DATA / name).write_text(dump(cmds))
        print(f"{DATA / name}: {len(cmds)} commands ({scenario_path.name}, {profile})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
