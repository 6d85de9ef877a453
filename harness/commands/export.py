"""Export the packet dictionary: XTCE 1.2 (Yamcs, COSMOS) or a Wireshark Lua dissector.

``lunar-hil export xtce [-o FILE]`` writes the XTCE ``SpaceSystem``; ``lunar-hil export
wireshark [-o lunar_hil.lua]`` writes the dissector for a run's ``capture.pcapng``. Both are
generated from the construct definitions in packets/icd.py, deterministic, and committed
as docs/lunar_hil.xtce.xml and docs/lunar_hil.lua.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from harness.errors import InputError
from packets.export.wireshark import dissector_source
from packets.export.xtce import xtce_document

FORMATS: dict[str, tuple[Callable[[], str], str]] = {
    "xtce": (xtce_document, "XTCE 1.2 SpaceSystem (XML) for Yamcs, COSMOS, space_packet_parser"),
    "wireshark": (dissector_source, "Wireshark/tshark Lua dissector for capture.pcapng"),
}


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="format", required=True)
    for name, (_, help_text) in FORMATS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
        )


def run(args: argparse.Namespace) -> int:
    text = FORMATS[args.format][0]()
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write: {exc.strerror}") from None
    return 0
