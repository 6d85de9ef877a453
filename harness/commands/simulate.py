"""Run the plant open loop (no FSW) from a command table, to validate it before trusting a verdict.

The command table is a CSV with the header ``t_s,engine_on,throttle,pitch_rad``; each
row holds from its time on (quantised up to the next plant step); before the first row
the engine keeps its initial state. Writes DIR/telemetry.csv (one row per plant step),
DIR/capture.lhcap (every sensor packet, H2F, at its delivery time; `lunar-hil decode`
reads it) and DIR/result.json (the touchdown state, or null). DIR (--out) must be new or
empty unless --force, as a run's.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.config.table import read_text
from harness.errors import InputError
from harness.link.capture import H2F, CaptureWriter
from harness.plant.state import Truth
from harness.rundir import RunDir
from harness.scenario import Scenario, load_scenario
from harness.scenarios import find_scenario
from harness.simulator import Simulator
from packets import Framer

COLUMNS = ("t_s", "engine_on", "throttle", "pitch_rad")
TELEMETRY_COLUMNS = (
    "t_s",
    "x_m",
    "z_m",
    "alt_m",
    "vx_mps",
    "vz_mps",
    "tilt_rad",
    "tilt_rate_radps",
    "mass_kg",
    "thrust_n",
    "engine_on",
    "throttle_cmd",
    "pitch_cmd_rad",
)
_TRUE = ("1", "true", "on", "yes")
_FALSE = ("0", "false", "off", "no")


@dataclass(frozen=True)
class CommandRow:
    t_us: int
    engine_on: bool
    throttle: float
    pitch_rad: float


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="scenario TOML, or a shipped scenario's name")
    p.add_argument(
        "--commands", type=Path, required=True, help="CSV: t_s,engine_on,throttle,pitch_rad"
    )
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--out", type=Path, help="output directory, new or empty (default under runs/)")
    p.add_argument(
        "--force", action="store_true", help="clear --out first if it holds a previous run"
    )
    p.add_argument("--seed", type=int, help="run seed (default: the scenario's)")


def read_commands(path: Path) -> list[CommandRow]:
    """Parse the command table; an error names the file, line and column."""
    text = read_text(path, "command table")  # a directory, no file, not UTF-8: located
    lines = [(i, ln) for i, ln in enumerate(text.splitlines(), 1) if ln.strip()]
    lines = [(i, ln) for i, ln in lines if not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"{path}: empty command table (expected a header {','.join(COLUMNS)})")
    header_line, header = lines[0]
    names = [c.strip() for c in next(csv.reader([header]))]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputError(
            f"{path}:{header_line}: header: expected columns {','.join(COLUMNS)}, "
            f"missing {','.join(missing)} (found {','.join(names)})"
        )
    index = {c: names.index(c) for c in COLUMNS}
    rows: list[CommandRow] = []
    for lineno, line in lines[1:]:
        cells = [c.strip() for c in next(csv.reader([line]))]
        if len(cells) != len(names):
            raise InputError(
                f"{path}:{lineno}: expected {len(names)} columns, found {len(cells)}: {line!r}"
            )

        def cell(col: str, cells: list[str] = cells, lineno: int = lineno) -> tuple[str, str]:
            return cells[index[col]], f"{path}:{lineno}: column {col}"

        raw, where = cell("t_s")
        t_s = _number(raw, where)
        if t_s < 0:
            raise InputError(f"{where}: expected a time >= 0, found {raw!r}")
        if rows and round(t_s * 1e6) < rows[-1].t_us:
            raise InputError(f"{where}: expected times in increasing order, found {raw!r}")
        raw, where = cell("engine_on")
        if raw.lower() in _TRUE:
            on = True
        elif raw.lower() in _FALSE:
            on = False
        else:
            raise InputError(f"{where}: expected 0/1 or true/false, found {raw!r}")
        raw, where = cell("throttle")
        throttle = _number(raw, where)
        if not 0.0 <= throttle <= 1.0:
            raise InputError(f"{where}: expected a throttle in [0, 1], found {raw!r}")
        raw, where = cell("pitch_rad")
        pitch = _number(raw, where)
        rows.append(CommandRow(round(t_s * 1e6), on, throttle, pitch))
    return rows


def _number(raw: str, where: str) -> float:
    try:
        v = float(raw)
    except ValueError:
        raise InputError(f"{where}: expected a number, found {raw!r}") from None
    if not math.isfinite(v):
        raise InputError(f"{where}: expected a finite number, found {raw!r}")
    return v


@dataclass
class OpenLoopResult:
    out: Path
    result: dict[str, Any]


def simulate(
    scenario: Scenario, commands: list[CommandRow], seed: int, out: Path, config: Path
) -> OpenLoopResult:
    """Run open loop until touchdown or the scenario's time limit; write the artifacts."""
    out.mkdir(parents=True, exist_ok=True)
    sim = Simulator(scenario, seed)
    step_us = sim.step_us
    # each row from the first step boundary at or after its time
    schedule = [(-(-c.t_us // step_us), c) for c in commands]
    max_k = round(scenario.run.max_sim_time_s * 1e6) // step_us
    framer = Framer()
    counts: dict[str, int] = {}
    capture = CaptureWriter(out / "capture.lhcap")
    wall0 = time.monotonic()
    pitch_cmd = sim.truth.tilt_rad
    i = 0
    try:
        with (out / "telemetry.csv").open("w", newline="") as fh:
            fh.write(",".join(TELEMETRY_COLUMNS) + "\n")
            fh.write(_row(sim.truth, pitch_cmd))
            emissions = sim.advance_to(0)
            while True:
                for e in emissions:
                    capture.record(e.due_us, H2F, framer.encode(e.packet, e.cuc))
                    counts[e.sensor] = counts.get(e.sensor, 0) + 1
                if sim.touchdown is not None or sim.lander.k >= max_k:
                    break
                while i < len(schedule) and schedule[i][0] <= sim.lander.k:
                    c = schedule[i][1]
                    sim.command(c.engine_on, c.throttle, c.pitch_rad)
                    pitch_cmd = c.pitch_rad
                    i += 1
                truth, emissions = sim.step()
                fh.write(_row(truth, pitch_cmd))
    finally:
        capture.close()
    if capture.error is not None:  # the capture keeps a failed write; the run must not
        raise capture.error
    wall = time.monotonic() - wall0
    td = sim.touchdown
    sim_time_s = sim.t_us / 1e6
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "config": str(config),
        "seed": seed,
        "mode": "open_loop",
        "touchdown": None if td is None else td._asdict(),
        "sim_time_s": sim_time_s,
        "wall_time_s": wall,
        "realtime_factor": sim_time_s / wall if wall > 0 else None,
        "propellant_out_s": None if sim.propellant_out_us is None else sim.propellant_out_us / 1e6,
        "final_truth": sim.truth._asdict(),
        "packets": counts,
        "faults_applied": sim.fault_summary(),
    }
    (out / "result.json").write_text(json.dumps(result, indent=2, default=_plain) + "\n")
    return OpenLoopResult(out, result)


def _plain(x: Any) -> Any:
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    return str(x)


def _row(t: Truth, pitch_cmd: float) -> str:
    # repr of floats: shortest exact round trip, so two equal runs give equal files
    return (
        f"{t.t_us / 1e6!r},{t.x_m!r},{t.z_m!r},{t.alt_m!r},{t.vx_mps!r},{t.vz_mps!r},"
        f"{t.tilt_rad!r},{t.tilt_rate_radps!r},{t.mass_kg!r},{t.thrust_n!r},"
        f"{int(t.engine_on)},{t.throttle_cmd!r},{pitch_cmd!r}\n"
    )


def default_out(scenario: Scenario, seed: int, root: Path = Path("runs")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return root / f"{scenario.name}-simulate-s{seed}-{stamp}"


def run(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise InputError(f"--seed {args.seed}: expected an integer >= 0")
    scenario = load_scenario(find_scenario(args.config), list(args.overrides))
    commands = read_commands(args.commands)
    seed = scenario.run.seed if args.seed is None else args.seed
    out = default_out(scenario, seed) if args.out is None else args.out
    rd = RunDir(out, force=args.force)  # new or empty, writable, locked: never mixed
    try:
        r = simulate(scenario, commands, seed, out, args.config).result
    except OSError as exc:
        raise InputError(f"{out}: cannot write the open-loop artifacts: {exc.strerror}") from None
    finally:
        rd.release()
    td = r["touchdown"]
    if td is None:
        print(f"no touchdown within {r['sim_time_s']:.1f} s of sim time")
    else:
        print(
            f"touchdown: t={td['t_s']:.3f} s  v_z={td['vz_mps']:.3f} m/s  "
            f"v_x={td['vx_mps']:.3f} m/s  tilt={td['tilt_deg']:.2f}°  "
            f"tilt rate={td['tilt_rate_dps']:.2f}°/s  propellant={td['propellant_kg']:.2f} kg"
        )
    if r["propellant_out_s"] is not None:
        print(f"propellant exhausted at t={r['propellant_out_s']:.3f} s")
    packets = ", ".join(f"{k} {v}" for k, v in sorted(r["packets"].items()))
    print(f"packets: {packets or 'none'}")
    rtf = r["realtime_factor"]
    rtf_text = f"{rtf:.0f}x real time" if rtf else "instant"
    print(f"sim {r['sim_time_s']:.2f} s in {r['wall_time_s']:.3f} s wall ({rtf_text})")
    print(f"artifacts: {out}/ (telemetry.csv, capture.lhcap, result.json)")
    return 0
