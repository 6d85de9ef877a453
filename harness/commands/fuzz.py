"""Fuzz a flight software over its real link: hypothesis sessions, oracles, reproducers.

Drives the FSW (the stub in-process, a build over a pty, a board on a serial port) with
generated lockstep sessions -- SYNC, PING, sensor frames -- mixed with mutations above
and below the CRC, garbage and arbitrary chunking, and judges only what crosses the link:
liveness, the lockstep contract, command sanity, counter accounting. On a violation the
case is shrunk and written to --out as a capture (`lunar-hil decode` reads it) and a
pytest file that replays it. Exit 0: the budget ran out with no violation; 1: a
violation was found (reproducer written); 2: a harness error.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import HarnessError, exit_status
from harness.fuzz.driver import FuzzSettings, Target
from harness.fuzz.judge import Violation
from harness.fuzz.reproducer import launcher_factory, write_capture, write_pytest
from harness.fuzz.search import SearchResult, search
from harness.launcher import FswKind
from harness.rundir import RunDir

#: how long a correct FSW may take to answer one write, by kind (the stub on a pty
#: resynchronises after 0.5 s of quiet)
DEFAULT_TIMEOUT_S = {FswKind.MEMORY: 0.25}


def add_fsw_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--fsw",
        choices=[k.value for k in FswKind],
        help="default: memory; process with --command, device with --port",
    )
    p.add_argument("--port", help="serial URL for --fsw device")
    p.add_argument("--command", help="for --fsw process: a command line with {port}")
    p.add_argument("--profile", choices=("naive", "robust"), default="robust")
    p.add_argument(
        "--answer-timeout-s",
        type=float,
        help="a write's answers must arrive within this (default 0.25 s in memory, else 2 s)",
    )
    p.add_argument(
        "--shrink-budget-s", type=float, default=60.0, help="wall time to shrink a failure"
    )


def configure(p: argparse.ArgumentParser) -> None:
    add_fsw_options(p)
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--budget-s", type=float, help="fuzz for this long (wall clock)")
    budget.add_argument("--cases", type=int, help="fuzz this many cases (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="search seed (same seed: same cases)")
    p.add_argument(
        "--out", type=Path, help="where reproducers go, new or empty (default runs/fuzz-STAMP)"
    )
    p.add_argument(
        "--force", action="store_true", help="clear --out first if it holds a previous run"
    )
    p.add_argument("--corpus", type=Path, help="keep failures here; try them first next time")


def fsw_args(args: argparse.Namespace) -> list[str]:
    """The FSW options as given, for the replay command line and the pytest file (paths
    in --command made absolute, so the reproducer runs from anywhere)."""
    out = ["--fsw", kind_of(args).value, "--profile", args.profile]
    if args.port:
        out += ["--port", args.port]
    if args.command:
        out += ["--command", absolute_command(args.command)]
    return out


def absolute_command(command: str) -> str:
    """``command`` with every token that names an existing relative file made absolute
    (not a module after ``-m``, not a placeholder, not an option). Symlinks are kept: a
    virtualenv's ``python`` is a link to the base interpreter, which lacks its packages."""
    out = []
    prev = ""
    for t in shlex.split(command):
        plain = "{" not in t and not t.startswith("-") and prev != "-m"
        out.append(os.path.abspath(t) if plain and Path(t).is_file() else t)
        prev = t
    return shlex.join(out)


def kind_of(args: argparse.Namespace) -> FswKind:
    """--fsw, or the kind --command / --port imply, or memory; a contradiction (a
    --command or --port the kind would ignore) is a usage error, as for `run`."""
    from harness.commands.run import fsw_kind_asked

    return FswKind(fsw_kind_asked(args.fsw, args.command, args.port) or FswKind.MEMORY.value)


def target_of(args: argparse.Namespace, run_dir: Path) -> Target:
    kind = kind_of(args)
    timeout = args.answer_timeout_s or DEFAULT_TIMEOUT_S.get(kind, 2.0)
    factory = launcher_factory(
        kind, run_dir=run_dir, profile=args.profile, port=args.port, command=args.command
    )
    memory = kind is FswKind.MEMORY
    settings = FuzzSettings(
        answer_timeout_s=timeout,
        fresh_fsw_per_shrink=memory,
        shrink_budget_s=args.shrink_budget_s,
    )
    return Target(factory, settings)


def check_budget(args: argparse.Namespace) -> None:
    """A budget of no cases would pass with nothing tried: a usage error."""
    if args.cases is not None and args.cases < 1:
        raise HarnessError(f"--cases {args.cases}: expected an integer >= 1")
    if args.budget_s is not None and not args.budget_s > 0:
        raise HarnessError(f"--budget-s {args.budget_s}: expected a number of seconds > 0")
    if args.corpus is not None and args.corpus.exists() and not args.corpus.is_dir():
        raise HarnessError(f"--corpus {args.corpus}: expected a directory, found a file")


def run(args: argparse.Namespace) -> int:
    check_budget(args)
    kind_of(args)  # a contradiction in the FSW options: before any directory is made
    out = args.out
    if out is None:
        out = Path("runs") / f"fuzz-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    rd = RunDir(out, force=args.force)  # never an earlier fuzz run's reproducer beside ours
    try:
        return _fuzz(args, out)
    finally:
        rd.release()


def _fuzz(args: argparse.Namespace, out: Path) -> int:
    target = target_of(args, out)
    try:
        try:
            target.start()
        except Violation as v:
            raise HarnessError(f"cannot fuzz: {v.detail}") from None
        res = search(
            target,
            cases=args.cases,
            budget_s=args.budget_s,
            run_seed=args.seed,
            corpus=args.corpus,
            keep_on_interrupt=True,
        )
    finally:
        target.close()
    summary = _summary(res)
    for line in _lines(res):
        print(line)
    if res.failure is not None:
        f = res.failure
        capture = write_capture(out / "reproducer.lhcap", f.exchange)
        test = write_pytest(out / "test_reproducer.py", capture, f.violation, fsw_args(args))
        (out / "reproducer.bin").write_bytes(f.blob)
        summary["reproducer"] = {"capture": str(capture), "pytest": str(test)}
        print(f"reproducer: {capture} (lunar-hil decode {capture})")
        print(f"pytest:     {test}")
        print(f"replay:     lunar-hil replay {capture} {shlex.join(fsw_args(args))}")
    if res.interrupted_by is not None:
        summary["interrupted_by"] = res.interrupted_by
        u = res.unshrunk
        if u is not None:  # found, not yet shrunk: no reproducer, but not lost
            summary["violation_unshrunk"] = {"oracle": u.oracle, "detail": u.detail}
            print(f"VIOLATED {u.oracle} (not shrunk: interrupted): {u.detail}")
        print(f"interrupted by {res.interrupted_by} after {res.cases} cases; {out / 'fuzz.json'}")
    (out / "fuzz.json").write_text(json.dumps(summary, indent=2) + "\n")
    if res.interrupted_by is not None:
        return exit_status(res.interrupted_by)  # 130 / 143 / 129
    return 1 if res.failure is not None else 0


def _summary(res: SearchResult) -> dict[str, object]:
    f = res.failure
    return {
        "cases": res.cases,
        "cases_per_s": round(res.cases_per_s, 1),
        "wall_s": round(res.wall_s, 3),
        "frames_sent": res.frames_sent,
        "accepted_share": round(res.accepted_share, 4),
        "fsw_starts": res.fsw_starts,
        "violation": None
        if f is None
        else {
            "oracle": f.violation.oracle,
            "detail": f.violation.detail,
            "write": f.violation.write,
            "shrink_steps": res.shrink_steps,
            "case": [w.carries for w in f.case],
        },
    }


def _lines(res: SearchResult) -> list[str]:
    lines = [
        f"cases: {res.cases} in {res.wall_s:.1f} s ({res.cases_per_s:.0f}/s),"
        f" {res.frames_sent} frames, {100 * res.accepted_share:.0f} % accepted by the ICD",
    ]
    f = res.failure
    if f is None:
        lines.append("no oracle violated")
        return lines
    v = f.violation
    lines.append(f"VIOLATED {v.oracle}: {v.detail}")
    lines.append(f"minimal case after {res.shrink_steps} shrink steps, {len(f.case)} writes:")
    for i, w in enumerate(f.case):
        mark = "  <-" if v.write == i else ""
        lines.append(f"  write {i}: {', '.join(w.carries)}{mark}")
    return lines
