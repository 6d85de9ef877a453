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
from harness.launcher import FswKind
from harness.report.plot import plot_comparison

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "hil_configs" / "hakuto_r_m2.toml"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, default=DEFAULT_SCENARIO, help="scenario TOML")
    p.add_argument("--fsw", choices=[k.value for k in FswKind], default="python-stub")
    p.add_argument("--seed", type=int)
    p.add_argument("--out", type=Path, help="directory for both runs (default runs/demo-<stamp>)")


def run(args: argparse.Namespace) -> int:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    root = args.out or Path("runs") / f"demo-{stamp}"
    print(f"HAKUTO-R Mission 2 replay: {args.config.name}, FSW as {args.fsw}")
    print("ispace, June 2025: LRF valid only below ~900 m (designed from 3 km); 66 m/s there vs a")
    print("planned ~44 m/s; impact. Same plant, same faults, two flight softwares:\n")
    results = {}
    for profile in ("naive", "robust"):
        r = runner.run(
            runner.RunRequest(
                config=args.config,
                profile=profile,
                seed=args.seed,
                fsw_kind=args.fsw,
                out=root / profile,
            )
        )
        results[profile] = r
        print(f"== {profile} FSW ==")
        for line in runner.summary_lines(r):
            print("  " + line)
        print()
    n, rb = results["naive"].result["verdict"], results["robust"].result["verdict"]
    naive_fv = results["naive"].result["metrics"]["lrf_first_valid"]
    comparison = root / "comparison.png"
    plot_comparison(
        comparison,
        [(p, r.rows, r.result["verdict"]) for p, r in results.items()],
        title=f"{args.config.stem}: the same descent, two flight softwares",
        milestones=[(naive_fv["t_s"], "naive: LRF first valid")] if naive_fv else [],
    )
    at_192 = next((r.truth for r in results["naive"].rows if r.truth.alt_m <= 192.0), None)
    if at_192 is not None:
        print(
            f"naive at {at_192.alt_m:.0f} m: {abs(at_192.vz_mps):.0f} m/s down"
            " (RESILIENCE's last telemetry: ~192 m at ~42 m/s)"
        )
    print(f"naive: {n.upper()}   robust: {rb.upper()}")
    print(f"side by side: {comparison}")
    print(f"each run:     {root / 'naive' / 'descent.png'}  {root / 'robust' / 'descent.png'}")
    return 0
