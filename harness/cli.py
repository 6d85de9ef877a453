"""`lunar-hil` command line. Each subcommand lives in ``harness.commands.<name>`` and
provides ``configure(parser)`` and ``run(args) -> int``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from harness.errors import HarnessError

#: subcommand name -> module; the help line is the module's docstring's first line
COMMANDS: dict[str, str] = {
    "run": "harness.commands.run",
    "demo": "harness.commands.demo",
    "simulate": "harness.commands.simulate",
    "decode": "harness.commands.decode",
    "encode": "harness.commands.encode",
    "protocol": "harness.commands.protocol",
    "bench": "harness.commands.bench",
}


def _load(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:  # the command is not built yet; anything else is a bug
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lunar-hil",
        description="Flight-software-in-the-loop test harness for lunar landers.",
    )
    sub = parser.add_subparsers(dest="_subcommand", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = _load(module_name)
        if module is None:
            continue
        doc = (module.__doc__ or "").strip().splitlines()
        p = sub.add_parser(name, help=doc[0] if doc else None, description=module.__doc__)
        module.configure(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except HarnessError as exc:
        print(f"lunar-hil {args._subcommand}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `lunar-hil decode x | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
