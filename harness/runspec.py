"""A run as a value: what to fly (``RunSpec``) and what it gave (``RunSummary``).

``RunSpec`` holds the *resolved* scenario, so a worker needs no files to read it again;
it pickles to a few kB. ``RunSummary`` holds result.json's object and the telemetry
digest -- small enough to send back from a process-pool or Dask worker. ``RunRequest``
is what the command line asks for (a path and overrides); ``RunResult`` what ``run``
gives the CLI back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.outcome import SessionOutcome, TickRow
from harness.scenario import Scenario

ARTIFACT_POLICIES = ("none", "result", "full")


@dataclass(frozen=True)
class RunRequest:
    """What the command line asks for: a scenario file, overrides and choices."""

    config: Path
    profile: str | None = None
    seed: int | None = None
    fsw_kind: str | None = None
    port: str | None = None
    command: str | None = None
    out: Path | None = None
    overrides: tuple[str, ...] = ()
    plot: bool = True
    force: bool = False


@dataclass(frozen=True)
class RunSpec:
    """One run, fully described, picklable: the same spec gives the same bytes anywhere."""

    scenario: Scenario
    seed: int | None = None
    profile: str | None = None
    fsw_kind: str | None = None
    port: str | None = None
    command: str | None = None
    #: the run directory (``artifacts`` "result"/"full"); None: under runs/
    out: Path | None = None
    artifacts: str = "full"
    plot: bool = True
    #: return the telemetry rows in the summary (plots, tests)
    keep_rows: bool = False
    #: for the record and for blaming a bad value on its --set
    overrides: tuple[str, ...] = ()
    config: str | None = None
    #: clear a non-empty run directory first (else it is refused)
    force: bool = False
    #: more run observers (progress, a recorder of your own); in-process runs only
    observers: tuple[Any, ...] = ()


@dataclass
class RunSummary:
    """What a run gives back: result.json's object, the telemetry digest, where it lives."""

    result: dict[str, Any]
    telemetry_sha256: str | None
    run_dir: Path | None
    rows: list[TickRow] | None = field(default=None, repr=False)
    #: the session's outcome (in-process callers only; not sent across processes)
    outcome: SessionOutcome | None = field(default=None, repr=False, compare=False)

    @property
    def verdict(self) -> str:
        return str(self.result["verdict"])


@dataclass
class RunResult:
    """``run``'s answer: the run directory, result.json's object and the rows."""

    run_dir: Path
    result: dict[str, Any]
    rows: list[TickRow]
