"""The seed's story in one command: HAKUTO-R M2 (late LRF) with the naive and the robust FSW.

Runs hil_configs/hakuto_r_m2.toml twice -- the naive stub that flies its schedule on a
wrong altitude until the LRF wakes up at ~900 m, and the robust stub that flies on a
conservative altitude while the LRF is silent -- side by side, and says where the plots are.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from harness import runner
from harness.errors import HarnessError
from harness.scenarios import find_scenario

DEFAULT_SCENARIO = "hakuto_r_m2"
#: the kinds demo can fly by itself (process and device need --command / --port: use run)
DEMO_KINDS = ("python-stub", "memory")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config", default=DEFAULT_SCENARIO, help="scenario TOML or shipped name (default M2)"
    )
    p.add_argument("--fsw", choices=DEMO_KINDS, default="python-stub", help="how to run the stub")
    p.add_argument("--seed", type=int, help="run seed, >= 0")
    p.add_argument("--out", type=Path, help="directory for both runs (default runs/demo-<stamp>)")
    p.add_argument("--force", action="store_true", help="clear a non-empty --out first")


def run(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise HarnessError(f"--seed {args.seed}: expected an integer >= 0")
    config = find_scenario(args.config)
    m2 = config.stem == "hakuto_r_m2"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    root = args.out or Path("runs") / f"demo-{stamp}"
    if m2:
        print(f"HAKUTO-R Mission 2 replay: {config.name}, FSW as {args.fsw}")
        print("ispace, June 2025: LRF valid only below ~900 m (designed from 3 km); 66 m/s there")
        print("vs a planned ~44 m/s; impact. Same plant, same faults, two flight softwares:\n")
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
    n, rb = results["naive"].result["verdict"], results["robust"].result["verdict"]
    naive_fv = results["naive"].result["metrics"]["lrf_first_valid"]
    from harness.report.plot import plot_comparison  # matplotlib: only when drawing

    comparison = root / "comparison.png"
    plot_comparison(
        comparison,
        [(p, r.rows, r.result["verdict"]) for p, r in results.items()],
        title=f"{config.stem}: the same descent, two flight softwares",
        milestones=[(naive_fv["t_s"], "naive: LRF first valid")] if naive_fv else [],
    )
    at_192 = next((r.truth for r in results["naive"].rows if r.truth.alt_m <= 192.0), None)
    if m2 and at_192 is not None:
        print(
            f"naive at {at_192.alt_m:.0f} m: {abs(at_192.vz_mps):.0f} m/s down"
            " (RESILIENCE's last telemetry: ~192 m at ~42 m/s)"
        )
    print(f"naive: {n.upper()}   robust: {rb.upper()}")
    print(f"side by side: {comparison}")
    print(f"each run:     {root / 'naive' / 'descent.png'}  {root / 'robust' / 'descent.png'}")
    return 0
