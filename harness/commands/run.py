"""Run one scenario against a flight software in lockstep and give a verdict.

CONFIG is a scenario file, or the name of a shipped one (``lunar-hil scenarios``).
Writes runs/<scenario>-<profile>-s<seed>-<stamp>/ (or --out, which must be new or empty
unless --force): result.json, telemetry.csv, capture.lhcap (decode with `lunar-hil
decode`), descent.png, FSW.toml (the constants handed to the FSW), fsw_stderr.log (a
launched FSW's output, capped). The FSW that flies is the one asked for: --command
implies --fsw process and --port implies --fsw device.

A scenario file can start a process ([fsw] kind = "process" with a command): it is code,
like a Makefile -- run scenarios you trust. The summary prints what was launched.

Exit: 0 the run flew (whatever its verdict); 1 with --expect, when the verdict differs;
2 a harness error (bad config, a port that cannot open, a run directory in use); 3 the
run never flew (the FSW did not start, answer PING, or the link broke before tick 0);
130 / 143 / 129 on SIGINT / SIGTERM / SIGHUP (the artifacts are still written).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from harness.errors import HarnessError, exit_status

FSW_KINDS = ("python-stub", "process", "device", "memory", "c-memory", "c-host", "qemu")
#: the kinds --command applies to: a command line (process), an in-process factory
#: ``module:callable`` (memory, c-memory), a host program (c-host), a board image (qemu)
COMMAND_KINDS = ("process", "memory", "c-memory", "c-host", "qemu")
#: the verdicts of a run that never flew (no tick was answered)
NEVER_FLEW = ("fsw_timeout", "fsw_crash", "link_lost", "fsw_protocol")
EXIT_NEVER_FLEW = 3
VERDICTS = (
    "soft", "marginal", "crash", "no_touchdown", "fsw_timeout", "fsw_crash", "link_lost",
    "fsw_protocol", "aborted",
)  # fmt: skip


class UsageError(HarnessError):
    """Options that contradict each other."""


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="scenario TOML, or a shipped scenario's name")
    p.add_argument("--profile", choices=("naive", "robust"), help="FSW stub profile")
    p.add_argument("--seed", type=int, help="run seed, >= 0 (default: the scenario's)")
    p.add_argument(
        "--fsw", choices=FSW_KINDS, help="how to run the FSW (default: the scenario's [fsw] kind)"
    )
    p.add_argument("--port", help="serial URL of a running board (implies --fsw device)")
    p.add_argument("--baud", type=int, help="baud rate to open --port at (default [link] baud)")
    p.add_argument(
        "--command",
        help="your FSW's command line (implies --fsw process): {port} becomes the pty path,"
        " {config} the FSW.toml path; with --fsw memory or c-memory a module:callable"
        " factory, with c-host a host program, with qemu a board image",
    )
    p.add_argument("--out", type=Path, help="run directory, new or empty (default under runs/)")
    p.add_argument(
        "--force", action="store_true", help="clear --out first if it holds a previous run"
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one scenario value, e.g. --set vehicle.max_thrust_n=3000 (repeatable)",
    )
    p.add_argument(
        "--expect",
        choices=VERDICTS,
        help="exit 1 unless the verdict is this one (for CI)",
    )
    p.add_argument("--no-plot", action="store_true", help="skip descent.png")
    p.add_argument(
        "--mode", choices=("lockstep", "realtime"), help="who owns time (default: the scenario's)"
    )
    p.add_argument("--speed", type=float, help="realtime: sim seconds per wall second")
    p.add_argument(
        "--rt-priority",
        type=int,
        nargs="?",
        const=50,
        metavar="PRIO",
        help="realtime: run under SCHED_FIFO at PRIO (default 50) where the OS permits",
    )


def fsw_choice(args: argparse.Namespace) -> str | None:
    """The FSW kind the options ask for; contradictions are a usage error."""
    kind = fsw_kind_asked(args.fsw, args.command, args.port)
    if getattr(args, "baud", None) is not None and kind != "device":
        raise UsageError("--baud is the rate a --port is opened at (--fsw device)")
    if getattr(args, "baud", None) is not None and args.baud < 1:
        raise UsageError(f"--baud {args.baud}: expected an integer >= 1")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed {args.seed}: expected an integer >= 0")
    return kind


def fsw_kind_asked(kind: str | None, command: str | None, port: str | None) -> str | None:
    """--fsw as --command and --port imply it (run, fuzz, replay); contradictions are a
    usage error: the FSW that flies is the one asked for."""
    if command is not None:
        if kind not in (None, *COMMAND_KINDS):
            raise UsageError(
                f"--command runs your FSW as --fsw process (or names another build for"
                f" {', '.join(COMMAND_KINDS[1:])}), not --fsw {kind}"
            )
        if kind in (None, "process"):
            try:
                shlex.split(command)
            except ValueError as exc:
                raise UsageError(f"--command {command!r}: {exc}") from None
            kind = "process"
    if port is not None:
        if kind not in (None, "device"):
            raise UsageError(f"--port connects to a board (--fsw device), not --fsw {kind}")
        kind = "device"
    return kind


def exit_code(result: dict[str, object], expect: str | None) -> int:
    verdict = str(result["verdict"])
    by = result.get("interrupted_by")
    if verdict == "aborted" and isinstance(by, str):
        return exit_status(by)
    if expect:
        if verdict != expect:
            print(f"expected {expect}, got {verdict}", file=sys.stderr)
            return 1
        return 0
    if verdict in NEVER_FLEW and not result.get("ticks"):
        print(f"the run never flew: {result['end_reason']}", file=sys.stderr)
        return EXIT_NEVER_FLEW
    return 0


def run(args: argparse.Namespace) -> int:
    from harness import runner
    from harness.report.progress import Progress
    from harness.scenarios import find_scenario

    kind = fsw_choice(args)
    overrides = list(args.overrides)
    if args.baud is not None:
        overrides.append(f"link.baud={args.baud}")
    overrides += _realtime_overrides(args)
    request = runner.RunRequest(
        config=find_scenario(args.config),
        profile=args.profile,
        seed=args.seed,
        fsw_kind=kind,
        port=args.port,
        command=args.command,
        out=args.out,
        overrides=tuple(overrides),
        plot=not args.no_plot,
        force=args.force,
    )
    result = runner.run(request, observers=(Progress.for_stderr(),))
    for line in runner.summary_lines(result):
        print(line)
    artifact_errors = result.result.get("artifact_errors") or {}
    if artifact_errors:
        print(f"lunar-hil run: error: artifacts not written: {artifact_errors}", file=sys.stderr)
        return 2
    return exit_code(result.result, args.expect)


def _realtime_overrides(args: argparse.Namespace) -> list[str]:
    """--mode, --speed and --rt-priority as the [run] keys they stand for."""
    out = []
    if args.mode:
        out.append(f"run.mode={args.mode}")
    if args.speed is not None:
        out.append(f"run.speed={args.speed!r}")
    if args.rt_priority is not None:
        out.append(f"run.rt_priority={args.rt_priority}")
    return out
