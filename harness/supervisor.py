"""Supervision: turns what happened to the FSW's link and process into a verdict.

A broken link is ``link_lost`` unless the FSW process has exited, in which case it is
``fsw_crash`` quoting the tail of its stderr. The loops ask the supervisor; they never
look at exit codes or stderr themselves.
"""

from __future__ import annotations

import subprocess
from typing import NoReturn, Protocol

from harness.outcome import RunEnded
from harness.verdict import Verdict

#: how long a broken link waits for the child's exit code before calling it link_lost
EXIT_GRACE_S = 0.5


class Supervised(Protocol):
    """What the supervisor needs of a running FSW (harness.launcher.FswEndpoint)."""

    @property
    def process(self) -> subprocess.Popen[bytes] | None: ...
    def exit_code(self) -> int | None: ...
    def stderr_tail(self, lines: int = 15) -> str: ...


class Supervisor:
    def __init__(self, endpoint: Supervised) -> None:
        self.endpoint = endpoint

    def exited(self) -> bool:
        return self.endpoint.exit_code() is not None

    def wait_exit(self, within_s: float) -> int | None:
        """The child's exit code if it exits within ``within_s``; None otherwise."""
        proc = self.endpoint.process
        if proc is None:
            return None
        try:
            return proc.wait(timeout=within_s)
        except subprocess.TimeoutExpired:
            return None

    def ended_by_link(self, why: str, t_us: int) -> NoReturn:
        """The link broke (or the process went away): end the run with the right verdict."""
        code = self.wait_exit(EXIT_GRACE_S)
        if code is not None:
            tail = self.endpoint.stderr_tail()
            raise RunEnded(
                Verdict.FSW_CRASH,
                f"FSW exited with code {code} at t={t_us / 1e6:.2f} s"
                + (f"; its stderr ends:\n{tail}" if tail else ""),
            )
        raise RunEnded(Verdict.LINK_LOST, f"link lost at t={t_us / 1e6:.2f} s: {why}")
