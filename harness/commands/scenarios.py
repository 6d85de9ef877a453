"""List the scenarios that ship with lunar-hil, one line each.

Run any of them by name from any directory: ``lunar-hil run hakuto_r_m2``. The files are
in the directory printed last; copy one to start your own (``extends`` works from there).
"""

from __future__ import annotations

import argparse

from harness.scenarios import listing, shipped_dir


def configure(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    items = listing()
    width = max(len(n) for n, _ in items)
    for name, what in items:
        print(f"{name:<{width}}  {what}")
    print(f"(files in {shipped_dir()})")
    return 0
