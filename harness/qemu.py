"""The ``qemu`` FSW kind: the C FSW's board image on an emulated Cortex-M4F.

``qemu-system-arm -M mps2-an386 -serial pty -serial file:board_console.log -kernel IMAGE``:
QEMU opens a pseudo-terminal for the board's UART0 and says so on its stdout ("char device
redirected to /dev/pts/N (label serial0)"); the harness reads that line under a wall-clock
deadline and opens the pty like any serial port. The board's console (UART1, cycle-time
statistics) goes to ``board_console.log`` in the run directory, QEMU's own output to
``fsw_stderr.log``. QEMU is a child like any FSW: watched by the session, always reaped.

QEMU runs pinned to one CPU (the one with the fewest of our QEMUs still running): its vCPU
and I/O threads hand every UART byte to each other (the board's UART has a one-byte
receive register), and on one core that hand-over is a cheap switch -- measured here
1.4x the pty throughput of an unpinned QEMU (40 vs 28 kB/s on 2 loaded cores).

The launcher (harness.launcher, the ``qemu`` kind) wraps the Board in its FswEndpoint and
hands over the image: the run's FSW.toml compiled in
(``fsw_stub.firmware.build.board_image``, cached by its resolved constants), or the ELF
file that ``command`` names.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harness.errors import HarnessError
from harness.link.serial import SerialLink

QEMU = "qemu-system-arm"
_KILL_WAIT_S = 5.0
MACHINE = "mps2-an386"
CONSOLE_NAME = "board_console.log"
#: wall-clock limit for QEMU to print its pty
PTY_DEADLINE_S = 10.0
#: the QEMU children started here and the CPU each is pinned to
_PINNED: list[tuple[subprocess.Popen[bytes], int]] = []
_PIN_LOCK = threading.Lock()


def _pick_cpu() -> int:
    """The CPU (of those this process may use) with the fewest live QEMUs pinned to it."""
    with _PIN_LOCK:
        _PINNED[:] = [(p, c) for p, c in _PINNED if p.poll() is None]
        load = dict.fromkeys(sorted(os.sched_getaffinity(0)), 0)
        for _, cpu in _PINNED:
            if cpu in load:
                load[cpu] += 1
        return min(load, key=lambda c: (load[c], c))


_PTY_LINE = re.compile(rb"char device redirected to (/dev/pts/\d+) \(label serial0\)")


#: extra QEMU options for every board launched (benchmarks set ("-icount", "shift=0") to
#: count instructions: one per virtual nanosecond)
EXTRA_ARGS: tuple[str, ...] = ()


def qemu_command(image: Path, console: Path) -> list[str]:
    return [
        QEMU,
        "-M",
        MACHINE,
        *EXTRA_ARGS,
        "-display",
        "none",
        "-monitor",
        "none",
        "-serial",
        "pty",
        "-serial",
        f"file:{console}",
        "-kernel",
        str(image),
    ]


def pinned(argv: list[str], cpu: int) -> list[str]:
    """``argv`` exec'd on one CPU (set before exec, so every QEMU thread inherits it)."""
    code = (
        "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])});"
        " os.execv(sys.argv[2], sys.argv[2:])"
    )
    return [sys.executable, "-c", code, str(cpu), *argv]


class BoardError(HarnessError):
    """QEMU could not start, or named no pty: what it printed is in the message."""


@dataclass
class Board:
    """A running QEMU board and the harness's end of its UART."""

    process: subprocess.Popen[bytes]
    link: SerialLink
    log_path: Path
    log: IO[bytes]
    description: str


def _wait_for_pty(proc: subprocess.Popen[bytes], log: IO[bytes]) -> str:
    """Read QEMU's stdout until it names its pty; everything read is logged."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    seen = b""
    deadline = time.monotonic() + PTY_DEADLINE_S
    while True:
        match = _PTY_LINE.search(seen)
        if match:
            return match.group(1).decode()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BoardError(
                f"{QEMU} named no pty within {PTY_DEADLINE_S:g} s; it printed {seen!r}"
            )
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            code = proc.wait(timeout=PTY_DEADLINE_S)
            raise BoardError(f"{QEMU} exited ({code}) before naming its pty; it printed {seen!r}")
        log.write(chunk)
        log.flush()
        seen += chunk


def _drain(stream: IO[bytes], log: IO[bytes]) -> None:
    """Copy the rest of QEMU's stdout to the log, so QEMU never blocks on a full pipe."""
    fd = stream.fileno()
    try:
        for chunk in iter(lambda: os.read(fd, 4096), b""):
            log.write(chunk)
            log.flush()
    except (OSError, ValueError):  # the log was closed at the end of the run
        pass


def start_board(image: Path, run_dir: Path) -> Board:
    """Start QEMU on ``image``, find its pty, open it. The caller owns (and reaps) QEMU;
    if anything fails here, QEMU is killed and waited for before the error is raised."""
    qemu = shutil.which(QEMU)
    if qemu is None:
        raise BoardError(f"{QEMU} not found: apt-get install qemu-system-arm")
    log_path = run_dir / "fsw_stderr.log"
    log = log_path.open("ab")
    argv = qemu_command(image, run_dir / CONSOLE_NAME)
    argv[0] = qemu
    cpu = _pick_cpu()
    argv = pinned(argv, cpu)
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, close_fds=True
        )
    except OSError as exc:
        log.close()
        raise BoardError(f"cannot start {QEMU}: {exc}") from exc
    with _PIN_LOCK:
        _PINNED.append((proc, cpu))
    try:
        pts = _wait_for_pty(proc, log)
        link = SerialLink(pts)
    except BaseException:
        proc.kill()
        proc.wait(timeout=_KILL_WAIT_S)
        log.close()
        raise
    assert proc.stdout is not None
    threading.Thread(target=_drain, args=(proc.stdout, log), daemon=True).start()
    what = f"{image.name} on {QEMU} -M {MACHINE}, UART0 on {pts}"
    return Board(proc, link, log_path, log, what)
