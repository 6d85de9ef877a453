"""Run every ``benchmarks/bench_*.py`` module's ``main()``, or only the named ones.

python -m benchmarks              # all
python -m benchmarks codec loop   # bench_codec and bench_loop
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

PREFIX = "bench_"


def available() -> list[str]:
    """Names of the benchmark modules, without the ``bench_`` prefix, sorted."""
    here = str(Path(__file__).parent)
    return sorted(
        m.name[len(PREFIX) :] for m in pkgutil.iter_modules([here]) if m.name.startswith(PREFIX)
    )


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    known = available()
    wanted = [n.removeprefix(PREFIX).removesuffix(".py") for n in names] or known
    unknown = [n for n in wanted if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(known)}")
        return 2
    for name in wanted:
        print(f"== {PREFIX}{name}", flush=True)
        importlib.import_module(f"benchmarks.{PREFIX}{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
