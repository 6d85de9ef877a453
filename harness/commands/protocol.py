"""Print the protocol reference (Markdown), generated from the construct definitions.

``docs/protocol.md`` is this output, committed; regenerate it with
``lunar-hil protocol > docs/protocol.md`` after any change to ``packets/icd.py``.
"""

from __future__ import annotations

import argparse
import sys

from harness.errors import InputError
from packets.reference import protocol_reference


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )


def run(args: argparse.Namespace) -> int:
    text = protocol_reference()
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise InputError(
                f"-o {args.output}: cannot write the reference: {exc.strerror}"
            ) from None
    else:
        sys.stdout.write(text)
    return 0
