"""Run one scenario against a flight software (lockstep or real time) and give a verdict.

Writes runs/<scenario>-<profile>-s<seed>-<stamp>/ (or --out): result.json, telemetry.csv,
capture.lhcap (decode with `lunar-hil decode`), descent.png. Exit 0; with --expect,
exit 1 when the verdict differs; harness errors (bad config, a port that cannot open)
exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness import runner
from harness.launcher import FswKind
from harness.verdict import Verdict


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=Path, help="scenario TOML (see hil_configs/)")
    p.add_argument("--profile", choices=("naive", "robust"), help="FSW stub profile")
    p.add_argument("--seed", type=int, help="run seed (default: the scenario's)")
    p.add_argument("--fsw", choices=[k.value for k in FswKind], help="how to run the FSW")
    p.add_argument("--port", help="serial URL for --fsw device")
    p.add_argument("--command", help="for --fsw process: a command line with {port}")
    p.add_argument("--out", type=Path, help="run directory (default under runs/)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument(
        "--expect", choices=[v.value for v in Verdict], help="exit 1 unless this verdict"
    )
    p.add_argument("--no-plot", action="store_true", help="skip descent.png")
    p.add_argument(
        "--mode", choices=("lockstep", "realtime"), help="who owns time (default: the scenario's)"
    )
    p.add_argument("--speed", type=float, help="realtime: sim seconds per wall second")
    p.add_argument(
        "--rt-priority",
        type=int,
        nargs="?",
        const=50,
        metavar="PRIO",
        help="realtime: run under SCHED_FIFO at PRIO (default 50) where the OS permits",
    )


def run(args: argparse.Namespace) -> int:
    result = runner.run(
        runner.RunRequest(
            config=args.config,
            profile=args.profile,
            seed=args.seed,
            fsw_kind=args.fsw,
            port=args.port,
            command=args.command,
            out=args.out,
            overrides=(*args.overrides, *_realtime_overrides(args)),
            plot=not args.no_plot,
        )
    )
    for line in runner.summary_lines(result):
        print(line)
    if result.result["verdict"] == Verdict.ABORTED:
        return 130
    if args.expect and result.result["verdict"] != args.expect:
        print(f"expected {args.expect}, got {result.result['verdict']}", file=sys.stderr)
        return 1
    return 0


def _realtime_overrides(args: argparse.Namespace) -> list[str]:
    """--mode, --speed and --rt-priority as the [run] keys they stand for."""
    out = []
    if args.mode:
        out.append(f"run.mode={args.mode}")
    if args.speed is not None:
        out.append(f"run.speed={args.speed!r}")
    if args.rt_priority is not None:
        out.append(f"run.rt_priority={args.rt_priority}")
    return out
