"""The search: run cases until the budget is spent or an oracle is violated, then let
hypothesis shrink the failing case to a minimal one.

Each case is decoded from one fixed-size byte string (``harness.fuzz.generate.case_of``).
Exploring draws those bytes from a seeded ``random.Random`` and runs them directly:
hypothesis draws a byte string choice by choice, and one case's bytes cost it more than
the whole case costs against the in-process stub (``benchmarks/bench_fuzz.py``); the
case decoder already gives every choice its plainest value at 0, which is what
hypothesis's shrinker needs.
A failing byte string goes to hypothesis through its fuzzer entry point
(``fuzz_one_input``), which files it in the example database; a normal hypothesis run
with the reuse and shrink phases then shrinks it (one exception class per oracle, so it
shrinks toward the same oracle) -- the last failing example it runs is the minimal one.
With a corpus directory the database lives there: failures found before are tried first
(hypothesis's reuse phase) in the next run.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    ExampleDatabase,
    InMemoryExampleDatabase,
)

from harness.errors import signal_name
from harness.fuzz.driver import Exchange, Target, play
from harness.fuzz.generate import Write, case_of
from harness.fuzz.judge import ORACLES, Violation
from harness.fuzz.prune import prune

#: the bytes a case is decoded from (about half are read by a typical case)
BLOB_BYTES = 320
#: hypothesis may shrink for at most this many examples
MAX_SHRINKS = 2000


class _Found(Exception):  # noqa: N818 (hypothesis reports it; never escapes ``search``)
    pass


#: one exception class per oracle, so hypothesis shrinks a failure toward the same oracle
_FOUND: dict[str, type[_Found]] = {
    name: type(f"{name.title().replace('_', '')}Violated", (_Found,), {}) for name in ORACLES
}


@dataclass
class Failure:
    """The minimal failing case: the violation, the writes, every byte both ways."""

    blob: bytes
    case: list[Write]
    violation: Violation
    exchange: Exchange
    #: False when the case fails only after other cases on the same FSW and no history
    #: of up to ``HISTORY`` cases reproduced it on a fresh FSW
    reproducible: bool = True
    #: earlier cases the reproducer had to keep (history-dependent failures)
    history_cases: int = 0


@dataclass
class SearchResult:
    cases: int = 0
    frames_sent: int = 0
    frames_accepted: int = 0
    wall_s: float = 0.0
    #: wall time spent running generated cases (not shrinking): what cases/s is over
    explore_s: float = 0.0
    shrink_steps: int = 0
    prune_trials: int = 0
    failure: Failure | None = None
    fsw_starts: int = 0
    #: the signal that stopped the search early (SIGINT for Ctrl-C), and a violation it
    #: found but had not finished shrinking then (no reproducer: kept as found)
    interrupted_by: str | None = None
    unshrunk: Violation | None = None

    @property
    def cases_per_s(self) -> float:
        return self.cases / self.explore_s if self.explore_s > 0 else 0.0

    @property
    def accepted_share(self) -> float:
        """Share of the frames sent that a correct receiver accepts (the judge's count)."""
        return self.frames_accepted / self.frames_sent if self.frames_sent else 0.0


HISTORY = 16


class _Search:
    def __init__(self, target: Target, res: SearchResult, db: ExampleDatabase) -> None:
        self.target = target
        self.res = res
        self.db = db
        self.found: list[Failure] = []
        #: the oracle being shrunk toward, and whether each example gets a fresh FSW
        self.oracle: str | None = None
        self.fresh = target.settings.fresh_fsw_per_shrink
        self.deadline = float("inf")

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def run(self, writes: list[Write], ex: Exchange | None = None) -> Violation | None:
        """Play ``writes`` on the running FSW; after a violation the next play starts afresh."""
        try:
            play(self.target, [w.chunks for w in writes], ex)
        except Violation as v:
            self.target.close()
            return v
        return None

    def trial(self, writes: list[Write]) -> Violation | None:
        """Play ``writes`` on a fresh FSW."""
        self.target.close()
        self.res.prune_trials += 1
        return self.run(writes)

    def one(self, blob: bytes) -> None:
        """The hypothesis test: one case; raises the oracle's exception when violated.
        Past the shrink budget every example passes: hypothesis keeps what it has."""
        if self.out_of_time():
            return
        self.res.shrink_steps += 1
        if self.fresh:
            self.target.close()
        writes = case_of(blob)
        ex = Exchange()
        v = self.run(writes, ex)
        if v is not None and (self.oracle is None or v.oracle == self.oracle):
            self.found.append(Failure(blob, writes, v, ex))
            raise _FOUND[v.oracle](str(v))

    def hypothesis_test(self) -> Any:
        return settings(
            max_examples=MAX_SHRINKS,
            database=self.db,
            deadline=None,
            phases=[Phase.reuse, Phase.shrink],
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
        )(given(st.binary(min_size=BLOB_BYTES, max_size=BLOB_BYTES))(self.one))

    def shrink(self, blob: bytes | None) -> Failure | None:
        """Let hypothesis shrink ``blob`` (or what its database holds, for None)."""
        test = self.hypothesis_test()
        if blob is not None:
            with contextlib.suppress(_Found):
                test.hypothesis.fuzz_one_input(blob)  # files it in the database
        try:
            test()
        except _Found:
            pass
        except Exception:  # hypothesis's Flaky and kin: the failures recorded are ours
            if not self.found:
                raise
        return self.found[-1] if self.found else None

    def minimize(self, blob: bytes, v: Violation, history: list[bytes]) -> Failure:
        """Shrink, prune and record the failure ``v`` that ``blob`` gave after ``history``."""
        self.oracle = v.oracle
        self.deadline = time.monotonic() + self.target.settings.shrink_budget_s
        writes = case_of(blob)
        reproducible, kept = True, 0
        again = self.trial(writes)
        if again is not None and again.oracle == v.oracle:
            shrunk = self.shrink(blob)
            if shrunk is not None:
                blob, writes = shrunk.blob, shrunk.case
        else:  # it needs the cases before it on the same FSW: find how many
            for k in (1, 2, 4, 8, HISTORY):
                if k > len(history):
                    break
                flat = [w for h in history[-k:] for w in case_of(h)] + writes
                again = self.trial(flat)
                if again is not None and again.oracle == v.oracle:
                    writes, kept = flat, k
                    break
            else:
                reproducible = False
        if reproducible:
            writes = prune(writes, v.oracle, self.trial, self.out_of_time)
        self.target.close()
        ex = Exchange()
        final = self.run(writes, ex) if reproducible else None
        return Failure(blob, writes, final or v, ex if final else Exchange(), reproducible, kept)


def search(
    target: Target,
    *,
    cases: int | None = None,
    budget_s: float | None = None,
    run_seed: int = 0,
    corpus: Path | None = None,
    keep_on_interrupt: bool = False,
) -> SearchResult:
    """Fuzz ``target`` (see the module docstring); never raises for a violation. With
    ``keep_on_interrupt`` a Ctrl-C (or SIGTERM/SIGHUP as ``SignalInterrupt``) ends the
    search with what it has, ``interrupted_by`` set, instead of raising."""
    if cases is None and budget_s is None:
        cases = 1000
    res = SearchResult()
    t0 = time.monotonic()
    db: ExampleDatabase = (
        DirectoryBasedExampleDatabase(str(corpus))
        if corpus is not None
        else InMemoryExampleDatabase()
    )
    s = _Search(target, res, db)
    if corpus is not None and any(p.is_file() for p in corpus.rglob("*")):
        kept = s.shrink(None)  # failures kept from earlier runs first
        if kept is not None:
            res.failure = s.minimize(kept.blob, kept.violation, [])
    rnd = random.Random(run_seed)
    history: deque[bytes] = deque(maxlen=HISTORY)
    t_case = time.monotonic()
    v: Violation | None = None
    try:
        while res.failure is None:
            if cases is not None and res.cases >= cases:
                break
            if budget_s is not None and time.monotonic() - t0 >= budget_s:
                break
            blob = rnd.randbytes(BLOB_BYTES)
            res.cases += 1
            writes = case_of(blob)
            ex = Exchange()
            v = s.run(writes, ex)
            if v is None:
                res.frames_sent += sum(len(w.parts) for w in writes)
                res.frames_accepted += ex.frames_sent
                history.append(blob)
                continue
            res.explore_s += time.monotonic() - t_case
            res.failure = s.minimize(blob, v, list(history))
            t_case = time.monotonic()
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM/SIGHUP as SignalInterrupt
        if not keep_on_interrupt:
            raise
        res.interrupted_by = signal_name(stop)
        if res.failure is None:
            res.unshrunk = v
    res.explore_s += time.monotonic() - t_case
    res.wall_s = time.monotonic() - t0
    res.fsw_starts = target.starts
    return res
