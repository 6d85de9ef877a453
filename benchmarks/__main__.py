"""Run every ``benchmarks/bench_*.py`` module's ``main(figures)``, or only the named ones.

python -m benchmarks                          # all
python -m benchmarks codec loop               # bench_codec and bench_loop
python -m benchmarks loop --json loop.json    # and write the figures as JSON

Exit 0 when every figure meets its budget, 1 when one misses it, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figures import Figures

PREFIX = "bench_"


def available() -> list[str]:
    """Names of the benchmark modules, without the ``bench_`` prefix, sorted."""
    here = str(Path(__file__).parent)
    return sorted(
        m.name[len(PREFIX) :] for m in pkgutil.iter_modules([here]) if m.name.startswith(PREFIX)
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help=f"benchmarks to run (default all): {available()}")
    ap.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    args = ap.parse_args(argv)
    known = available()
    wanted = [n.removeprefix(PREFIX).removesuffix(".py") for n in args.names] or known
    unknown = [n for n in wanted if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(known)}")
        return 2
    figures = Figures()
    for name in wanted:
        print(f"== {PREFIX}{name}", flush=True)
        figures.bench = name
        importlib.import_module(f"benchmarks.{PREFIX}{name}").main(figures)
    if args.json:
        figures.write_json(args.json)
    missed = figures.missed
    if missed:
        print(f"{len(missed)} figure(s) below budget: " + "; ".join(f.name for f in missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
