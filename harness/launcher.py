"""Starts (or connects to) the flight software under test and supervises it.

Kinds:
* ``python-stub`` -- the reference stub as a subprocess on a pty (the default);
* ``process``     -- any command line with a ``{port}`` (and optional ``{config}``)
                     placeholder: how a user plugs in their own FSW build;
* ``device``      -- the serial URL of a board that is already running: nothing launched;
* ``memory``      -- the stub in-process behind its byte interface (fast).

A child's stderr goes to a file in the run directory; its tail is quoted when it dies.
``FswEndpoint.close`` always reaps the child: terminate, wait, kill, wait.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO

from harness.errors import HarnessError
from harness.link.base import Link
from harness.link.pty import PtyPair
from harness.link.serial import SerialLink

_TERMINATE_GRACE_S = 2.0


class FswKind(StrEnum):
    PYTHON_STUB = "python-stub"
    PROCESS = "process"
    DEVICE = "device"
    MEMORY = "memory"


class LaunchError(HarnessError):
    pass


@dataclass
class FswEndpoint:
    """The harness's end of the link to a running FSW, and the FSW's process if any."""

    kind: FswKind
    link: Link
    description: str
    process: subprocess.Popen[bytes] | None = None
    stderr_path: Path | None = None
    _stderr_fh: IO[bytes] | None = field(default=None, repr=False)

    def exit_code(self) -> int | None:
        """The child's exit code once it has exited; None while running or when no child."""
        return None if self.process is None else self.process.poll()

    def stderr_tail(self, lines: int = 15) -> str:
        if self.stderr_path is None or not self.stderr_path.exists():
            return ""
        if self._stderr_fh is not None:
            self._stderr_fh.flush()
        text = self.stderr_path.read_text(errors="replace")
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def close(self) -> None:
        """Close the link and reap the child, whatever state it is in."""
        try:
            self.link.close()
        finally:
            proc = self.process
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=_TERMINATE_GRACE_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=_TERMINATE_GRACE_S)
            if self._stderr_fh is not None:
                self._stderr_fh.close()


def stub_command(port: str, config: Path, clock: str = "sync") -> list[str]:
    argv = [sys.executable, "-m", "fsw_stub", "--port", port, "--config", str(config)]
    return argv if clock == "sync" else [*argv, "--clock", clock]


def _spawn(kind: FswKind, argv: list[str], run_dir: Path, pty: PtyPair, what: str) -> FswEndpoint:
    """Start the child holding the pty's slave from birth, so its death is a hang-up."""
    stderr_path = run_dir / "fsw_stderr.log"
    fh = stderr_path.open("wb")
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            close_fds=True,
            pass_fds=pty.pass_fds,
        )
    except OSError as exc:
        fh.close()
        pty.close()
        raise LaunchError(f"cannot start the FSW ({shlex.join(argv)}): {exc}") from exc
    pty.release_slave()
    return FswEndpoint(kind, pty, what, proc, stderr_path, fh)


def launch(
    kind: FswKind,
    *,
    run_dir: Path,
    fsw_config: Path,
    command: str | None = None,
    port: str | None = None,
    stub_clock: str = "sync",
) -> FswEndpoint:
    """Start or connect to the FSW of the given kind; the caller must ``close`` it."""
    if kind is FswKind.MEMORY:
        from fsw_stub.core import FlightSoftware, load_config  # the only import of fsw_stub
        from harness.inprocess import InProcessFswLink

        fsw = FlightSoftware(load_config(fsw_config))
        return FswEndpoint(kind, InProcessFswLink(fsw), "fsw_stub in-process (memory link)")
    if kind is FswKind.DEVICE:
        if not port:
            raise LaunchError("--fsw device needs --port URL (e.g. /dev/ttyUSB0)")
        return FswEndpoint(kind, SerialLink(port), f"device at {port}")
    pty = PtyPair()
    if kind is FswKind.PYTHON_STUB:
        argv = stub_command(pty.slave_path, fsw_config, stub_clock)
        return _spawn(kind, argv, run_dir, pty, f"fsw_stub subprocess on {pty.slave_path}")
    if not command or "{port}" not in command:
        pty.close()
        raise LaunchError("--fsw process needs a command line with a {port} placeholder")
    argv = [
        tok.replace("{port}", pty.slave_path).replace("{config}", str(fsw_config))
        for tok in shlex.split(command)
    ]
    return _spawn(kind, argv, run_dir, pty, f"{shlex.join(argv)} on {pty.slave_path}")


#: the kinds that fly the reference stub, whose FSW.toml the harness can check up front
STUB_KINDS = (FswKind.PYTHON_STUB, FswKind.MEMORY)


def check_stub_config(doc: dict[str, object], where: str) -> None:
    """Validate an FSW.toml document with the stub's own reader before anything starts.

    Raises the stub's ``ConfigError`` (with ``key``, ``expected``, ``found``) for the
    caller to locate in the scenario (``fsw.stub.<key>``).
    """
    from fsw_stub.config import config_from_mapping  # the launcher owns the stub imports

    config_from_mapping(doc, where)
