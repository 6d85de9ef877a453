"""Hunt for the fault schedules that break a landing, shrink each to its simplest, re-fly it.

  lunar-hil hunt FILE --out DIR [--budget-runs N | --budget-s S] [--jobs N]
  lunar-hil hunt resume DIR [--budget-runs N | --budget-s S] [--jobs N]
  lunar-hil hunt report DIR

FILE is a hunt file (hil_configs/hunts/). Every run goes to DIR/campaign.sqlite; each
failure is written at once to DIR/hunt.json and DIR/hunt-<n>.toml (a scenario that
extends the base: `lunar-hil run DIR/hunt-1.toml` flies it again), then shrunk, bisected
on its main magnitude and flown once more with plots into DIR/failures/hunt-<n>/.
Exit 0 when the hunt ran its budget (whatever it found), 2 for a harness error, 130
after Ctrl-C (what was found is kept; resume with `lunar-hil hunt resume DIR`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness import dirlock
from harness.campaign.progress import Progress
from harness.errors import HarnessError, exit_status

if TYPE_CHECKING:
    from harness.campaign.store import Store
    from harness.hunt.plan import Hunt


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="hunt TOML (hil_configs/hunts/), or `resume` / `report`")
    p.add_argument("dir", nargs="?", type=Path, help="the hunt directory (resume, report)")
    p.add_argument("--out", type=Path, help="hunt directory (new)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--budget-runs", type=int, metavar="N", help="runs to fly (all told)")
    budget.add_argument("--budget-s", type=float, metavar="S", help="wall seconds to hunt")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="engines (processes)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from harness.hunt import coordinator, report
    from harness.hunt.plan import load_hunt, with_budget

    if args.file == "report":
        directory = _dir(args)
        hunt, store = coordinator.reopen(directory)
        path = report.write_report(hunt, store, directory)
        print(f"report: {path}")
        return 0
    if args.jobs < 1:
        raise HarnessError(f"--jobs: expected a number >= 1, found {args.jobs}")
    if args.budget_runs is not None and args.budget_runs < 1:
        raise HarnessError(f"--budget-runs: expected a number >= 1, found {args.budget_runs}")
    if args.budget_s is not None and not args.budget_s > 0:
        raise HarnessError(f"--budget-s: expected a number > 0, found {args.budget_s}")
    if args.file == "resume":
        directory = _dir(args)
        hunt, store = coordinator.reopen(directory)
    else:
        if args.out is None:
            raise HarnessError("lunar-hil hunt FILE: --out DIR is required")
        if args.dir is not None:
            raise HarnessError(f"unexpected argument {args.dir} (the directory goes in --out)")
        directory = args.out
        hunt = load_hunt(args.file)
        store = coordinator.create(hunt, directory)
    dirlock.hold(directory, "hunt")  # one process runs a hunt at a time
    try:
        return _hunt(args, with_budget(hunt, args.budget_runs, args.budget_s), store, directory)
    finally:
        dirlock.release(directory)


def _hunt(args: argparse.Namespace, hunt: Hunt, store: Store, directory: Path) -> int:
    from harness.hunt import coordinator, report

    progress = Progress(False if args.no_progress else None, f"hunt {hunt.name}")
    outcome = coordinator.drive(hunt, store, directory, args.jobs, progress)
    ledger = outcome.ledger
    report.write_report(hunt, store, directory)
    store.close()
    summary = ledger.summary()
    print(
        f"hunt {hunt.name} ({hunt.profile}): {summary['runs']} runs"
        f" ({summary['runs_this_session']} this session), {len(summary['failures'])}"
        f" distinct failure(s); {summary['stopped']}"
    )
    for f in summary["failures"]:
        print(f"  [{f['number']}] {f['story']}")
        print(f"      scenario: {f['scenario']}")
    print(f"results: {directory / 'hunt.json'}  report: {directory / 'report.md'}")
    if outcome.interrupted:
        print(f"interrupted; resume with: lunar-hil hunt resume {directory}", file=sys.stderr)
        return exit_status(outcome.signum)  # 130 / 143 / 129: SIGINT / SIGTERM / SIGHUP
    return 0


def _dir(args: argparse.Namespace) -> Path:
    if args.dir is None:
        raise HarnessError(f"lunar-hil hunt {args.file} DIR: the hunt directory is required")
    return Path(args.dir)
