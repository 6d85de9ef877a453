"""List the fault kinds a scenario can schedule: sensor faults and link faults, with keys.

The text is the configuration reference itself (the docstrings of
``harness.faults.config`` and ``harness.faults.link_config``, which validate the tables),
so what this prints is what a ``[[faults]]`` or ``[[link_faults]]`` table accepts.
"""

from __future__ import annotations

import argparse
import inspect

from harness.faults import config, link_config


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "table", nargs="?", choices=("faults", "link_faults"), help="only this table's kinds"
    )


#: a shipped scenario that schedules each table's faults
EXAMPLES = {"faults": "hakuto_r_m2.toml", "link_faults": "babbling_lrf.toml, noisy_uart.toml"}


def reference() -> dict[str, tuple[tuple[str, ...], str]]:
    """Per table: its kinds, and the reference text of its module."""
    return {
        "faults": (config.KINDS, inspect.cleandoc(config.__doc__ or "")),
        "link_faults": (link_config.KINDS, inspect.cleandoc(link_config.__doc__ or "")),
    }


def run(args: argparse.Namespace) -> int:
    for table, (kinds, text) in reference().items():
        if args.table not in (None, table):
            continue
        print(f"[[{table}]]  kinds: {', '.join(kinds)}\n")
        print(text)
        print(f"\nshipped examples (lunar-hil scenarios): {EXAMPLES[table]}\n")
    return 0
