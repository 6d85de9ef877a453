"""One hunting engine: hypothesis drives runs in rounds, climbs the margins with
``hypothesis.target``, shrinks each failure, and bisects its main magnitude.

Rounds come in two sorts, each one hypothesis run with its own seed
(``SeedSequence(seed, spawn_key=(engine, round))``):

* an *exploring* round generates ``explore_examples`` schedules (hypothesis's own
  generation, no climbing yet);
* a *climbing* round generates nothing: it replays the pareto front of the margins that
  hypothesis keeps in the engine's example database (free -- the broker has their
  records) and runs hypothesis's target phase from the best of them, for at most
  ``round_examples`` examples.

The first round explores; a round after which the best margin seen has improved is
followed by a climbing round (the climb goes on where it stopped), any other by an
exploring one. Hypothesis on its own would spend half of every run generating before it
climbs (its target phase starts at ``max_examples // 2``) and would start each seeded run
from scratch; here a climb is never cut off by a round's end, and exploring costs only
what it takes to find a slope. Every round may shrink: the first failure of a round goes
to the broker at once (before shrinking, so a killed hunt keeps it); shrinking may fly
``shrink_runs`` runs, after which a schedule not yet flown counts as passing (so the
shrinker stops on what it has); a failure found within the run budget is shrunk and
bisected even past it. A minimal failure whose kinds are new is bisected on its main
magnitude and handed over; then the next round explores, and schedules that hold a known
failure at least as harsh (``Space.explains``) count as passing without a run, so the
search looks elsewhere.

The database: ``@seed`` alone would drop it (it sets ``database=None``), so the settings
are applied over the seed; and it keeps insertion order, so what hypothesis fetches and
samples is the same in every process (an ``InMemoryExampleDatabase`` holds sets of bytes,
whose order changes with the hash seed).

Every run goes through the broker (``ask`` before, ``ran`` after): it answers from the
store when the schedule was flown before (a resumed hunt replays its rounds for free,
deterministically), and it says when the budget is spent.

A little over ~300 lines because it is one thing, an engine: its rounds, the database
they share, and the bisection of what a round found -- most of the length is this text.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from harness.campaign.stats import Bisection
from harness.campaign.store import RunRecord
from harness.hunt.plan import TARGETS, Hunt
from harness.hunt.space import Exact, Fault, Schedule
from harness.runner import RunSpec

#: between two schedules with the same margin, the harsher one (``Space.harshness``) is
#: the nearer to failure -- the space says which end of every parameter is harsh; the
#: term only breaks ties (a margin that moves by any real amount outweighs it), which
#: keeps hypothesis's hill climber from walking sideways along a parameter the margin
#: does not see (it accepts equal scores as moves)
HARSH_TIE = 1e-6

#: a run's flying: its id and spec in, its record out (``harness.campaign.worker``)
Fly = Callable[[int, RunSpec], RunRecord]


class Falsified(Exception):  # noqa: N818 (hypothesis reports it; never escapes a round)
    """The property failed for this schedule."""


class BudgetSpent(BaseException):
    """The broker refused a run: the hunt's budget is spent or it was stopped."""


@dataclass(frozen=True)
class Boundary:
    """Where the main magnitude of a minimal failure flips, by bisection (one seed)."""

    kind: str
    param: str
    low: float
    high: float
    #: the value at the simple end of the bracket passes
    passes_toward: float
    runs: int
    note: str = ""

    @property
    def critical(self) -> float:
        return 0.5 * (self.low + self.high)

    def as_dict(self, shrunk: float) -> dict[str, Any]:
        off = abs(shrunk - self.critical) / abs(self.critical) if self.critical else math.inf
        return {
            "kind": self.kind,
            "param": self.param,
            "low": self.low,
            "high": self.high,
            "critical": self.critical,
            "passes_toward": self.passes_toward,
            "runs": self.runs,
            "note": self.note,
            "shrunk": shrunk,
            "shrunk_off_boundary_frac": off,
        }


@dataclass
class Found:
    """A failure as an engine hands it over."""

    schedule: Schedule
    record: RunRecord
    engine: int
    round: int
    shrunk: bool
    boundary: Boundary | None = None


class Broker(Protocol):
    """What an engine needs of its coordinator."""

    def ask(self, key: str, mode: str = "run") -> RunRecord | int | None:
        """A stored record for ``key``, or a run id to fly it under; raises
        ``BudgetSpent`` when the budget is spent. ``mode``: "run"; "force" (a
        bisection's run: past the budget); "peek" (a stored record or None, never a run)."""
        ...

    def ran(self, run_id: int, key: str, rec: RunRecord) -> None: ...
    def known(self) -> list[Schedule]: ...
    def found(self, f: Found) -> bool:
        """Take a failure; for a shrunk one, True when its kinds are new."""
        ...


@dataclass
class _Round:
    found: bool = False
    shrink_flown: int = 0
    last: tuple[Schedule, RunRecord] | None = None


def carried_database() -> Any:
    """An engine's example database across its rounds: hypothesis's ``ExampleDatabase``
    over insertion-ordered dicts (so fetches and samples are the same in every process)."""
    from hypothesis.database import ExampleDatabase

    class Carried(ExampleDatabase):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[bytes, dict[bytes, None]] = {}

        def fetch(self, key: bytes) -> list[bytes]:
            return list(self.data.get(key, {}))

        def save(self, key: bytes, value: bytes) -> None:
            self.data.setdefault(key, {})[bytes(value)] = None

        def delete(self, key: bytes, value: bytes) -> None:
            self.data.get(key, {}).pop(bytes(value), None)

    return Carried()


def round_seed(seed: int, engine: int, rnd: int) -> int:
    return int(np.random.SeedSequence(seed, spawn_key=(engine, rnd)).generate_state(1)[0])


@dataclass
class Engine:
    hunt: Hunt
    broker: Broker
    fly: Fly
    engine: int = 0
    rounds: int = field(default=0, init=False)
    database: Any = field(default_factory=carried_database, init=False)
    #: the best value of each margin seen, and whether the last round raised one
    best: dict[str, float] = field(default_factory=dict, init=False)
    climbing: bool = field(default=False, init=False)

    def run(self, max_rounds: int | None = None) -> None:
        """Hunt round after round until the broker says the budget is spent."""
        try:
            while max_rounds is None or self.rounds < max_rounds:
                self.hunt_round(self.rounds)
                self.rounds += 1
        except BudgetSpent:
            return

    # -- one round ------------------------------------------------------------------

    def hunt_round(self, rnd: int) -> Found | None:
        from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings, target

        hunt = self.hunt
        state = _Round()
        climb = self.climbing
        self.climbing = False
        phases: tuple[Phase, ...]
        if climb:  # replay the front, then hypothesis's target phase from its best
            phases, examples = (Phase.reuse, Phase.target, Phase.shrink), hunt.round_examples
        else:
            phases, examples = (Phase.generate, Phase.shrink), hunt.explore_examples

        @settings(  # over @seed, which would set database=None
            max_examples=examples,
            database=self.database,
            deadline=None,
            derandomize=False,
            phases=phases,
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @seed(round_seed(hunt.seed, self.engine, rnd))
        @given(hunt.space.strategy())
        def holds(schedule: Schedule) -> None:
            rec = self._evaluate(schedule, state)
            if rec is None:
                return
            harsh = hunt.space.harshness(schedule)
            for name in hunt.targets:
                v = TARGETS[name](rec)
                if v is not None and math.isfinite(v):
                    v += HARSH_TIE * harsh
                    target(v, label=name)
                    if v > self.best.get(name, -math.inf):
                        self.best[name] = v
                        self.climbing = True
            if not hunt.passes(rec):
                state.last = (schedule, rec)
                if not state.found:
                    state.found = True
                    self.broker.found(Found(schedule, rec, self.engine, rnd, shrunk=False))
                raise Falsified

        with contextlib.suppress(Falsified):
            holds()
        if state.last is None:
            return None
        self.climbing = False  # after a failure, look elsewhere
        schedule, rec = state.last
        found = Found(schedule, rec, self.engine, rnd, shrunk=True)
        if not any(sorted(k.kinds) == sorted(schedule.kinds) for k in self.broker.known()):
            found.boundary = self.bisect(schedule, rec)
        self.broker.found(found)
        return found

    def _evaluate(self, schedule: Schedule, state: _Round) -> RunRecord | None:
        """The record of ``schedule`` (None: counts as passing without a run)."""
        space = self.hunt.space
        if any(space.explains(k, schedule) for k in self.broker.known()):
            return None
        key = schedule.key()
        past = state.found and state.shrink_flown >= self.hunt.shrink_runs
        # a failure found within the budget is shrunk (and bisected) past it
        answer = self.broker.ask(key, "peek" if past else "force" if state.found else "run")
        if isinstance(answer, RunRecord):
            return _usable(answer)
        if answer is None:  # shrinking past its budget: what was not flown passes
            return None
        rec = self.fly(answer, self.hunt.spec(schedule))
        self.broker.ran(answer, key, rec)
        if state.found:
            state.shrink_flown += 1
        return _usable(rec)

    # -- the boundary ---------------------------------------------------------------

    def bisect(self, schedule: Schedule, rec: RunRecord) -> Boundary | None:
        """Bisect the first fault's main magnitude between its simple end (index 0) and
        the shrunk value, the rest of the schedule as shrunk; None when there is nothing
        to bisect (a choice, or a failure already at the simple end)."""
        first = schedule.faults[0] if schedule.faults else None
        if first is None:
            return None
        kind = self.hunt.space.kind(first.kind)
        p = kind.main
        if not p.numeric or first.index[0] == 0 or p.step is None:
            return None
        simple = Fault(first.kind, (0, *first.index[1:]))
        at_simple = Schedule((simple, *schedule.faults[1:]))
        v_simple, v_fail = float(p.value(0)), float(p.value(first.index[0]))
        b = Bisection(min(v_simple, v_fail), max(v_simple, v_fail), p.step / 2)
        runs = 0
        while not b.done:
            for x in b.next_points():
                if x == v_fail:
                    r: RunRecord | None = rec
                elif x == v_simple:
                    r = self._forced(at_simple, None)
                else:
                    r = self._forced(schedule, {first.kind: {p.name: x}})
                runs += 1
                b.tell(x, r is not None and self.hunt.passes(r))
        return Boundary(first.kind, p.name, b.low, b.high, v_simple, runs, b.note)

    def _forced(self, schedule: Schedule, exact: Exact | None) -> RunRecord | None:
        key = schedule.key() if exact is None else f"{schedule.key()} exact {_key(exact)}"
        answer = self.broker.ask(key, "force")
        if isinstance(answer, RunRecord):
            return _usable(answer)
        assert answer is not None
        rec = self.fly(answer, self.hunt.spec(schedule, exact))
        self.broker.ran(answer, key, rec)
        return _usable(rec)


def _key(exact: Exact) -> str:
    return json.dumps({k: dict(v) for k, v in exact.items()}, sort_keys=True)


def _usable(rec: RunRecord) -> RunRecord | None:
    """A run that errored or timed out says nothing about the FSW: it counts as passing
    (it is in the store and the report, as an error)."""
    return rec if rec.status == "done" else None
