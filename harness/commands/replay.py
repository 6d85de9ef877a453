"""Replay a capture's H2F bytes to a flight software and judge its answers.

Re-sends the capture's harness-to-FSW chunks in their order and chunking (records of one
sim time are one write; the answers are awaited after each) to a fresh FSW of any kind,
applies the fuzz oracles, and lists where the answers differ from the capture's FSW side.
Exit 0 when no oracle is violated, 1 when one is, 2 for a harness error -- so a fuzz
reproducer is a one-line regression check.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.commands.fuzz import add_fsw_options, target_of
from harness.fuzz.reproducer import replay, scratch_dir


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("capture", type=Path, help="a capture (a fuzz reproducer, a run's capture)")
    add_fsw_options(p)


def run(args: argparse.Namespace) -> int:
    target = target_of(args, scratch_dir())
    result = replay(args.capture, target.factory, target.settings)
    print(
        f"replayed {result.writes} writes: {len(result.answers)} frames answered,"
        f" {len(result.recorded)} in the capture"
    )
    diffs = result.differences()
    print("answers as captured" if not diffs else "answers differ from the capture:")
    for d in diffs:
        print("  " + d)
    if result.violation is not None:
        v = result.violation
        where = f" (write {v.write})" if v.write is not None else ""
        print(f"VIOLATED {v.oracle}: {v.detail}{where}")
        return 1
    print("no oracle violated")
    return 0
