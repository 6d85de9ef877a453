"""Run thousands of dispersed runs from one campaign file, store them, resume, report.

  lunar-hil campaign run FILE --out DIR [--jobs N] [--dask local|tcp://HOST:8786]
  lunar-hil campaign resume DIR [--jobs N] [--dask ...]
  lunar-hil campaign report DIR
  lunar-hil campaign rerun DIR RUN_ID [--out D]
  lunar-hil campaign search FILE --out DIR [--jobs N]

Results go to DIR/campaign.sqlite (table `runs`, one row per run); run directories are
kept under DIR/runs/ as the file's `keep` says (failures by default). Exit 0 when the
campaign completed (whatever the verdicts), 2 for a harness error, 130 after Ctrl-C
(resume with `lunar-hil campaign resume DIR`); rerun exits 1 when the digest differs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from harness import dirlock
from harness.campaign import coordinator, report
from harness.campaign.plan import Campaign, RunPoint, load_campaign
from harness.campaign.progress import Progress
from harness.campaign.store import Store
from harness.errors import HarnessError, exit_status


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    p.add_argument(
        "--dask", metavar="local|ADDR", help="run on Dask: a LocalCluster or a scheduler"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def configure(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="campaign_command", required=True, metavar="ACTION")
    r = sub.add_parser("run", help="start a campaign")
    r.add_argument("file", type=Path, help="campaign TOML (see hil_configs/campaigns/)")
    r.add_argument("--out", type=Path, required=True, help="campaign directory (new)")
    _executor_args(r)
    s = sub.add_parser("search", help="bisect the [search] parameter per profile")
    s.add_argument("file", type=Path)
    s.add_argument("--out", type=Path, required=True)
    _executor_args(s)
    u = sub.add_parser("resume", help="finish an interrupted campaign")
    u.add_argument("dir", type=Path)
    _executor_args(u)
    rp = sub.add_parser("report", help="write DIR/report.md and its PNGs")
    rp.add_argument("dir", type=Path)
    rr = sub.add_parser("rerun", help="recompute one run with full artifacts, check its digest")
    rr.add_argument("dir", type=Path)
    rr.add_argument("run_id", type=int)
    rr.add_argument("--out", type=Path, help="run directory (default DIR/rerun-RUN_ID)")
    rr.add_argument(
        "--force", action="store_true", help="clear --out first if it holds a previous run"
    )


def run(args: argparse.Namespace) -> int:
    action = args.campaign_command
    if action == "report":
        campaign, store = coordinator.reopen(args.dir)
        path = report.write_report(campaign, store, args.dir)
        for line in report.headline(campaign, store):
            print(line)
        print(f"report: {path}")
        return 0
    if action == "rerun":
        return _rerun(args)
    if args.jobs < 1:
        raise HarnessError(f"--jobs: expected a number >= 1, found {args.jobs}")
    if action == "resume":
        campaign, store = coordinator.reopen(args.dir)
    else:
        campaign = load_campaign(args.file)
        if action == "search" and campaign.search is None:
            raise HarnessError(f"{args.file}: no [search] table (use `campaign run` for grids)")
        if action == "run" and campaign.search is not None:
            raise HarnessError(f"{args.file}: has a [search] table; use `campaign search`")
        store = coordinator.create(campaign, args.out)
    directory = args.dir if action == "resume" else args.out
    dirlock.hold(directory, "campaign")  # one process runs a campaign at a time
    try:
        return _run_campaign(args, campaign, store, directory)
    finally:
        dirlock.release(directory)


def _run_campaign(
    args: argparse.Namespace, campaign: Campaign, store: Store, directory: Path
) -> int:
    progress = Progress(False if args.no_progress else None, campaign.name)
    pool = coordinator.make_pool(campaign, args.jobs, args.dask)
    if campaign.search is not None:
        from harness.campaign.search import bracket_sentence, run_search

        brackets, finish = run_search(campaign, store, directory, pool, progress)
        if finish is not None and finish.interrupted:
            return _interrupted(directory, store, finish.signum)
        for b in brackets:
            print(bracket_sentence(b, campaign.search.predicate.text))
        return 0
    finish = coordinator.run_pending(campaign, store, directory, pool, progress)
    if finish.interrupted:
        return _interrupted(directory, store, finish.signum)
    print(
        f"{campaign.name}: {finish.ran} runs in {finish.wall_s:.1f} s ({args.jobs} jobs"
        f"{', dask ' + args.dask if args.dask else ''}); store {directory}/campaign.sqlite"
    )
    for line in report.headline(campaign, store):
        print(line)
    print(f"report: lunar-hil campaign report {directory}")
    return 0


def _interrupted(directory: Path, store: Store, signum: int) -> int:
    counts = store.counts()
    done = sum(v for k, v in counts.items() if k != "pending")
    print(
        f"interrupted: {done} of {done + counts.get('pending', 0)} runs recorded;"
        f" resume with: lunar-hil campaign resume {directory}",
        file=sys.stderr,
    )
    return exit_status(signum)  # 130 / 143 / 129: SIGINT / SIGTERM / SIGHUP


def _rerun(args: argparse.Namespace) -> int:
    campaign, store = coordinator.reopen(args.dir)
    row = store.run(args.run_id)
    if row is None:
        raise HarnessError(f"{args.dir}: no run {args.run_id} in the store")
    point = RunPoint(
        args.run_id, row["profile"], 0, row["sample"], row["seed"], json.loads(row["params"])
    )
    out = args.out or args.dir / f"rerun-{args.run_id}"
    import dataclasses

    from harness.runner import fly

    # fly, not execute: a run directory in use or a bad --out is exit 2 with its reason,
    # not an `aborted` rerun whose digest "differs"
    spec = campaign.spec(point, artifacts="full", out=out, plot=True)
    summary = fly(dataclasses.replace(spec, force=args.force))
    got, want = summary.telemetry_sha256, row["telemetry_sha256"]
    print(f"run {args.run_id} ({row['profile']}, {row['params']}): {summary.verdict}")
    print(f"artifacts: {out}/")
    by = summary.result.get("interrupted_by")
    if summary.verdict == "aborted" and isinstance(by, str):  # not a digest that differs
        print(f"rerun {summary.result['end_reason']}", file=sys.stderr)
        return exit_status(by)
    if want is None:
        print(f"the store has no digest for run {args.run_id} (status {row['status']})")
        return 0
    if got != want:
        print(f"telemetry digest DIFFERS: store {want}, rerun {got}", file=sys.stderr)
        return 1
    print(f"telemetry digest matches the store: {got}")
    return 0
