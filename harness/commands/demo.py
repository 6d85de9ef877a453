"""Each public failure in one command, with the naive and the robust FSW side by side.

``lunar-hil demo --mission m2`` (default): HAKUTO-R M2 "RESILIENCE", the whole powered
descent from 20 km (hil_configs/hakuto_r_m2_full.toml) -- braking, pitch-up, then the LRF
that wakes only at ~900 m. ``--mission m1``: HAKUTO-R M1 over the Atlas crater rim
(hakuto_r_m1.toml) -- the LRF rejected for good, the estimate at 0 km while 3 km up, the
propellant gone. ``--mission im1``: IM-1 "Odysseus" (im1.toml) -- no LRF at all, the
Doppler velocimeter unused by the naive FSW, ~100 m too high near the surface, tipped on a
12 deg slope. Each runs twice (naive, robust), prints what happened beside the public
record, and draws both descents and their comparison.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import runner
from harness.errors import HarnessError
from harness.scenarios import find_scenario

#: the kinds demo can fly by itself (process and device need --command / --port: use run)
DEMO_KINDS = ("python-stub", "memory")


@dataclass(frozen=True)
class Mission:
    title: str
    scenario: str
    record: tuple[str, ...]
    #: what the title adds when the mission's own scenario flies (not another one's story)
    span: str = ""


MISSIONS = {
    "m2": Mission(
        "HAKUTO-R Mission 2 replay",
        "hakuto_r_m2_full",
        (
            "ispace, June 2025: braking from ~20 km, attitude near vertical; then the LRF,",
            "designed to be valid from 3 km, valid only below ~900 m; 66 m/s there vs a planned",
            "~44 m/s; last telemetry ~192 m at ~42 m/s; impact.",
        ),
        span=", from 20 km",
    ),
    "m1": Mission(
        "HAKUTO-R Mission 1 replay",
        "hakuto_r_m1",
        (
            "ispace, April 2023: crossing the Atlas crater rim the LRF altitude jumped; the FSW",
            "rejected the LRF for good, believed 0 m while ~5 km up, ran out of propellant, fell.",
        ),
    ),
    "im1": Mission(
        "Intuitive Machines IM-1 replay",
        "im1",
        (
            "IM-1, February 2024: LRFs never armed, the Doppler lidar unused; ~100 m higher than",
            "believed near the surface; ~3 m/s down, 1-2 m/s lateral on ~12 deg: tipped over.",
        ),
    ),
}
#: a scenario's stem -> the mission whose story it tells (the terminal M2 tells M2's)
STORY_OF = {"hakuto_r_m2": "m2", **{m.scenario: k for k, m in MISSIONS.items()}}


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mission", choices=sorted(MISSIONS), default="m2", help="which story")
    p.add_argument(
        "--config", help="scenario TOML or shipped name (default: the mission's scenario)"
    )
    p.add_argument("--fsw", choices=DEMO_KINDS, default="python-stub", help="how to run the stub")
    p.add_argument("--seed", type=int, help="run seed, >= 0")
    p.add_argument(
        "--out", type=Path, help="directory for both runs (default runs/demo-<mission>-<stamp>)"
    )
    p.add_argument(
        "--force", action="store_true", help="clear --out first if it holds a previous run"
    )


def run(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise HarnessError(f"--seed {args.seed}: expected an integer >= 0")
    config = find_scenario(args.config or MISSIONS[args.mission].scenario)
    story = STORY_OF.get(config.stem)  # a scenario of no mission gets no story
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    root = args.out or Path("runs") / f"demo-{story or config.stem}-{stamp}"
    if story is not None:
        mission = MISSIONS[story]
        span = mission.span if config.stem == mission.scenario else ""
        print(f"{mission.title}{span}: {config.name}, FSW as {args.fsw}")
        for line in mission.record:
            print(line)
        print("Same plant, same faults, two flight softwares:\n")
    else:
        print(
            f"{config.name}, FSW as {args.fsw}: the same plant and faults, two flight softwares\n"
        )
    results = {}
    for profile in ("naive", "robust"):
        r = runner.run(
            runner.RunRequest(
                config=config,
                profile=profile,
                seed=args.seed,
                fsw_kind=args.fsw,
                out=root / profile,
                force=args.force,
            )
        )
        results[profile] = r
        print(f"== {profile} FSW ==")
        for line in runner.summary_lines(r):
            print("  " + line)
        print()
        if r.result["verdict"] == "aborted" and r.result.get("interrupted_by"):
            from harness.commands.run import exit_code

            print(f"lunar-hil demo: {r.result['end_reason']}; stopped", file=sys.stderr)
            return exit_code(r.result, None)  # 130 / 143 / 129: no more runs
    naive = results["naive"]
    naive_fv = naive.result["metrics"]["lrf_first_valid"]
    from harness.report.plot import plot_comparison  # matplotlib: only when drawing

    comparison = root / "comparison.png"
    plot_comparison(
        comparison,
        [(p, r.rows, r.result["verdict"]) for p, r in results.items()],
        title=f"{config.stem}: the same descent, two flight softwares",
        milestones=[(naive_fv["t_s"], "naive: LRF first valid")] if naive_fv else [],
    )
    for line in _story(story, naive) if story is not None else []:
        print(line)
    n, rb = naive.result["verdict"], results["robust"].result["verdict"]
    print(f"naive: {n.upper()}   robust: {rb.upper()}")
    print(f"side by side: {comparison}")
    print(f"each run:     {root / 'naive' / 'descent.png'}  {root / 'robust' / 'descent.png'}")
    return 0


def _story(mission: str, naive: Any) -> list[str]:
    """The naive run's numbers beside the record."""
    res = naive.result
    td = res["touchdown"]
    lines = []
    if mission == "m2":
        fv = res["metrics"]["lrf_first_valid"]
        if fv is not None:
            lines.append(
                f"naive: LRF first valid at {fv['alt_true_m']:.0f} m doing"
                f" {abs(fv['vz_true_mps']):.0f} m/s (RESILIENCE: ~893 m at ~66 m/s)"
            )
        at_192 = next((r.truth for r in naive.rows if r.truth.alt_m <= 192.0), None)
        if at_192 is not None:
            lines.append(
                f"naive at {at_192.alt_m:.0f} m: {abs(at_192.vz_mps):.0f} m/s down"
                " (RESILIENCE's last telemetry: ~192 m at ~42 m/s)"
            )
    elif mission == "m1":
        ez = res["metrics"]["estimate_near_zero_in_air"]
        if ez is not None:
            lines.append(
                f"naive believed ~0 m while {ez['alt_true_m']:.0f} m up (M1: 0 m while ~5 km up)"
            )
    elif td is not None:
        lines.append(
            f"naive touched down at {abs(td['vz_mps']):.1f} m/s, {abs(td['vx_mps']):.1f} m/s"
            f" lateral on {abs(td['slope_deg']):.0f} deg, causes {res['causes']}"
            " (IM-1: ~3 m/s, 1-2 m/s, ~12 deg, tipped)"
        )
    if td is not None and mission != "im1":
        lines.append(f"naive impact: {abs(td['vz_mps']):.0f} m/s")
    return lines
