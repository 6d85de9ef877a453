"""Check a link to a running board (--port URL), or this machine's timer (--host).

`lunar-hil bench --port /dev/ttyUSB0 --baud 115200`: PING/PONG round trip (p50/p99/max),
sustained throughput both ways against the line's capacity, frames lost or corrupted
(the board's own PONG counters against what was sent), and whether the link is fit for
the scenario's rates (--config; default the shipped nominal). Only PING is sent:
nothing starts a descent. `lunar-hil bench --host`: how late this machine's sleeps
wake, with and without SCHED_FIFO, before a real-time campaign. Exit 0 when fit,
1 when not, 2 for a port that cannot be opened (absent, busy, no permission).
"""

from __future__ import annotations

import argparse
import errno
import json
import math
from typing import Any

import serial

from harness.bench import bench_link, fitness, probe_host
from harness.errors import HarnessError
from harness.link.base import Link, LinkError
from harness.link.serial import SerialLink
from harness.link.url import open_link
from harness.pacing import DEFAULT_SPIN_S
from harness.runner import scenario_load_bytes_per_s
from harness.scenario import load_scenario
from harness.scenarios import find_scenario
from packets import native


def configure(p: argparse.ArgumentParser) -> None:
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--port", metavar="URL", help="the board: /dev/ttyUSB0, socket://HOST:PORT")
    what.add_argument("--host", action="store_true", help="probe this machine's timer")
    p.add_argument(
        "--spin",
        dest="spin_s",
        type=float,
        default=10.0,
        metavar="S",
        help="with --host: seconds of a bare spin loop to catch stalls (default 10; 0: none)",
    )
    p.add_argument("--baud", type=int, help="the line's baud rate (its capacity: baud / 10 B/s)")
    p.add_argument("--pings", type=int, default=200, help="round trips to time (default 200)")
    p.add_argument("--burst", type=int, default=1000, help="PINGs in the throughput burst")
    p.add_argument("--timeout", type=float, default=0.5, help="wait for one PONG, s")
    p.add_argument(
        "--config", default="nominal", help="scenario (file or shipped name) for the rates"
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")


class PortError(HarnessError):
    """A port that cannot be opened, with the reason in words."""


def open_port(url: str, baud: int | None) -> Link:
    """Open ``url`` for the bench; an absent, busy or forbidden port is a clear error."""
    try:
        if url.startswith("/"):
            return SerialLink(url, baud or 115200, exclusive=True)
        return open_link(url, baudrate=baud or 115200)
    except LinkError as exc:
        raise PortError(_why(url, exc)) from None


def _why(url: str, exc: LinkError) -> str:
    cause = exc.__cause__
    code = None
    if isinstance(cause, serial.SerialException) and cause.args and isinstance(cause.args[0], int):
        code = cause.args[0]
    elif cause is not None and isinstance(cause.__context__, OSError):  # socket:// wraps it
        code = cause.__context__.errno
    elif isinstance(cause, OSError):
        code = cause.errno
    if code == errno.ENOENT:
        return f"{url}: no such port (is the board plugged in? ls /dev/ttyUSB* /dev/ttyACM*)"
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"{url}: permission denied (add your user to the port's group, e.g."
            f" `sudo usermod -aG dialout $USER`, then log in again)"
        )
    if code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
        return f"{url}: busy -- another program holds it (a terminal, a running lunar-hil?)"
    if code == errno.ECONNREFUSED:
        return f"{url}: connection refused (nothing listens there)"
    return str(exc)


def check_args(args: argparse.Namespace) -> None:
    """No PINGs would give NaN figures judged fit, an empty burst an IndexError: both,
    and a rate or timeout that is not positive, are usage errors."""
    for flag, value in (("--pings", args.pings), ("--burst", args.burst)):
        if value < 1:
            raise HarnessError(f"{flag} {value}: expected an integer >= 1")
    if not args.timeout > 0:
        raise HarnessError(f"--timeout {args.timeout}: expected a number of seconds > 0")
    if args.baud is not None and args.baud < 1:
        raise HarnessError(f"--baud {args.baud}: expected an integer >= 1")
    if not args.spin_s >= 0:
        raise HarnessError(f"--spin {args.spin_s}: expected a number of seconds >= 0")


def run(args: argparse.Namespace) -> int:
    check_args(args)
    if args.host:
        return _host(args)
    link = open_port(args.port, args.baud)
    try:
        report = bench_link(
            link, baud=args.baud, pings=args.pings, burst=args.burst, timeout_s=args.timeout
        )
    finally:
        link.close()
    scenario = load_scenario(find_scenario(args.config))
    verdicts = fitness(report, scenario_load_bytes_per_s(scenario), scenario.run.control_period_us)
    s = report.summary()
    if args.json:
        print(json.dumps(s | {"fit": {v.text: v.fit for v in verdicts}}, indent=2))
    else:
        for line in _lines(s):
            print(line)
        for v in verdicts:
            print(v.text)
    return 0 if verdicts[0].fit else 1


def _lines(s: dict[str, Any]) -> list[str]:
    cap = s["capacity_bytes_per_s"]
    cap_text = "no line rate given (--baud)" if math.isinf(cap) else f"capacity {cap:,.0f} B/s"

    def pct(v: float) -> str:
        return "" if math.isinf(cap) else f" ({100 * v / cap:.0f} %)"

    return [
        f"link {s['url']}",
        f"round trip: p50 {s['rtt_p50_ms']:.3f} ms, p99 {s['rtt_p99_ms']:.3f} ms,"
        f" max {s['rtt_max_ms']:.3f} ms over {s['pings']} PINGs ({s['pongs_lost']} unanswered)",
        f"throughput: to the board {s['h2f_bytes_per_s']:,.0f} B/s{pct(s['h2f_bytes_per_s'])},"
        f" from the board {s['f2h_bytes_per_s']:,.0f} B/s{pct(s['f2h_bytes_per_s'])}; {cap_text}",
        f"loss: {s['frames_sent']} frames sent, {s['frames_accepted_by_board']} accepted by the"
        f" board ({s['h2f_frames_lost']} lost or corrupted); from the board"
        f" {s['f2h_crc_errors']} bad PECs, {s['f2h_skipped_bytes']} bytes skipped",
    ]


def _host(args: argparse.Namespace) -> int:
    probe = probe_host(spin_s=args.spin_s)
    if args.json:
        print(json.dumps(probe | {"framing": native.describe()}, indent=2))
        return 0
    print(f"framing and deframing: {native.describe()}")
    for name, r in probe.items():
        if "refused" in r:
            print(f"{name}: refused by the OS ({r['refused']}); run as root or grant CAP_SYS_NICE")
            continue
        print(
            f"{name}: sleep overshoot p50 {r['sleep_overshoot_p50_us']:.0f} µs,"
            f" p99 {r['sleep_overshoot_p99_us']:.0f} µs, max {r['sleep_overshoot_max_us']:.0f} µs"
            f" ({r['samples']} sleeps of 1 ms)"
        )
        if "stalls_over_1ms" in r:
            print(
                f"{name}: a bare spin loop of {r['spin_s']:g} s was stalled"
                f" {r['stalls_over_1ms']} times for over 1 ms, worst {r['worst_stall_ms']:.1f} ms"
                " (the process not running at all: a stall longer than a step's slack is an"
                " overrun of a paced run, whatever the loop does)"
            )
    other = probe["SCHED_OTHER"]["sleep_overshoot_p99_us"]
    spin_us = DEFAULT_SPIN_S * 1e6
    print(
        f"the real-time loop spins the last {spin_us:.0f} µs before each deadline ([run] spin_ms):"
        f" {'enough' if other < spin_us else 'NOT enough without --rt-priority'} for this host"
    )
    return 0
