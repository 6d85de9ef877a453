"""`lunar-hil` command line. Each subcommand lives in ``harness.commands.<name>`` and
provides ``configure(parser)`` and ``run(args) -> int``.

Only the chosen subcommand's module is imported (pyserial's lesson: a handler is loaded
when it is used), so ``lunar-hil --help`` starts in a fraction of a second; the one-line
helps are kept here (``HELP``) and a test keeps them equal to the modules' docstrings.

Exit codes: 0 the command did its job (a run flew, whatever its verdict); 1 a run's
verdict differs from ``--expect``, or a check found a problem; 2 a harness error (bad
input, a port that cannot open) -- the message names where; 3 a run that never flew
(the FSW did not start or answer); 130 / 143 / 129 interrupted by SIGINT / SIGTERM /
SIGHUP, with what the run had written.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import signal
import sys
from collections.abc import Sequence
from types import FrameType, ModuleType

from harness.errors import HarnessError, SignalInterrupt, exit_status

#: subcommand name -> module
COMMANDS: dict[str, str] = {
    "run": "harness.commands.run",
    "demo": "harness.commands.demo",
    "scenarios": "harness.commands.scenarios",
    "faults": "harness.commands.faults",
    "simulate": "harness.commands.simulate",
    "decode": "harness.commands.decode",
    "encode": "harness.commands.encode",
    "protocol": "harness.commands.protocol",
    "fuzz": "harness.commands.fuzz",
    "replay": "harness.commands.replay",
    "export": "harness.commands.export",
    "campaign": "harness.commands.campaign",
    "hunt": "harness.commands.hunt",
    "bench": "harness.commands.bench",
}
#: the first line of each module's docstring (tests/harness/commands/test_cli.py)
HELP: dict[str, str] = {
    "run": "Run one scenario against a flight software in lockstep and give a verdict.",
    "demo": "Each public failure in one command, with the naive and the robust FSW side by side.",
    "scenarios": "List the scenarios that ship with lunar-hil, one line each.",
    "faults": (
        "List the fault kinds a scenario can schedule: sensor faults and link faults, with keys."
    ),
    "simulate": (
        "Run the plant open loop (no FSW) from a command table, to validate it before"
        " trusting a verdict."
    ),
    "decode": (
        "Decode frames from a byte stream or a capture file into JSON lines, one per packet."
    ),
    "encode": "Encode JSON lines (the shape ``lunar-hil decode`` prints) into ICD frames.",
    "protocol": (
        "Print the protocol reference (Markdown), generated from the construct definitions."
    ),
    "fuzz": "Fuzz a flight software over its real link: hypothesis sessions, oracles, reproducers.",
    "replay": "Replay a capture's H2F bytes to a flight software and judge its answers.",
    "export": (
        "Export the packet dictionary: XTCE 1.2 (Yamcs, COSMOS) or a Wireshark Lua dissector."
    ),
    "campaign": (
        "Run thousands of dispersed runs from one campaign file, store them, resume, report."
    ),
    "hunt": (
        "Hunt for the fault schedules that break a landing, shrink each to its simplest, re-fly it."
    ),
    "bench": "Check a link to a running board (--port URL), or this machine's timer (--host).",
}


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise SignalInterrupt(signum)


#: the errors of an output that cannot grow (no space, over quota, too large)
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's flush at exit does not fail on
    the output that could not be written a second time."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("lunar-hil")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "unknown (not installed)"


def _chosen(argv: Sequence[str]) -> str | None:
    for a in argv:
        if not a.startswith("-"):
            return a if a in COMMANDS else None
    return None


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lunar-hil",
        description="Flight-software-in-the-loop test harness for lunar landers.",
        epilog="exit codes: 0 done, 1 --expect or check failed, 2 harness error,"
        " 3 the run never flew, 130/143/129 interrupted (SIGINT/SIGTERM/SIGHUP)",
    )
    parser.add_argument("--version", action="version", version=f"lunar-hil {version()}")
    sub = parser.add_subparsers(dest="_subcommand", required=True, metavar="COMMAND")
    chosen = _chosen(argv)
    for name in COMMANDS:
        if name == chosen or name not in HELP:
            module = _load(name)
            doc = module.__doc__ or ""
            p = sub.add_parser(name, help=doc.strip().splitlines()[0], description=doc)
            module.configure(p)
            p.set_defaults(_run=module.run)
        else:
            sub.add_parser(name, help=HELP[name], add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    old = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    for s in old:
        signal.signal(s, _raise_interrupt)
    try:
        return int(args._run(args))
    except HarnessError as exc:
        print(f"lunar-hil {args._subcommand}: error: {exc}", file=sys.stderr)
        return 2
    except SignalInterrupt as exc:
        print(f"lunar-hil {args._subcommand}: terminated by {exc}", file=sys.stderr)
        return exit_status(exc.signum)
    except KeyboardInterrupt:
        print(f"lunar-hil {args._subcommand}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `lunar-hil decode x | head`
        return 0
    except OSError as exc:  # the output cannot be written: a full disk, /dev/full
        if exc.filename is not None or exc.errno not in _DISK_FULL:
            raise  # not the output's disk: a harness bug, seen as one
        _quiet_stdout()
        print(f"lunar-hil {args._subcommand}: error: cannot write: {exc.strerror}", file=sys.stderr)
        return 2
    finally:
        for s, h in old.items():
            signal.signal(s, h)


if __name__ == "__main__":
    sys.exit(main())
